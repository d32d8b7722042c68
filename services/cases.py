"""Case records: every read and write checks need-to-know first and leaves one audit record per case.

Reads fail closed: if the audit record cannot be written, the data is not returned. A case the user may
not see is answered exactly like a case that does not exist (404), and the attempt is audited as denied.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from services.access import (
    Level,
    at_least,
    case_level,
    may_assign,
    may_create_case,
    may_grant,
    may_move,
    visible_case_ids,
)
from services.auth import Principal
from services.case_inputs import CaseChange, CaseIn, GrantIn, InterviewIn, LocationIn, MovementIn, NoteIn
from services.errors import Forbidden, InvalidInput, NotFound
from store.accounts import AccountRecords
from store.audit import AuditEntry, AuditLog
from store.cases import Case, CaseRecords
from store.documents import DocumentStore
from store.index.query import Permission
from store.jobs import Jobs
from store.models import Document

CASE_ID = re.compile(r"^[0-9a-f]{32}$")


class CaseService:
    def __init__(
        self,
        records: CaseRecords,
        accounts: AccountRecords,
        store: DocumentStore,
        audit: AuditLog,
        settings: Settings,
        jobs: Jobs,
    ) -> None:
        self.records = records
        self.accounts = accounts
        self.jobs = jobs
        self.store = store
        self.audit = audit
        self.settings = settings

    # ---- helpers ---------------------------------------------------------------------------------
    def _load(self, p: Principal, case_id: str, action: str, needed: Level) -> tuple[Case, Level]:
        """The case if this user may do ``action`` on it; otherwise audited as denied and refused."""
        well_formed = bool(CASE_ID.match(case_id or ""))
        case = self.records.get(case_id) if well_formed else None
        level = case_level(self.records, p, case) if case else None
        if case is None or level is None:
            # a missing case and one the user may not see take the same path (one audit record each),
            # so neither the answer nor its timing tells them apart
            outcome = "denied" if case is not None else "missing"
            self.audit.append([AuditEntry(p.username, action, case_id if well_formed else None, outcome=outcome)])
            raise NotFound(case_id)
        if not at_least(level, needed):
            self.audit.append([AuditEntry(p.username, action, case_id, outcome="denied")])
            raise Forbidden("case_level")
        return case, level

    def _user_id(self, username: str | None) -> int | None:
        if not username:
            return None
        u = self.accounts.by_name(username)
        if u is None or not u.active:
            raise InvalidInput("unknown_user")
        return u.id

    # ---- cases -----------------------------------------------------------------------------------
    def create(self, p: Principal, data: CaseIn) -> dict[str, Any]:
        if not may_create_case(p, data.division):
            raise Forbidden("case_create")
        if self.records.reference_taken(data.reference):
            raise InvalidInput("case_exists")
        officer = self._user_id(data.assigned_officer)
        case = Case(
            id=secrets.token_hex(16),
            reference=data.reference,
            registered_on=data.registered_on,
            procedure=data.procedure,
            division=data.division,
            assigned_officer_id=officer,
            status="assigned" if officer else "registered",
            created_by=p.username,
        )
        applicants = [a.model_dump() for a in data.applicants]
        case = self.records.create(case, applicants, [AuditEntry(p.username, "case.create", case.id)])
        return self._view(case, case_level(self.records, p, case) or "registration")

    def list_cases(self, p: Principal, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        ids = visible_case_ids(self.records, p, "location")
        if not ids:
            return []
        cases = self.records.page(ids, limit, offset)
        self.audit.append([AuditEntry(p.username, "case.list", c.id) for c in cases])
        return [self._summary(c, case_level(self.records, p, c) or "location") for c in cases]

    def get(self, p: Principal, case_id: str) -> dict[str, Any]:
        case, level = self._load(p, case_id, "case.view", "location")
        self.audit.append([AuditEntry(p.username, "case.view", case.id)])
        return self._view(case, level)

    def change(self, p: Principal, case_id: str, change: CaseChange) -> dict[str, Any]:
        case, level = self._load(p, case_id, "case.update", "registration")
        values: dict[str, Any] = {}
        if change.assigned_officer is not None:
            if not may_assign(p, case, self.records):
                raise Forbidden("case_assign")
            values["assigned_officer_id"] = self._user_id(change.assigned_officer)
            if case.status == "registered":
                values["status"] = "assigned"
        if change.status or change.procedure or change.decision_document_id:
            if level != "full":
                raise Forbidden("case_level")
            values["status"] = change.status or values.get("status", case.status)
            values["procedure"] = change.procedure or case.procedure
            values["decision_document_id"] = change.decision_document_id or case.decision_document_id
        case = self.records.update(case.id, values, [AuditEntry(p.username, "case.update", case.id)])
        return self._view(case, case_level(self.records, p, case) or level)

    def add_interview(self, p: Principal, case_id: str, data: InterviewIn) -> None:
        case, _ = self._load(p, case_id, "case.interview.add", "full")
        audit = [AuditEntry(p.username, "case.interview.add", case.id)]
        self.records.add_interview(case.id, data.model_dump(), p.username, audit)

    def add_note(self, p: Principal, case_id: str, data: NoteIn) -> None:
        case, _ = self._load(p, case_id, "case.note.add", "full")
        self.records.add_note(case.id, data.text, p.username, [AuditEntry(p.username, "case.note.add", case.id)])

    def add_document(self, p: Principal, case_id: str, title: str, data: bytes, filename: str) -> int:
        """A document of the case, through the same ingest path as every upload (original archived first,
        any format, OCR); returns the ingest job id. The case id rides with the job, never the file name."""
        from ingest.uploads import UploadFields, submit

        case, _ = self._load(p, case_id, "case.document.add", "registration")
        if len(data) > self.settings.max_upload_bytes:
            raise InvalidInput("too_large", max=self.settings.max_upload_bytes)
        fields = UploadFields(kind="case_document", case_id=case.id, title=title or None, doc_type="case_document")
        job_id = submit(self.store, self.jobs, data, filename, p.username, fields)
        self.audit.append([AuditEntry(p.username, "case.document.add", case.id)])
        return job_id

    # ---- fact verifications (statements and results are case data) --------------------------------
    def check_verify(self, p: Principal, case_id: str) -> dt.date | None:
        """Refused (and audited) unless the user may work on the whole case; returns the date of the case's
        decision, when there is one (the default "as of" date of a verification)."""
        case, _ = self._load(p, case_id, "case.verification.add", "full")
        decision_id = case.decision_document_id
        if not decision_id:
            return None
        try:
            d = self.store.get(decision_id)
        except NotFound:
            return None
        return d.decision_date or d.published

    def verify_context(self, p: Principal, case_id: str) -> dict[str, Any]:
        """What the verification page shows of its case: the reference and the applicants' nationalities (the
        country checked by default). Only for those who may verify on the case; audited like any read."""
        case, _ = self._load(p, case_id, "case.verification.open", "full")
        applicants = self.records.applicants(case.id)
        nationalities = list(dict.fromkeys(a.nationality for a in applicants if a.nationality))
        self.audit.append([AuditEntry(p.username, "case.verification.open", case.id)])
        return {"id": case.id, "reference": case.reference, "nationalities": nationalities}

    def save_verification(self, p: Principal, case_id: str, request: dict[str, Any], result: dict[str, Any]) -> int:
        case, _ = self._load(p, case_id, "case.verification.add", "full")
        audit = [AuditEntry(p.username, "case.verification.add", case.id)]
        return self.records.add_verification(case.id, p.username, request, result, audit)

    def verifications(self, p: Principal, case_id: str) -> list[dict[str, Any]]:
        case, _ = self._load(p, case_id, "case.verification.list", "full")
        out = [
            {
                "id": r.id,
                "created_by": r.created_by,
                "created_at": r.created_at.isoformat(timespec="seconds") + "Z",
                "facts": len(r.result.get("facts", [])),
                "statuses": [f["status"] for f in r.result.get("facts", [])],
            }
            for r in self.records.verifications(case.id)
        ]
        self.audit.append([AuditEntry(p.username, "case.verification.list", case.id)])
        return out

    def verification(self, p: Principal, case_id: str, verification_id: int) -> dict[str, Any]:
        case, _ = self._load(p, case_id, "case.verification.view", "full")
        row = self.records.verification(verification_id)
        if row is None or row.case_id != case.id:
            raise NotFound(str(verification_id))
        self.audit.append([AuditEntry(p.username, "case.verification.view", case.id)])
        return {
            "id": row.id,
            "case_id": case.id,
            "reference": case.reference,
            "created_by": row.created_by,
            "created_at": row.created_at.isoformat(timespec="seconds") + "Z",
            "request": row.request,
            "result": row.result,
        }

    def documents(self, p: Principal, case_id: str) -> list[dict[str, Any]]:
        case, _ = self._load(p, case_id, "case.documents.view", "registration")
        docs = self._documents(case.id)
        self.audit.append([AuditEntry(p.username, "case.documents.view", case.id)])
        return docs

    def timeline(self, p: Principal, case_id: str) -> list[dict[str, Any]]:
        case, level = self._load(p, case_id, "case.timeline.view", "registration")
        events: list[dict[str, Any]] = [
            {"at": case.registered_on.isoformat(), "type": "registered", "by": case.created_by}
        ]
        for d in self._documents(case.id):
            events.append({"at": d["added"], "type": "document", "by": d["received_by"], "document_id": d["id"]})
        if level == "full":
            for i in self.records.interviews(case.id):
                events.append({"at": i.held_on.isoformat(), "type": "interview", "by": i.recorded_by})
            for n in self.records.notes(case.id):
                events.append({"at": n.created_at.isoformat(timespec="seconds"), "type": "note", "by": n.author})
        for m in self._movements(case.id, 1000):
            events.append({"at": m["moved_at"], "type": "movement", "by": m["moved_by"], "to": m["to"]})
        self.audit.append([AuditEntry(p.username, "case.timeline.view", case.id)])
        return sorted(events, key=lambda e: e["at"])

    # ---- grants ----------------------------------------------------------------------------------
    def grant(self, p: Principal, case_id: str, data: GrantIn) -> None:
        case, _ = self._load(p, case_id, "case.grant", "full")
        if not may_grant(p, case):
            raise Forbidden("case_grant")
        uid = self._user_id(data.username)
        assert uid is not None
        if uid == p.user_id:
            raise Forbidden("case_grant")
        audit = [AuditEntry(p.username, "case.grant", case.id)]
        self.records.grant(case.id, uid, p.username, data.reason, data.expires_on, audit)

    def revoke_grant(self, p: Principal, case_id: str, username: str) -> int:
        case, _ = self._load(p, case_id, "case.grant.revoke", "full")
        if not may_grant(p, case):
            raise Forbidden("case_grant")
        uid = self._user_id(username)
        return self.records.revoke_grants(case.id, uid, [AuditEntry(p.username, "case.grant.revoke", case.id)])

    # ---- physical files --------------------------------------------------------------------------
    def locations(self) -> list[dict[str, Any]]:
        return [{"code": loc.code, "name": loc.name, "kind": loc.kind} for loc in self.records.locations()]

    def add_location(self, p: Principal, data: LocationIn) -> None:
        if not p.has("archivist", "admin"):
            raise Forbidden("archivist_only")
        if not self.records.add_location(data.code, data.name, data.kind):
            raise InvalidInput("location_exists")

    def move(self, p: Principal, case_id: str, data: MovementIn) -> dict[str, Any]:
        """Record a movement of the physical file; an office destination is a check-out with a due date."""
        case, level = self._load(p, case_id, "case.movement.add", "location")
        if not may_move(p, level):
            raise Forbidden("case_move")
        dest = self.records.location_by_code(data.to_location)
        if dest is None:
            raise InvalidInput("unknown_location")
        due = None
        if dest.kind == "office":
            due = data.due_back or dt.date.today() + dt.timedelta(days=self.settings.checkout_days)
        borrower = (data.borrower or p.username) if dest.kind == "office" else None
        audit = [AuditEntry(p.username, "case.movement.add", case.id)]
        case = self.records.move(case.id, dest, p.username, data.reason, due, borrower, audit)
        return self._whereabouts(case)

    def where_is(self, p: Principal, case_id: str) -> dict[str, Any]:
        case, _ = self._load(p, case_id, "case.location.view", "location")
        self.audit.append([AuditEntry(p.username, "case.location.view", case.id)])
        return self._whereabouts(case)

    def movements(self, p: Principal, case_id: str, limit: int = 200) -> list[dict[str, Any]]:
        case, _ = self._load(p, case_id, "case.movements.view", "location")
        self.audit.append([AuditEntry(p.username, "case.movements.view", case.id)])
        return self._movements(case.id, limit)

    def overdue(self, p: Principal, today: dt.date | None = None, limit: int = 500) -> list[dict[str, Any]]:
        if not p.has("archivist"):
            raise Forbidden("archivist_only")
        cases = self.records.overdue(today or dt.date.today(), limit)
        self.audit.append([AuditEntry(p.username, "case.overdue.list", c.id) for c in cases])
        return [{"id": c.id, "reference": c.reference, **self._whereabouts(c)} for c in cases]

    # ---- documents of cases in search and downloads ----------------------------------------------
    def search_permission(self, p: Principal) -> Permission:
        return Permission(case_ids=visible_case_ids(self.records, p, "registration"))

    def missing_document(self, p: Principal, doc_id: str, action: str) -> None:
        """A document id that names nothing: audited like a refused one (same work, same answer)."""
        self.audit.append([AuditEntry(p.username, action, None, doc_id[:64], outcome="missing")])

    def check_document(self, p: Principal, d: Document, action: str) -> None:
        """A case document is readable at registration level or above; every read is audited."""
        if d.kind != "case_document":
            return
        case = self.records.get(d.case_id) if d.case_id else None
        level = case_level(self.records, p, case) if case else None
        if not at_least(level, "registration"):
            self.audit.append([AuditEntry(p.username, action, d.case_id, d.id, outcome="denied")])
            raise NotFound(d.id)
        self.audit.append([AuditEntry(p.username, action, d.case_id, d.id)])

    def visible_case_jobs(self, p: Principal, case_jobs: Iterable[tuple[int, str | None, str | None]]) -> set[int]:
        """Of ingest jobs of case documents (job id, case id, document id), those whose case this user may
        see at registration level; each one shown is audited like a read of the document's name."""
        jobs = list(case_jobs)
        if not jobs:
            return set()
        allowed = self.search_permission(p).case_ids
        shown = [(j, case, doc) for j, case, doc in jobs if case and (allowed is None or case in allowed)]
        self.audit.append([AuditEntry(p.username, "case.job.view", case, doc) for _, case, doc in shown])
        return {j for j, _, _ in shown}

    def audit_hits(self, p: Principal, hits: Iterable[tuple[str, str | None]]) -> None:
        """One record per case document shown in a search result (its snippet is case data)."""
        self.audit.append(
            [AuditEntry(p.username, "search.hit", case_id, doc_id) for doc_id, case_id in hits if case_id]
        )

    # ---- views -----------------------------------------------------------------------------------
    def _summary(self, c: Case, level: Level) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "reference": c.reference, "division": c.division, "access": level}
        out.update(self._whereabouts(c))
        if at_least(level, "registration"):
            out["status"] = c.status
            out["procedure"] = c.procedure
            out["registered_on"] = c.registered_on.isoformat()
            out["applicants"] = [a.full_name for a in self.records.applicants(c.id)]
        return out

    def _view(self, c: Case, level: Level) -> dict[str, Any]:
        out = self._summary(c, level)
        if not at_least(level, "registration"):
            return out
        officer = self.accounts.get(c.assigned_officer_id) if c.assigned_officer_id else None
        out["assigned_officer"] = officer.username if officer else None
        out["decision_document_id"] = c.decision_document_id
        out["applicants"] = [
            {
                "full_name": a.full_name,
                "date_of_birth": a.date_of_birth.isoformat() if a.date_of_birth else None,
                "nationality": a.nationality,
                "languages": a.languages,
            }
            for a in self.records.applicants(c.id)
        ]
        out["documents"] = self._documents(c.id)
        if level == "full":
            out["interviews"] = [
                {
                    "held_on": i.held_on.isoformat(),
                    "interpreter_language": i.interpreter_language,
                    "transcript": i.transcript,
                    "recorded_by": i.recorded_by,
                }
                for i in self.records.interviews(c.id)
            ]
            out["notes"] = [
                {"text": n.text, "author": n.author, "created_at": n.created_at.isoformat(timespec="seconds")}
                for n in self.records.notes(c.id)
            ]
        return out

    def _documents(self, case_id: str) -> list[dict[str, Any]]:
        return [
            {
                "id": d.id,
                "title": d.title,
                "added": d.added.isoformat(timespec="seconds"),
                "version": d.version,
                "sha256": d.sha256,
                "received_by": received_by,
            }
            for d, received_by in self.records.documents(case_id)
        ]

    def _whereabouts(self, c: Case) -> dict[str, Any]:
        loc = self.records.location(c.location_id) if c.location_id else None
        return {
            "location": {"code": loc.code, "name": loc.name, "kind": loc.kind} if loc else None,
            "checked_out_to": c.checked_out_to,
            "due_back": c.due_back.isoformat() if c.due_back else None,
        }

    def _movements(self, case_id: str, limit: int) -> list[dict[str, Any]]:
        rows = self.records.movements(case_id, limit)
        codes = self.records.location_codes()
        return [
            {
                "moved_at": m.moved_at.isoformat(timespec="seconds"),
                "from": codes.get(m.from_location_id) if m.from_location_id else None,
                "to": codes.get(m.to_location_id),
                "moved_by": m.moved_by,
                "reason": m.reason,
                "due_back": m.due_back.isoformat() if m.due_back else None,
            }
            for m in rows
        ]


