"""HTML. A web page: its main text without navigation or boilerplate (trafilatura). A fragment (a
publisher's body without the page around it, as UK Home Office notes come): every block, in order. Scripts
never become text."""

from __future__ import annotations

import re

from ingest.extract import Extracted, ExtractError, Extractor, Options

_PAGE = re.compile(rb"<!doctype html|<html[\s>]|<body[\s>]")
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "td", "th", "blockquote", "div")


def _tree(data: bytes):  # type: ignore[no-untyped-def]
    from lxml import etree
    from lxml import html as lxml_html

    try:  # decoded first: lxml reads bytes without a charset declaration as Latin-1 ("Sudanâs")
        source: str | bytes = data.decode("utf-8")
    except UnicodeDecodeError:
        source = data  # not UTF-8: read in the charset the page declares
    try:
        tree = lxml_html.fromstring(source)
    except (ValueError, etree.ParserError) as exc:
        raise ExtractError("corrupt_file") from exc
    for bad in tree.xpath("//script|//style|//nav|//noscript"):
        bad.drop_tree()
    return tree


def blocks(data: bytes) -> str:
    """The text of each block (paragraph, heading, list item, cell), one paragraph each."""
    parts = []
    for el in _tree(data).iter(*_BLOCKS):
        if el.tag == "div" and len(el):
            continue
        if t := " ".join(el.text_content().split()):
            parts.append(t)
    return "\n\n".join(parts)


def extract(data: bytes, options: Options) -> Extracted:
    import trafilatura

    if not _PAGE.search(data[:4096].lower()):
        text, meta = blocks(data), None
    else:
        main = trafilatura.extract(data, include_comments=False, include_tables=True, favor_recall=True)
        meta = trafilatura.extract_metadata(data)
        # very short pages: fall back to the visible text of the body
        text = main or " ".join(_tree(data).text_content().split())
    if not text.strip():
        raise ExtractError("empty_file")
    published = meta.date if meta and meta.date else None  # trafilatura reads the page's own date metadata
    return Extracted("text/html", [text], meta.title if meta and meta.title else None, published=published)


EXTRACTOR = Extractor("HTML", ("text/html",), extract, (".html", ".htm"))
