"""COI reports and query responses for the research desk (EUAA methodology, DOMAIN §1).

A report has terms of reference, methodology (sources, reference period, reviewers), a disclaimer,
sections and a bibliography built from its footnotes. A passage from any COI document or decision becomes a
quotation or a paraphrase with a footnote in EUAA style (pinpoint, accessed date), pinned to the archived
version (sha256) of the document it was read in; when the document changes later, the report says so.
Draft → in review (reviewers comment) → published (immutable; reopening makes version n+1). Case documents
can never be cited: reports are library material that all staff read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from config.messages import message
from config.sources import source_name
from reports.model import Block, ReportDocument, Section
from services.auth import Accounts, Principal
from services.citation import euaa_bibliography, euaa_footnote, long_date
from services.errors import Forbidden, InvalidInput, NotFound
from services.fields import RowRef
from store.documents import DocumentStore
from store.models import Document
from store.reports import Report, ReportCitation, ReportParts, ReportRecords


def may_write(p: Principal) -> bool:
    return p.has("research_assistant")


# who may be named to review a report (quality control, EUAA methodology): another research assistant or a
# legal consultant; named reviewers comment on and publish it, whatever their own writing rights
REVIEWER_ROLES = ("research_assistant", "legal_consultant")


def may_publish(p: Principal, report: dict[str, Any]) -> bool:
    """A report in review is published by one of its named reviewers, or, when none was named, by a research
    assistant other than its author; never by its author alone."""
    if report["status"] != "in_review" or p.username == report["created_by"]:
        return False
    reviewers = (report.get("methodology") or {}).get("reviewers") or []
    return p.username in reviewers if reviewers else may_write(p)


def may_comment(p: Principal, report: dict[str, Any]) -> bool:
    return may_write(p) or p.username in ((report.get("methodology") or {}).get("reviewers") or [])


class ReportIn(BaseModel):
    kind: Literal["report", "query_response"] = "report"
    locale: Literal["fr", "en"] = "fr"
    title: str = Field(min_length=1, max_length=300)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    reference: str | None = Field(default=None, max_length=64)
    questions: list[str] = Field(default_factory=list, max_length=30)
    sources: str = Field(default="", max_length=5000)  # methodology: sources consulted
    period: str = Field(default="", max_length=200)  # methodology: reference period
    reviewers: list[str] = Field(default_factory=list, max_length=10)
    method_text: str = Field(default="", max_length=10_000)
    disclaimer: str | None = Field(default=None, max_length=5000)

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: list[str]) -> list[str]:
        return [q.strip()[:1000] for q in v if q.strip()]


class SectionIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=50_000)


class PassageIn(BaseModel):
    section_id: RowRef
    document_id: str = Field(pattern=r"^[0-9a-f]{20}$")
    quote: str = Field(min_length=3, max_length=5000)  # the passage as read (whitespace may differ)
    mode: Literal["quote", "paraphrase"] = "quote"
    paraphrase: str | None = Field(default=None, max_length=5000)


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


def find_passage(text: str, quote: str) -> tuple[int, int] | None:
    """Where the passage stands in the text, whatever its spacing and line breaks (and without the
    ellipses or highlight marks a search snippet carries)."""
    cleaned = re.sub(r"</?mark>|…|\.\.\.", " ", quote).strip()
    words = cleaned.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


class ReportDesk:
    def __init__(self, records: ReportRecords, store: DocumentStore, accounts: Accounts) -> None:
        self.records, self.store, self.accounts = records, store, accounts

    def reviewer_candidates(self, p: Principal) -> list[dict[str, Any]]:
        """Active accounts that may review a report written by ``p`` (everyone allowed but the author)."""
        return [
            {
                "username": u.username,
                "display_name": f"{u.full_name} ({u.username})"
                if u.full_name and u.full_name != u.username
                else u.username,
                "roles": list(u.roles or []),
            }
            for u in self.accounts.list_users()
            if u.active and u.username != p.username and set(u.roles or []) & set(REVIEWER_ROLES)
        ]

    def _check_reviewers(self, p: Principal, names: list[str]) -> list[str]:
        allowed = {c["username"] for c in self.reviewer_candidates(p)}
        seen: list[str] = []
        for name in names:
            if name == p.username:
                raise InvalidInput("reviewer_is_author", name=name)
            if name not in allowed:
                raise InvalidInput("unknown_reviewer", name=name)
            if name not in seen:
                seen.append(name)
        return seen

    # ---- reading --------------------------------------------------------------------------------
    def summaries(self) -> list[dict[str, Any]]:
        return [self._summary(r) for r in self.records.recent(500)]

    def writable(self, p: Principal) -> list[dict[str, Any]]:
        """Reports this user may add passages to now (drafts), with their sections."""
        if not may_write(p):
            return []
        return [
            {**self._summary(r), "sections": [{"id": x.id, "title": x.title} for x in sections]}
            for r, sections in self.records.drafts()
        ]

    def get(self, report_id: int) -> dict[str, Any]:
        r = self._report(report_id)
        return self._full(r, self.records.parts(r.id))

    def _report(self, report_id: int) -> Report:
        r = self.records.get(report_id)
        if r is None:
            raise NotFound(str(report_id))
        return r

    @staticmethod
    def _summary(r: Report) -> dict[str, Any]:
        return {
            "id": r.id,
            "kind": r.kind,
            "locale": r.locale,
            "title": r.title,
            "country": r.country,
            "reference": r.reference,
            "status": r.status,
            "version": r.version,
            "created_by": r.created_by,
            "updated_at": r.updated_at.isoformat(timespec="seconds") + "Z",
        }

    def _full(self, r: Report, parts: ReportParts) -> dict[str, Any]:
        citations = parts.citations
        docs = {d.id: d for d in self.store.get_many(list({c.document_id for c in citations}))}
        return {
            **self._summary(r),
            "questions": r.questions,
            "methodology": r.methodology,
            "disclaimer": r.disclaimer,
            "sections": [
                {
                    "id": x.id,
                    "title": x.title,
                    "text": x.text,
                    "citations": [self._citation(c, docs) for c in citations if c.section_id == x.id],
                }
                for x in parts.sections
            ],
            "comments": [
                {
                    "author": c.author,
                    "version": c.version,
                    "text": c.text,
                    "at": c.created_at.isoformat(timespec="seconds") + "Z",
                }
                for c in parts.comments
            ],
        }

    @staticmethod
    def _citation(c: ReportCitation, docs: dict[str, Document]) -> dict[str, Any]:
        d = docs.get(c.document_id)
        changed = d is None or d.sha256 != c.sha256
        return {
            "id": c.id,
            "document_id": c.document_id,
            "document_version": c.document_version,
            "sha256": c.sha256,
            "mode": c.mode,
            "quote": c.quote,
            "paraphrase": c.paraphrase,
            "page": c.page,
            "paragraph": c.paragraph,
            "accessed": c.accessed.isoformat(),
            "added_by": c.added_by,
            # the cited source changed since (a new version, or removed): the passage must be checked again
            "source_changed": changed,
            "current_version": d.version if d else None,
            "still_in_current": bool(d and find_passage(d.text, c.quote)),
            "title": d.title if d else None,
            "source": d.source if d else None,
        }

    # ---- writing --------------------------------------------------------------------------------
    def _editable(self, p: Principal, report_id: int) -> Report:
        if not may_write(p):
            raise Forbidden()
        r = self._report(report_id)
        if r.status == "published":
            raise InvalidInput("report_published")  # reopen it: a new version keeps the published one intact
        return r

    def create(self, p: Principal, data: ReportIn) -> int:
        if not may_write(p):
            raise Forbidden()
        data.reviewers = self._check_reviewers(p, data.reviewers)
        r = Report(
            kind=data.kind,
            locale=data.locale,
            title=data.title,
            country=data.country,
            reference=data.reference,
            questions=data.questions,
            methodology={
                "sources": data.sources,
                "period": data.period,
                "reviewers": data.reviewers,
                "text": data.method_text,
            },
            disclaimer=data.disclaimer if data.disclaimer is not None else message("report_disclaimer", data.locale),
            created_by=p.username,
        )
        return self.records.add(r)

    def add_section(self, p: Principal, report_id: int, data: SectionIn) -> int:
        r = self._editable(p, report_id)
        return self.records.add_section(r.id, data.title, data.text)

    def edit_section(self, p: Principal, report_id: int, section_id: int, data: SectionIn) -> None:
        r = self._editable(p, report_id)
        section = self.records.section(section_id)
        if section is None or section.report_id != r.id:
            raise NotFound(str(section_id))
        self.records.edit_section(section.id, data.title, data.text)

    def add_passage(self, p: Principal, report_id: int, data: PassageIn, today: dt.date | None = None) -> int:
        """Pin a passage of a document's current version to a section, as a quotation or a paraphrase."""
        d = self.store.get(data.document_id)
        if d.kind == "case_document":
            raise NotFound(data.document_id)  # case data never goes into a report
        found = find_passage(d.text, data.quote)
        if found is None:
            raise InvalidInput("passage_not_found")
        if data.mode == "paraphrase" and not (data.paraphrase or "").strip():
            raise InvalidInput("paraphrase_missing")
        start, end = found
        starts = (d.extra or {}).get("page_starts") or []
        page = sum(1 for x in starts if x <= start) if len(starts) > 1 else None
        paragraph = len(re.findall(r"\n\s*\n", d.text[:start])) + 1
        r = self._editable(p, report_id)
        section = self.records.section(data.section_id)
        if section is None or section.report_id != r.id:
            raise NotFound(str(data.section_id))
        c = ReportCitation(
            section_id=section.id,
            document_id=d.id,
            document_version=d.version,
            sha256=d.sha256,
            mode=data.mode,
            quote=d.text[start:end],
            paraphrase=(data.paraphrase or "").strip() or None,
            start=start,
            end=end,
            page=page,
            paragraph=paragraph,
            accessed=today or dt.date.today(),
            added_by=p.username,
        )
        return self.records.add_citation(r.id, c)

    def remove_citation(self, p: Principal, report_id: int, citation_id: int) -> None:
        r = self._editable(p, report_id)
        c = self.records.citation(citation_id)
        section = self.records.section(c.section_id) if c else None
        if c is None or section is None or section.report_id != r.id:
            raise NotFound(str(citation_id))
        self.records.remove_citation(c.id)

    # ---- workflow -------------------------------------------------------------------------------
    def submit(self, p: Principal, report_id: int, reviewers: list[str] | None = None) -> None:
        """Into review; reviewers named now replace those named at creation (accounts that may review)."""
        r = self._editable(p, report_id)
        if r.status != "draft":
            raise InvalidInput("report_not_draft")
        values: dict[str, Any] = {"status": "in_review"}
        if reviewers is not None:
            values["methodology"] = {**r.methodology, "reviewers": self._check_reviewers(p, reviewers)}
        self.records.change(r.id, values, snapshot=(p.username, self._full))

    def comment(self, p: Principal, report_id: int, data: CommentIn) -> None:
        r = self._report(report_id)
        if not may_comment(p, {"methodology": r.methodology}):
            raise Forbidden()
        self.records.add_comment(r.id, r.version, p.username, data.text)

    def publish(self, p: Principal, report_id: int) -> None:
        """Quality control: a report in review is published by a reviewer, never by its author alone."""
        r = self._report(report_id)
        if r.status != "in_review":
            raise InvalidInput("report_not_in_review")
        if not may_publish(p, {"status": r.status, "created_by": r.created_by, "methodology": r.methodology}):
            raise Forbidden("not_a_reviewer")
        self.records.change(r.id, {"status": "published"}, snapshot=(p.username, self._full))

    def reopen(self, p: Principal, report_id: int) -> None:
        """A published report stays as published (its snapshot); the draft becomes version n+1."""
        if not may_write(p):
            raise Forbidden()
        r = self._report(report_id)
        if r.status != "published":
            raise InvalidInput("report_not_published")
        self.records.change(r.id, {"status": "draft", "version": r.version + 1})

    def snapshot(self, report_id: int, version: int) -> dict[str, Any]:
        """The report as it was published (or last submitted) in that version: what readers received."""
        content = self.records.snapshot(report_id, version)
        if content is None:
            raise NotFound(f"{report_id}/{version}")
        return content

    # ---- rendering ------------------------------------------------------------------------------
    def document(self, report: dict[str, Any], today: dt.date | None = None) -> ReportDocument:
        """The report as a ``ReportDocument`` (footnotes in EUAA style, bibliography from the footnotes)."""
        locale = report["locale"]
        docs = {
            d.id: d
            for d in self.store.get_many(list({c["document_id"] for x in report["sections"] for c in x["citations"]}))
        }
        notes: list[str] = []
        bibliography: dict[str, str] = {}
        warnings: list[str] = []
        sections = []
        for x in report["sections"]:
            blocks = [Block("text", para.strip()) for para in re.split(r"\n\s*\n", x["text"]) if para.strip()]
            for c in x["citations"]:
                d = docs.get(c["document_id"])
                title = d.title if d else (c.get("title") or c["document_id"])
                source = d.source if d else (c.get("source") or "upload")
                published = d.published if d else None
                url = d.url if d else None
                accessed = dt.date.fromisoformat(c["accessed"])
                notes.append(euaa_footnote(source, title, published, url, c["page"], c["paragraph"], accessed, locale))
                n = len(notes)
                key = c["document_id"]
                bibliography.setdefault(key, euaa_bibliography(source, title, published, url, accessed, locale))
                if c["mode"] == "quote":
                    blocks.append(Block("quote", c["quote"], [n]))
                else:
                    blocks.append(Block("paraphrase", c["paraphrase"] or "", [n]))
                if c["source_changed"]:
                    warnings.append(
                        message(
                            "report_source_changed",
                            locale,
                            source=source_name(source),
                            title=title,
                            cited=c["document_version"],
                            current=c["current_version"],
                        )
                    )
            sections.append(Section(x["title"], blocks))
        method = report.get("methodology") or {}
        methodology = []
        if method.get("sources"):
            methodology.append(message("report_method_sources", locale, sources=method["sources"]))
        if method.get("period"):
            methodology.append(message("report_method_period", locale, period=method["period"]))
        if method.get("reviewers"):
            methodology.append(message("report_method_reviewers", locale, reviewers=", ".join(method["reviewers"])))
        if method.get("text"):
            methodology.append(method["text"])
        return ReportDocument(
            kind=report["kind"],
            locale=locale,
            title=report["title"],
            date=long_date(today or dt.date.today(), locale),
            reference=report.get("reference"),
            country=report.get("country"),
            status=message(f"report_status_{report['status']}", locale),
            version=report["version"],
            questions=report.get("questions") or [],
            methodology=methodology,
            disclaimer=report.get("disclaimer") or "",
            sections=sections,
            notes=notes,
            bibliography=sorted(bibliography.values()),
            warnings=warnings,
        )


