"""What a spider yields: one file (an HTML page, a PDF, ...) with the metadata the publisher states."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CrawledFile:
    source: str
    url: str  # the document's address: its stable identity across crawls and versions
    body: bytes
    filename: str
    kind: str = "coi"
    title: str | None = None
    published: str | None = None  # ISO date of original publication
    language: str | None = None
    countries: list[str] = field(default_factory=list)  # ISO alpha-3
    doc_type: str | None = None
    author: str | None = None
    publisher: str | None = None  # aggregators (ecoi.net): the document's original publisher
    file_url: str | None = None  # when the file was fetched from another address than ``url``
    pdf_url: str | None = None  # the same document as a PDF, when the publisher offers both
    withdrawn: str | None = None  # ISO date (or "unknown") the publisher withdrew the document
    # decisions
    court: str | None = None
    decision_date: str | None = None
    file_number: str | None = None
    ecli: str | None = None
    headnote: str | None = None


class LayoutError(Exception):
    """A page does not have the structure its spider expects (a missing field, a changed layout)."""
