"""What a report or a query response is made of, whatever renders it (HTML, PDF, DOCX)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass
class Block:
    """A paragraph of a section: the writer's text, a quotation or a paraphrase of a source; ``notes`` are
    the numbers of the footnotes that reference it."""

    kind: Literal["text", "quote", "paraphrase"]
    text: str
    notes: list[int] = field(default_factory=list)
    label: str | None = None  # e.g. the status of a verified fact


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str | None = None


@dataclass
class ReportDocument:
    kind: Literal["report", "query_response"]
    locale: Literal["fr", "en"]
    title: str
    date: str  # as written ("26 novembre 2026")
    reference: str | None = None
    country: str | None = None
    subject: str | None = None
    status: str | None = None  # draft | in review | published
    version: int | None = None
    questions: list[str] = field(default_factory=list)  # terms of reference
    methodology: list[str] = field(default_factory=list)  # paragraphs
    disclaimer: str = ""
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnote n is notes[n - 1]
    bibliography: list[str] = field(default_factory=list)
    annex_title: str | None = None
    annex: list[str] = field(default_factory=list)  # e.g. the search log
    warnings: list[str] = field(default_factory=list)  # e.g. a cited source changed since
