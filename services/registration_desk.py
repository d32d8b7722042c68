"""The registration desk (issue 18): the register of incoming mail, completeness checklists, originals, letters.

- A division's register is kept by its secretaries (``services.access.may_keep_register``); an entry about a
  case is shown only while the user may see that case at registration level, and every read is audited.
- Each physical original gets a receipt number and a location; its scan goes through the one ingest path
  (``CaseService.add_document``: archived first, OCR) and stays linked to the original it came from.
- The completeness letter is produced only for a case the user may see (``may_request_completion``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from babel.dates import format_date
from pydantic import BaseModel, Field

from config.checklists import load_checklists
from config.messages import message
from config.settings import Settings
from reports.office_documents import html_to_pdf, render_office_html
from services.access import may_keep_register, may_request_completion
from services.auth import Principal
from services.cases import CaseService
from services.desk_gate import CaseGate
from services.errors import Forbidden, InvalidInput, NotFound
from store.audit import AuditEntry
from store.jobs import Jobs
from store.registration import MailEntry, OriginalItem, RegistrationRecords

Channel = Literal["post", "hand", "email", "platform"]
MailKind = Literal["application", "completion", "other"]
Procedure = Literal["normal", "accelerated", "reexamination", "statelessness"]
LETTER_DEADLINE_DAYS = 21
OFFICE = {
    "name": "Office de protection des réfugiés et apatrides (fictif)",
    "unit": "Secrétariat de l'enregistrement",
    "address": "201 rue Carnot, 94136 Fontenay-sous-Bois Cedex",
    "city": "Fontenay-sous-Bois",
    "footer": "Document confidentiel — coidesk",
}


# ---- what users send --------------------------------------------------------------------------------
class MailIn(BaseModel):
    received_on: dt.date
    sender: str = Field(min_length=1, max_length=300)
    channel: Channel = "post"
    kind: MailKind = "application"
    procedure: Procedure = "normal"
    case_reference: str | None = Field(default=None, max_length=64, description="the case it belongs to, if known")
    present: list[str] = Field(default_factory=list, max_length=50, description="checklist items received")


class ChecklistIn(BaseModel):
    present: list[str] = Field(default_factory=list, max_length=50)


class LinkIn(BaseModel):
    case_reference: str = Field(min_length=1, max_length=64)


class OriginalIn(BaseModel):
    description: str = Field(min_length=1, max_length=300)
    location: str = Field(min_length=1, max_length=200, description="where the paper original is kept")
    received_on: dt.date
    item: str | None = Field(default=None, max_length=32, description="the checklist item it answers")


# ---- what the desk answers --------------------------------------------------------------------------
class ChecklistItem(BaseModel):
    key: str
    label: str
    present: bool


class OriginalOut(BaseModel):
    id: int
    receipt_number: str
    description: str
    item: str | None
    location: str
    received_on: str  # ISO date
    received_by: str
    job_id: int | None  # the ingest job of its scan
    document_id: str | None  # the scanned document, once ingested


class MailSummary(BaseModel):
    id: int
    reference: str
    received_on: str
    sender: str
    channel: Channel
    kind: MailKind
    procedure: Procedure
    division: str
    case_id: str | None
    case_reference: str | None
    missing_count: int


class MailOut(MailSummary):
    registered_by: str
    checklist: list[ChecklistItem]
    missing: list[str]  # labels of the items still missing
    originals: list[OriginalOut]


class MailPage(BaseModel):
    total: int
    items: list[MailSummary]


class ScanQueued(BaseModel):
    original_id: int
    job_id: int  # follow it with GET /api/jobs/{job_id}


class RegistrationDesk:
    def __init__(
        self, records: RegistrationRecords, gate: CaseGate, cases: CaseService, jobs: Jobs, settings: Settings
    ) -> None:
        self.records = records
        self.gate = gate
        self.cases = cases
        self.jobs = jobs
        self.settings = settings

    # ---- helpers ---------------------------------------------------------------------------------
    def checklist_items(self, procedure: str) -> tuple[str, ...]:
        return load_checklists(self.settings.reference_dir).get(procedure, ())

    def _state(self, procedure: str, present: list[str] | dict[str, bool]) -> tuple[dict[str, bool], int]:
        items = self.checklist_items(procedure)
        have = {k for k, v in present.items() if v} if isinstance(present, dict) else set(present)
        unknown = have - set(items)
        if unknown:
            raise InvalidInput("desk_unknown_item", item=sorted(unknown)[0])
        state = {k: k in have for k in items}
        return state, sum(1 for v in state.values() if not v)

    def _case_for(self, p: Principal, reference: str, action: str) -> tuple[str, str]:
        """(case id, division) of a case the user may see at registration level, by its reference."""
        case = self.records.case_by_reference(reference.strip())
        if case is None:
            self.gate.audit.append([AuditEntry(p.username, action, None, outcome="missing")])
            raise InvalidInput("desk_unknown_case")
        loaded, _ = self.gate.load(p, case.id, action, "registration")
        return loaded.id, loaded.division

    def _entry(self, p: Principal, mail_id: int, action: str) -> MailEntry:
        """The entry if this user keeps its register and may see its case; refused like a missing one."""
        entry = self.records.get(mail_id)
        if entry is None or not may_keep_register(p) or entry.division != p.division:
            self.gate.refuse(p, action, entry.case_id if entry else None, f"mail:{mail_id}")
            raise AssertionError  # refuse raises
        if entry.case_id:
            self.gate.load(p, entry.case_id, action, "registration")
        return entry

    # ---- the register ----------------------------------------------------------------------------
    def register(self, p: Principal, data: MailIn) -> MailOut:
        if not may_keep_register(p):
            raise Forbidden("desk_register_only")
        case_id, division = None, p.division
        if data.case_reference:
            case_id, division = self._case_for(p, data.case_reference, "desk.mail.register")
        if division != p.division:
            raise Forbidden("desk_register_only")
        state, missing = self._state(data.procedure, data.present) if data.kind == "application" else ({}, 0)
        entry = self.records.register(
            {
                "received_on": data.received_on,
                "sender": data.sender.strip(),
                "channel": data.channel,
                "kind": data.kind,
                "procedure": data.procedure,
                "division": division,
                "case_id": case_id,
                "checklist": state,
                "missing_count": missing,
            },
            p.username,
        )
        return self._view(entry, p.username)

    def page(self, p: Principal, incomplete: bool = False, limit: int = 50, offset: int = 0) -> MailPage:
        if not may_keep_register(p):
            raise Forbidden("desk_register_only")
        assert p.division
        rows, total = self.records.page([p.division], incomplete, limit, offset)
        refs = self._references({r.case_id for r in rows if r.case_id})
        self.gate.audit.append(
            [AuditEntry(p.username, "desk.mail.list", r.case_id, subject=f"mail:{r.id}") for r in rows]
        )
        return MailPage(total=total, items=[self._summary(r, refs.get(r.case_id or "")) for r in rows])

    def get(self, p: Principal, mail_id: int) -> MailOut:
        entry = self._entry(p, mail_id, "desk.mail.view")
        self.gate.audit.append([AuditEntry(p.username, "desk.mail.view", entry.case_id, subject=f"mail:{entry.id}")])
        return self._view(entry, p.username)

    def by_reference(self, p: Principal, reference: str) -> MailOut:
        entry = self.records.by_reference(reference)
        if entry is None:
            raise NotFound(reference)
        return self.get(p, entry.id)

    def set_checklist(self, p: Principal, mail_id: int, data: ChecklistIn) -> MailOut:
        entry = self._entry(p, mail_id, "desk.mail.checklist")
        if entry.kind != "application":
            raise InvalidInput("desk_not_application")
        state, missing = self._state(entry.procedure, data.present)
        audit = AuditEntry(p.username, "desk.mail.checklist", entry.case_id, subject=f"mail:{entry.id}")
        return self._view(self.records.set_checklist(entry.id, state, missing, audit), p.username)

    def link(self, p: Principal, mail_id: int, data: LinkIn) -> MailOut:
        entry = self._entry(p, mail_id, "desk.mail.link")
        case_id, division = self._case_for(p, data.case_reference, "desk.mail.link")
        if division != entry.division:
            raise Forbidden("desk_register_only")
        audit = AuditEntry(p.username, "desk.mail.link", case_id, subject=f"mail:{entry.id}")
        self.records.link_case(entry.id, case_id, audit)
        return self.get(p, mail_id)

    # ---- originals and their scans ---------------------------------------------------------------
    def add_original(self, p: Principal, mail_id: int, data: OriginalIn) -> OriginalOut:
        """A paper original received (with this mail or sent later): its own receipt number and location.
        An original that answers a checklist item marks it received."""
        entry = self._entry(p, mail_id, "desk.original.add")
        if data.item is not None and data.item not in self.checklist_items(entry.procedure):
            raise InvalidInput("desk_unknown_item", item=data.item)
        audit = AuditEntry(p.username, "desk.original.add", entry.case_id, subject=f"mail:{entry.id}")
        row = self.records.add_original(
            entry.id,
            {
                "case_id": entry.case_id,
                "description": data.description.strip(),
                "item": data.item,
                "location": data.location.strip(),
                "received_on": data.received_on,
            },
            p.username,
            audit,
        )
        if data.item and entry.kind == "application" and not entry.checklist.get(data.item):
            present = [k for k, v in entry.checklist.items() if v] + [data.item]
            self.set_checklist(p, entry.id, ChecklistIn(present=present))
        return self._original(row)

    def scan(self, p: Principal, original_id: int, data: bytes, filename: str) -> ScanQueued:
        """The scan of an original, through the case's ingest path (archived by sha256, OCR)."""
        row = self.records.original(original_id)
        entry = self.records.get(row.mail_id) if row else None
        if row is None or entry is None:
            self.gate.refuse(p, "desk.original.scan", None, f"original:{original_id}")
            raise AssertionError
        self._entry(p, entry.id, "desk.original.scan")
        if not entry.case_id:
            raise InvalidInput("desk_no_case")
        title = f"{row.description} ({row.receipt_number})"
        job_id = self.cases.add_document(p, entry.case_id, title[:300], data, filename)
        self.records.set_scan(row.id, job_id, None)
        return ScanQueued(original_id=row.id, job_id=job_id)

    # ---- the completeness letter -----------------------------------------------------------------
    def letter(self, p: Principal, mail_id: int, fmt: Literal["html", "pdf"] = "pdf") -> tuple[bytes, str]:
        """The letter asking for what is missing, in French (the office writes to applicants in French)."""
        entry = self._entry(p, mail_id, "desk.letter")
        if not entry.case_id:
            raise InvalidInput("desk_no_case")
        case, level = self.gate.load(p, entry.case_id, "desk.letter", "registration")
        if not may_request_completion(p, level):
            raise Forbidden("desk_register_only")
        view = self._view(entry, p.username)
        if not view.missing:
            raise InvalidInput("desk_nothing_missing")
        applicants = self.cases.records.applicants(case.id)
        html = render_office_html(
            "completion_letter.fr.html",
            office=OFFICE,
            today=_french_date(dt.date.today()),
            mail={"reference": entry.reference, "received_on": _french_date(entry.received_on)},
            case={"reference": case.reference},
            addressee=", ".join(a.full_name for a in applicants) or entry.sender,
            missing=[message(f"desk_item_{k}", "fr") for k in entry.checklist if not entry.checklist[k]],
            deadline_days=LETTER_DEADLINE_DAYS,
            division=message(f"division_{case.division}", "fr"),
            signed_by=p.username,
        )
        self.gate.audit.append([AuditEntry(p.username, "desk.letter", case.id, subject=f"mail:{entry.id}")])
        if fmt == "html":
            return html.encode(), "text/html; charset=utf-8"
        return html_to_pdf(html), "application/pdf"

    # ---- views -----------------------------------------------------------------------------------
    def _references(self, case_ids: set[str]) -> dict[str, str]:
        out = {}
        for cid in case_ids:
            c = self.gate.records.get(cid)
            if c:
                out[cid] = c.reference
        return out

    def _summary(self, e: MailEntry, case_reference: str | None) -> MailSummary:
        return MailSummary(
            id=e.id,
            reference=e.reference,
            received_on=e.received_on.isoformat(),
            sender=e.sender,
            channel=e.channel,  # type: ignore[arg-type]
            kind=e.kind,  # type: ignore[arg-type]
            procedure=e.procedure,  # type: ignore[arg-type]
            division=e.division,
            case_id=e.case_id,
            case_reference=case_reference,
            missing_count=e.missing_count,
        )

    def _view(self, e: MailEntry, _actor: str) -> MailOut:
        refs = self._references({e.case_id} if e.case_id else set())
        items = [
            ChecklistItem(key=k, label=message(f"desk_item_{k}", "fr"), present=bool(v)) for k, v in e.checklist.items()
        ]
        originals = [self._original(o) for o in self.records.originals(mail_id=e.id)]
        return MailOut(
            **self._summary(e, refs.get(e.case_id or "")).model_dump(),
            registered_by=e.registered_by,
            checklist=items,
            missing=[i.label for i in items if not i.present],
            originals=originals,
        )

    def _original(self, o: OriginalItem) -> OriginalOut:
        document_id = o.document_id
        if document_id is None and o.job_id is not None:
            job = self.jobs.get(o.job_id)
            if job is not None and job.document_id:
                document_id = job.document_id
                self.records.set_scan(o.id, None, document_id)
        return OriginalOut(
            id=o.id,
            receipt_number=o.receipt_number,
            description=o.description,
            item=o.item,
            location=o.location,
            received_on=o.received_on.isoformat(),
            received_by=o.received_by,
            job_id=o.job_id,
            document_id=document_id,
        )


def _french_date(d: dt.date) -> str:
    return str(format_date(d, "d MMMM y", locale="fr"))
