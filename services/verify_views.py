"""What the verification API answers, as typed models (OpenAPI shows their shapes).

The verifier (``services/verify.py``) and the case service still build dicts (pages, exports and the stored
results read them); the routes validate them into these models. The models allow keys they do not name
(``extra="allow"``), so a key the verifier adds reaches the answer as before, until it is named here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class FactPlaceOut(_Open):
    id: str  # gazetteer id
    name: str
    text: str  # as written in the statement
    country: str
    level: str


class FactActorOut(_Open):
    id: str
    name: str
    text: str


class FactOut(_Open):
    """One fact of the statements: the places, dates, actors and event words found in it."""

    id: str
    text: str
    places: list[FactPlaceOut]
    dates: list[dict[str, Any]]  # value, text, start, end (ISO; end None = open)
    actors: list[FactActorOut]
    keywords: list[str]  # the event, in the statement's own words
    names: list[str]  # capitalised words no list knows


class FactsOut(_Open):
    facts: list[FactOut]


class EvidenceOut(_Open):
    """A passage of a document that supports (or contradicts) a fact, with its citation."""

    document_id: str
    title: str
    source: str
    source_name: str | None
    source_acronym: str | None
    source_type: str | None
    published: str | None  # ISO date
    url: str | None
    sha256: str | None
    version: int
    passage: str
    start: int
    end: int
    page: int | None
    paragraph: int | None
    event_dates: list[Any]
    match: dict[str, Any]  # what matched: place, actor, words (share), date
    citation: str
    footnote: str  # EUAA style


class FactResult(_Open):
    fact: FactOut
    status: str  # supported, contradicted, no_information, …
    explanation: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    evidence: list[EvidenceOut]
    conflicting: list[EvidenceOut]
    places: list[dict[str, Any]]  # each place checked in the gazetteer (found or not)
    flags: list[str]


class SourceRef(_Open):
    id: str
    name: str | None
    type: str | None


class VerificationResult(_Open):
    """Each fact checked against the library as of a date."""

    as_of: str  # ISO date
    country: str | None
    period: list[str | None]  # [from, to], ISO dates
    generated: str  # ISO date and time
    facts: list[FactResult]
    search_log: list[dict[str, Any]]  # the queries run
    sources_consulted: list[SourceRef]
    verification_id: int | None = None  # when it was saved with a case (absent otherwise)


class VerificationSummary(_Open):
    """A verification saved with a case."""

    id: int
    created_by: str
    created_at: str  # ISO date and time, UTC ("Z")
    facts: int  # how many facts were checked
    statuses: list[str]  # the status of each


class StoredVerification(_Open):
    id: int
    case_id: str
    reference: str
    created_by: str
    created_at: str  # ISO date and time, UTC ("Z")
    request: dict[str, Any]  # what was asked
    result: dict[str, Any]  # the result as it was then (see VerificationResult)
