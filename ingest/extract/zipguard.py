"""Refuse zip containers (DOCX) that would expand beyond sane limits before any parser opens them."""

from __future__ import annotations

import io
import zipfile

from ingest.extract import ExtractError

MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200_000_000
MAX_RATIO = 200


def check(data: bytes) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ExtractError("corrupt_file") from exc
    if len(infos) > MAX_ENTRIES:
        raise ExtractError("archive_bomb")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10_000_000 and total / packed > MAX_RATIO):
        raise ExtractError("archive_bomb")
