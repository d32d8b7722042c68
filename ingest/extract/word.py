"""DOCX (python-docx, whose XML parser does not resolve entities), after the zip-bomb guard."""

from __future__ import annotations

import io

from lxml import etree

from ingest.extract import DOCX, Extracted, ExtractError, Extractor, Options, zipguard


def extract(data: bytes, options: Options) -> Extracted:
    zipguard.check(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise ExtractError("corrupt_file") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    title = document.core_properties.title or None
    if title == "Word Document":  # python-docx's default when the file has no core properties
        title = None
    text = "\n".join(paragraphs)
    if not text.strip():
        raise ExtractError("empty_file")
    return Extracted(DOCX, [text], title)


EXTRACTOR = Extractor("DOCX", (DOCX,), extract, (".docx",))
