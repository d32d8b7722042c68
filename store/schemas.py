"""Pydantic models named for their role, shared by ingest, services and the API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

Kind = Literal["coi", "decision", "case_document"]
_ISO3 = re.compile(r"^[A-Z]{3}$")


class DocumentCreate(BaseModel):
    """A document as a loader, crawler or upload hands it to the store."""

    kind: Kind
    title: str
    text: str
    language: str | None = None
    countries: list[str] = Field(default_factory=list)
    source: str
    doc_type: str | None = None
    published: dt.date | None = None
    event_dates: list[str] = Field(default_factory=list)
    url: str | None = None
    external_id: str | None = None
    case_id: str | None = None
    court: str | None = None
    decision_date: dt.date | None = None
    file_number: str | None = None
    ecli: str | None = None
    outcome: str | None = None
    headnote: str | None = None
    keywords: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("countries")
    @classmethod
    def _iso3(cls, v: list[str]) -> list[str]:
        out = []
        for c in v:
            c = c.strip().upper()
            if not _ISO3.match(c):
                raise ValueError(f"not an ISO 3166 alpha-3 code: {c!r}")
            if c not in out:
                out.append(c)
        return out


class DocumentPublic(BaseModel):
    """A stored document as the API shows it."""

    id: str
    kind: Kind
    title: str
    text: str
    language: str | None
    countries: list[str]
    source: str
    source_name: str | None = None
    doc_type: str | None
    published: dt.date | None
    added: dt.datetime
    event_dates: list[str]
    url: str | None
    sha256: str | None
    version: int
    court: str | None = None
    decision_date: dt.date | None = None
    file_number: str | None = None
    ecli: str | None = None
    outcome: str | None = None
    headnote: str | None = None
    keywords: list[str] = Field(default_factory=list)
    citation: str | None = None
    retrieved: str | None = None  # crawled documents: when the crawler fetched this version
    publisher: str | None = None  # aggregators: the original publisher
    pdf_url: str | None = None
