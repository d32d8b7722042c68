"""Text extraction, one module per format, chosen by the file's content (magic bytes), never its name.

``extract(data, media_type)`` runs in the sandboxed worker process (``ingest/sandbox.py``); it returns the
text per page, a title when the file says one, and children (e-mail attachments). A file that cannot be
read raises ``ExtractError`` with a code the user sees translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import filetype


class ExtractError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class Child:
    filename: str
    data: bytes


@dataclass
class Extracted:
    media_type: str
    pages: list[str]
    title: str | None = None
    children: list[Child] = field(default_factory=list)
    published: str | None = None  # ISO date the file itself states (PDF metadata, HTML meta), if any

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p.strip())

    def page_starts(self) -> list[int]:
        """Where each page starts in ``text`` (so a hit can point to its page)."""
        starts, pos = [], 0
        for p in self.pages:
            starts.append(pos)
            if p.strip():  # empty pages are left out of ``text``
                pos += len(p) + 2
        return starts


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
IMAGES = ("image/png", "image/jpeg", "image/tiff")


@dataclass
class Options:
    """Per job: OCR or not, in which languages (Tesseract codes)."""

    ocr: bool = True
    ocr_languages: list[str] = field(default_factory=lambda: ["fra", "eng"])


def detect(data: bytes) -> str:
    """The media type from the bytes: PDF, DOCX, HTML, e-mail or UTF-8 text; anything else is refused."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime in ("application/zip", DOCX, ODT):
            if kind.mime == ODT or b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:200]:
                return ODT
            return DOCX if b"word/" in data[:65536] or kind.mime == DOCX else "application/zip"
        return str(kind.mime)
    head = data[:4096].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "text/html"
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<!entity")):  # no XML parser ever sees these
        return "image/svg+xml" if b"<svg" in head else "application/xml"
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if "\x00" in text:
        return "application/octet-stream"
    first = text[:2000]
    if any(
        first.startswith(h) or f"\n{h}" in first for h in ("From: ", "Received: ", "Message-ID: ", "MIME-Version: ")
    ) and ("\nSubject:" in first or first.startswith("Subject:")):
        return "message/rfc822"
    return "text/plain"


def extract(data: bytes, media_type: str, options: Options | None = None) -> Extracted:
    from ingest.extract import eml, html, ocr, odt, pdf, text, word

    options = options or Options()
    if media_type in IMAGES:
        if not options.ocr:
            raise ExtractError("ocr_skipped")
        return ocr.image(data, media_type, options.ocr_languages)
    if media_type == "application/pdf":
        try:
            return pdf.extract(data)
        except ExtractError as exc:
            if exc.code != "no_text_layer" or not options.ocr:
                raise
            return ocr.scanned_pdf(data, options.ocr_languages)
    handlers = {
        DOCX: word.extract,
        ODT: odt.extract,
        "text/html": html.extract,
        "text/plain": text.extract,
        "message/rfc822": eml.extract,
    }
    handler = handlers.get(media_type)
    if handler is None:
        raise ExtractError("unsupported_format")
    return handler(data)