# ---- what the case API answers (OpenAPI shows these shapes) ----------------------------------------
# The services still build dicts (pages, the CLI and the benches read them); the routes validate them into
# these models. Keys that depend on the access level are optional and left out of the answer when absent
# (the routes set ``response_model_exclude_unset``), so each level sees exactly the keys it saw before.
class LocationOut(BaseModel):
    code: str
    name: str
    kind: str  # store | office | historical


class Whereabouts(BaseModel):
    location: LocationOut | None  # where the physical file is, if recorded
    checked_out_to: str | None  # the borrower, while the file is in an office
    due_back: str | None  # ISO date the file is due back from an office


class ApplicantOut(BaseModel):
    full_name: str
    date_of_birth: str | None  # ISO date
    nationality: str | None
    languages: list[str]


class CaseDocumentOut(BaseModel):
    id: str
    title: str
    added: str  # ISO date and time
    version: int
    sha256: str | None  # the original's, when the document has one
    received_by: str | None


class InterviewOut(BaseModel):
    held_on: str  # ISO date
    interpreter_language: str | None
    transcript: str
    recorded_by: str


class NoteOut(BaseModel):
    text: str
    author: str
    created_at: str  # ISO date and time


class _CaseBase(Whereabouts):
    id: str
    reference: str
    division: str
    access: Level  # what this user may see of the case: full > registration > location
    # from registration level on:
    status: str | None = None
    procedure: str | None = None
    registered_on: str | None = None  # ISO date


class CaseSummary(_CaseBase):
    """A line of the case list."""

    applicants: list[str] | None = None  # full names (registration level and above)


class CasePublic(_CaseBase):
    """One case, as far as this user may see it (keys of a higher level are absent)."""

    applicants: list[ApplicantOut] | None = None
    assigned_officer: str | None = None
    decision_document_id: str | None = None
    documents: list[CaseDocumentOut] | None = None
    interviews: list[InterviewOut] | None = None  # full access only
    notes: list[NoteOut] | None = None  # full access only


class TimelineEvent(BaseModel):
    at: str  # ISO date or date and time; events are sorted by it
    type: Literal["registered", "document", "interview", "note", "movement"]
    by: str | None
    document_id: str | None = None  # document events
    to: str | None = None  # movement events: the destination's code


class MovementOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    moved_at: str  # ISO date and time
    from_: str | None = Field(alias="from")  # location codes
    to: str | None
    moved_by: str
    reason: str
    due_back: str | None  # ISO date, for a check-out to an office


class OverdueFile(Whereabouts):
    id: str
    reference: str


class JobCreated(BaseModel):
    job_id: int  # follow it with GET /api/jobs/{job_id}


class Revoked(BaseModel):
    revoked: int  # how many grants were removed
