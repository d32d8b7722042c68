"""The sandboxed side of extraction, run by ``ingest/sandbox.py`` in a child process with a memory limit.

``python -m ingest.extract.worker --serve`` answers requests line by line on stdin/stdout — one JSON object
``{"path": FILE, "filename": NAME, "options": {...}}`` in, one JSON line out — so parsers are imported once
per worker rather than once per file. The parent enforces a time limit per file and kills the worker when
it is exceeded or when the worker dies; a hostile file can only take down this process.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from ingest.extract import ExtractError, Options, choose, detect


def handle(path: str, options: dict[str, Any], filename: str | None = None) -> dict[str, Any]:
    data = Path(path).read_bytes()
    media_type = detect(data)
    try:
        out = choose(media_type, filename).read(data, Options(**options))
    except ExtractError as exc:
        return {"error": exc.code, "media_type": media_type}
    children = [{"filename": c.filename, "data": base64.b64encode(c.data).decode()} for c in out.children]
    return {**dataclasses.asdict(out), "children": children}


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = handle(request["path"], request.get("options", {}), request.get("filename"))
        except MemoryError:
            answer = {"error": "too_large_to_parse", "fatal": True}
        except Exception as exc:  # a parser failing in a way it does not report: the class name, no content
            answer = {"error": "unreadable_file", "exception": type(exc).__name__}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if answer.get("fatal"):
            return  # after a MemoryError the process is not trusted: the parent starts a fresh one


if __name__ == "__main__":
    serve()
