"""A JSON record (the shared corpus's publisher records): its ``text`` field is the text, its ``title`` the
title, and its other fields come back as metadata for ``ingest/corpus.py`` to map."""

from __future__ import annotations

import json

from ingest.extract import Extracted, ExtractError, Extractor, Options


def extract(data: bytes, options: Options) -> Extracted:
    try:
        record = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ExtractError("corrupt_file") from exc
    if not isinstance(record, dict):
        raise ExtractError("unsupported_format")
    text = record.pop("text", None)
    if not isinstance(text, str) or not text.strip():
        raise ExtractError("empty_file")
    title = record.get("title")
    return Extracted("application/json", [text], title if isinstance(title, str) else None, metadata=record)


EXTRACTOR = Extractor("JSON records", ("application/json",), extract, (".json",), refines=("text/plain",))
