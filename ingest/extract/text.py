"""Plain text (UTF-8, or Latin-1 as a last resort for old files). No parser: read outside the sandbox."""

from __future__ import annotations

from ingest.extract import Extracted, ExtractError, Extractor, Options


def extract(data: bytes, options: Options) -> Extracted:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise ExtractError("unsupported_format")
    if not text.strip():
        raise ExtractError("empty_file")
    first = next((line for line in text.splitlines() if line.strip()), "")
    title = first.lstrip("# ").strip()[:300] if first.startswith("#") else None
    return Extracted("text/plain", [text], title)


EXTRACTOR = Extractor("text", ("text/plain",), extract, (".txt",), in_process=True)
