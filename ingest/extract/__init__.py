"""Text extraction: one module per format, each declaring an ``EXTRACTOR`` (its media types, extensions,
score); the registry finds them and the best score reads the file (``choose``), in the sandboxed worker
(``ingest/sandbox.py``) for uploads and corpus records alike. The media type comes from the bytes
(``detect``); a name only refines generic text (``.md`` is Markdown), never turns one format into another.
Out come the text per page, a title when the file says one, a record's own fields (corpus JSON) and
children (e-mail attachments); a file that cannot be read raises ``ExtractError`` with a code the user
sees translated.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import Any

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
    metadata: dict[str, Any] = field(default_factory=dict)  # a record's own fields (corpus JSON records)

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


@dataclass
class Options:
    """Per job: OCR or not, in which languages (Tesseract codes)."""

    ocr: bool = True
    ocr_languages: list[str] = field(default_factory=lambda: ["fra", "eng"])


@dataclass(frozen=True)
class Extractor:
    """One format: its name in the format list, the media types it reads, its extensions, and how to read it.
    ``refines``: generic types it takes when the file name has one of ``extensions`` (Markdown is text)."""

    name: str
    media_types: tuple[str, ...]
    read: Callable[[bytes, Options], Extracted]
    extensions: tuple[str, ...] = ()
    refines: tuple[str, ...] = ()
    in_process: bool = False  # no parser involved (plain text): the sandbox's caller reads it itself

    def score(self, media_type: str, filename: str | None = None) -> int:
        """0: not this format; 1: its media type; 2: and its extension; 3: a generic type it refines."""
        ext = PurePath(filename or "").suffix.lower()
        if media_type in self.media_types:
            return 2 if ext in self.extensions else 1
        return 3 if media_type in self.refines and ext in self.extensions else 0


@cache
def extractors() -> tuple[Extractor, ...]:
    """Every module of this package that declares an ``EXTRACTOR``: a new format is a new module."""
    modules = (importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__))
    return tuple(m.EXTRACTOR for m in modules if hasattr(m, "EXTRACTOR"))


def choose(media_type: str, filename: str | None = None) -> Extractor:
    score, best = max(((e.score(media_type, filename), e) for e in extractors()), key=lambda x: x[0])
    if score == 0:
        raise ExtractError("unsupported_format")
    return best


def formats() -> str:
    """The format list that pages and the API show: from the registry, never repeated by hand."""
    return ", ".join(sorted((e.name for e in extractors()), key=str.lower))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
# a publisher's HTML body without the page around it (UK Home Office govspeak notes)
_HTML_FRAGMENT = re.compile(rb"<(?:div|p|section|article|main|h[1-6]|table|ul|ol|blockquote)[\s>]")


def detect(data: bytes) -> str:
    """The media type from the bytes: PDF, DOCX, ODT, images, HTML, JSON, e-mail or UTF-8 text; anything
    else is refused."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime in ("application/zip", DOCX, ODT):
            if kind.mime == ODT or b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:200]:
                return ODT
            return DOCX if b"word/" in data[:65536] or kind.mime == DOCX else "application/zip"
        return str(kind.mime)
    head = data[:4096].lstrip().lower()
    if head.startswith(b"{") and data.rstrip().endswith(b"}"):  # before HTML: a record's text may hold tags
        return "application/json"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or _HTML_FRAGMENT.match(head):
        return "text/html"
    if head.startswith((b"<?xml", b"<svg", b"<!doctype", b"<!entity")):  # no XML parser ever sees these
        return "image/svg+xml" if b"<svg" in head else "application/xml"
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:  # UTF-8 unless the only fault is a character cut at 64 KiB
        if len(data) <= 65536 or exc.start < 65533:
            return "application/octet-stream"
        text = data[: exc.start].decode("utf-8")
    if "\x00" in text:
        return "application/octet-stream"
    first = text[:2000]
    if any(
        first.startswith(h) or f"\n{h}" in first for h in ("From: ", "Received: ", "Message-ID: ", "MIME-Version: ")
    ) and ("\nSubject:" in first or first.startswith("Subject:")):
        return "message/rfc822"
    return "text/plain"
