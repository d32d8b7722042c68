"""The sandboxed side: ``python -m ingest.extract.worker FILE`` prints the extraction as JSON on stdout.

Run by ``ingest/sandbox.py`` in a child process with CPU-time and memory limits, so a hostile file can
only take down this process.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from ingest.extract import ExtractError, Options, detect, extract


def main() -> None:
    data = Path(sys.argv[1]).read_bytes()
    options = Options(**json.loads(sys.argv[2])) if len(sys.argv) > 2 else Options()
    media_type = detect(data)
    try:
        out = extract(data, media_type, options)
    except ExtractError as exc:
        json.dump({"error": exc.code, "media_type": media_type}, sys.stdout)
        return
    except MemoryError:
        json.dump({"error": "too_large_to_parse", "media_type": media_type}, sys.stdout)
        return
    json.dump(
        {
            "media_type": out.media_type,
            "pages": out.pages,
            "title": out.title,
            "published": out.published,
            "children": [{"filename": c.filename, "data": base64.b64encode(c.data).decode()} for c in out.children],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
