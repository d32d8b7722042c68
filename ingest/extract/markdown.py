"""Markdown (a text file named ``.md``): rendered by markdown-it, then read block by block like HTML."""

from __future__ import annotations

from ingest.extract import Extracted, ExtractError, Extractor, Options, html, text


def extract(data: bytes, options: Options) -> Extracted:
    from markdown_it import MarkdownIt

    source = text.extract(data, options)  # decoded as text, titled by its first heading
    body = html.blocks(f"<div>{MarkdownIt().render(source.text)}</div>".encode())
    if not body:
        raise ExtractError("empty_file")
    return Extracted("text/markdown", [body], source.title)


EXTRACTOR = Extractor("Markdown", ("text/markdown",), extract, (".md", ".markdown"), refines=("text/plain",))
