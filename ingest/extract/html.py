"""HTML: the main text without navigation or boilerplate (trafilatura); scripts never become text."""

from __future__ import annotations

import trafilatura
from lxml import html as lxml_html

from ingest.extract import Extracted, ExtractError


def extract(data: bytes) -> Extracted:
    text = trafilatura.extract(data, include_comments=False, include_tables=True, favor_recall=True)
    meta = trafilatura.extract_metadata(data)
    if not text:  # very short pages: fall back to the visible text of the body
        try:
            tree = lxml_html.fromstring(data)
        except (ValueError, lxml_html.etree.ParserError) as exc:
            raise ExtractError("corrupt_file") from exc
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        text = " ".join(tree.text_content().split())
    if not text.strip():
        raise ExtractError("empty_file")
    published = meta.date if meta and meta.date else None  # trafilatura reads the page's own date metadata
    return Extracted("text/html", [text], meta.title if meta and meta.title else None, published=published)