# ---- what the report API answers (OpenAPI shows these shapes) --------------------------------------
# The desk still builds dicts (pages, exports and the stored snapshots read them); the routes validate
# them into these models.
class ReviewerCandidate(BaseModel):
    username: str
    display_name: str  # "Full Name (username)", or the username alone
    roles: list[str]


class ReportSummary(BaseModel):
    """A line of the report list."""

    id: int
    kind: str  # report | query_response
    locale: str  # the report's language: fr | en
    title: str
    country: str | None  # ISO alpha-3
    reference: str | None
    status: str  # draft | in_review | published
    version: int  # n+1 after each reopening of a published report
    created_by: str
    updated_at: str  # ISO date and time, UTC ("Z")


class CitationPublic(BaseModel):
    """A passage cited in a section, pinned to the document version (sha256) it was read in."""

    id: int
    document_id: str
    document_version: int
    sha256: str
    mode: str  # quote | paraphrase
    quote: str  # the passage as it stands in that version
    paraphrase: str | None
    page: int | None
    paragraph: int | None
    accessed: str  # ISO date
    added_by: str
    source_changed: bool  # the document changed since (new version, or removed): check the passage again
    current_version: int | None  # the document's version now (None: removed)
    still_in_current: bool  # the passage is found in the current version
    title: str | None  # the document's title now
    source: str | None


class SectionPublic(BaseModel):
    id: int
    title: str
    text: str
    citations: list[CitationPublic]


class CommentPublic(BaseModel):
    author: str
    version: int  # the report version commented on
    text: str
    at: str  # ISO date and time, UTC ("Z")


class ReportPublic(ReportSummary):
    """A report with its terms of reference, methodology, sections, citations and review comments."""

    questions: list[str]  # terms of reference
    methodology: dict[str, Any]  # sources, period, reviewers, text
    disclaimer: str
    sections: list[SectionPublic]
    comments: list[CommentPublic]
