"""The original page of a PDF as a PNG, rendered by PDFium (pypdfium2) in a child process.

An original is untrusted input: PDFium runs in a separate process with the sandbox's memory limit and a time
limit, as parsing does (``ingest/sandbox.py``); a crash or an overrun is this request's failure only. The
child is ``python -m ingest.page_image PDF PAGE MAX_PX`` and writes the PNG on its standard output.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable

from ingest.extract import ExtractError
from ingest.sandbox import MEMORY_BYTES, ROOT, _limits

TIMEOUT_S = 30
MAX_PX = 1600  # the longer side of the image, in pixels


CACHE_SIZE = 48  # recently shown pages (an officer goes back and forth)
_cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_lock = threading.Lock()


def render_pdf_page(
    sha256: str, load: Callable[[], bytes], page: int, max_px: int = MAX_PX, timeout_s: float = TIMEOUT_S
) -> bytes:
    """Page ``page`` (1-based) of the PDF whose bytes ``load`` returns, as PNG bytes; raises
    ExtractError('no_such_page' | 'parse_timeout' | 'unreadable_file')."""
    key = (sha256, page)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    png = _render(load(), page, max_px, timeout_s)
    with _lock:
        _cache[key] = png
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return png


def _render(data: bytes, page: int, max_px: int, timeout_s: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="coidesk-page-") as tmp:
        path = os.path.join(tmp, "original.pdf")
        with open(path, "wb") as f:
            f.write(data)
        try:
            done = subprocess.run(  # noqa: S603 - fixed argv: our own module
                [sys.executable, "-m", "ingest.page_image", path, str(page), str(max_px)],
                capture_output=True,
                timeout=timeout_s,
                cwd=ROOT,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "HOME": tmp},
                preexec_fn=_limits(MEMORY_BYTES),  # noqa: PLW1509 - limits must be set in the child
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ExtractError("parse_timeout") from exc
    if done.returncode == 3:
        raise ExtractError("no_such_page")
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise ExtractError("unreadable_file")
    return done.stdout


def _child(path: str, page: int, max_px: int) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return 2
    if not 1 <= page <= len(pdf):
        return 3
    p = pdf[page - 1]
    width, height = p.get_size()
    scale = min(max_px / max(width, height, 1), 3.0)
    image = p.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    sys.stdout.buffer.write(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
