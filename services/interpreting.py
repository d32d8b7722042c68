"""Interpreters (issue 18): contracted firms, interpreters, bookings for interviews, conflicts of interest.

- Proposed for an interview: active interpreters with its language, a signed code of conduct (impartiality,
  confidentiality, neutrality) dated no later than the interview, no declared conflict of interest with that
  applicant's case, and no other booking within two hours of it. Booking anyone else is refused.
- An interpreter's own space shows only their own bookings: date, time, place, room, language and the
  case's reference (what the reception desk asks for); never the applicant's name nor any case content.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from services.access import may_manage_interpreters, may_schedule_interpreter
from services.auth import Principal
from services.desk_gate import CaseGate
from services.errors import Conflict, Forbidden, InvalidInput
from services.fields import RowRef
from store.accounts import AccountRecords
from store.audit import AuditEntry
from store.interpreters import Interpreter, InterpreterAssignment, InterpreterRecords

BUSY_WINDOW = dt.timedelta(hours=2)
AssignmentStatus = Literal["scheduled", "confirmed", "cancelled"]


class FirmIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    contract_ref: str = Field(default="", max_length=64)
    contact: str = Field(default="", max_length=300)


class InterpreterIn(BaseModel):
    firm_id: RowRef
    full_name: str = Field(min_length=1, max_length=200)
    username: str | None = Field(default=None, max_length=64, description="their coidesk account (interpreter role)")
    languages: list[str] = Field(min_length=1, max_length=20, description="language codes: ar, ti, ps, fa...")
    qualifications: str = Field(default="", max_length=1000)
    code_signed_on: dt.date | None = Field(default=None, description="code of conduct signed on")

    @field_validator("languages")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        out = list(dict.fromkeys(x.strip().lower()[:32] for x in v if x.strip()))
        if not out:
            raise ValueError("at least one language")
        return out


class AssignmentIn(BaseModel):
    interpreter_id: RowRef
    language: str = Field(min_length=1, max_length=32)
    starts_at: dt.datetime
    place: str = Field(min_length=1, max_length=200)
    room: str = Field(default="", max_length=64)


class ConflictIn(BaseModel):
    interpreter_id: RowRef
    reason: str = Field(default="", max_length=1000)


class OwnConflictIn(BaseModel):
    reason: str = Field(default="", max_length=1000)


class FirmOut(BaseModel):
    id: int
    name: str
    contract_ref: str
    contact: str


class InterpreterOut(BaseModel):
    id: int
    firm_id: int
    firm: str
    full_name: str
    username: str | None
    languages: list[str]
    qualifications: str
    code_signed_on: str | None
    active: bool


class AssignmentOut(BaseModel):
    id: int
    interpreter_id: int
    interpreter: str
    case_id: str
    language: str
    starts_at: str  # ISO date and time (the office's local time)
    place: str
    room: str
    status: AssignmentStatus


class OwnAssignment(BaseModel):
    """What an interpreter sees of a booking: no applicant name, no case content."""

    id: int
    starts_at: str
    place: str
    room: str
    language: str
    case_reference: str
    status: AssignmentStatus


class InterpreterDesk:
    def __init__(self, records: InterpreterRecords, gate: CaseGate, accounts: AccountRecords) -> None:
        self.records = records
        self.gate = gate
        self.accounts = accounts

    # ---- firms and interpreters ------------------------------------------------------------------
    def _manager(self, p: Principal) -> None:
        if not may_manage_interpreters(p):
            raise Forbidden("interp_desk_only")

    def firms(self, p: Principal) -> list[FirmOut]:
        self._manager(p)
        return [
            FirmOut(id=f.id, name=f.name, contract_ref=f.contract_ref, contact=f.contact) for f in self.records.firms()
        ]

    def add_firm(self, p: Principal, data: FirmIn) -> FirmOut:
        self._manager(p)
        f = self.records.add_firm(data.model_dump())
        if f is None:
            raise Conflict("interp_firm_exists")
        return FirmOut(id=f.id, name=f.name, contract_ref=f.contract_ref, contact=f.contact)

    def interpreters(self, p: Principal) -> list[InterpreterOut]:
        self._manager(p)
        firms = {f.id: f.name for f in self.records.firms()}
        return [self._interpreter(i, firms) for i in self.records.interpreters()]

    def add_interpreter(self, p: Principal, data: InterpreterIn) -> InterpreterOut:
        self._manager(p)
        firm = self.records.firm(data.firm_id)
        if firm is None:
            raise InvalidInput("interp_unknown_firm")
        if data.username:
            u = self.accounts.by_name(data.username)
            if u is None or not u.active or "interpreter" not in (u.roles or []):
                raise InvalidInput("interp_unknown_account")
        row = self.records.add_interpreter(data.model_dump())
        if row is None:
            raise Conflict("interp_account_taken")
        return self._interpreter(row, {firm.id: firm.name})

    # ---- bookings for an interview ---------------------------------------------------------------
    def candidates(self, p: Principal, case_id: str, language: str, starts_at: dt.datetime) -> list[InterpreterOut]:
        case, level = self.gate.load(p, case_id, "interp.candidates", "registration")
        if not may_schedule_interpreter(p, level):
            raise Forbidden("interp_desk_only")
        self.gate.audit.append([AuditEntry(p.username, "interp.candidates", case.id)])
        return self._eligible(case.id, language.strip().lower(), starts_at)

    def _eligible(self, case_id: str, language: str, starts_at: dt.datetime) -> list[InterpreterOut]:
        conflicted = self.records.conflicted(case_id)
        busy = self.records.busy(starts_at - BUSY_WINDOW, starts_at + BUSY_WINDOW)
        firms = {f.id: f.name for f in self.records.firms()}
        return [
            self._interpreter(i, firms)
            for i in self.records.interpreters()
            if i.active
            and language in i.languages
            and i.code_signed_on is not None
            and i.code_signed_on <= starts_at.date()
            and i.id not in conflicted
            and i.id not in busy
        ]

    def assign(self, p: Principal, case_id: str, data: AssignmentIn) -> AssignmentOut:
        case, level = self.gate.load(p, case_id, "interp.assign", "registration")
        if not may_schedule_interpreter(p, level):
            raise Forbidden("interp_desk_only")
        language = data.language.strip().lower()
        if data.interpreter_id not in {i.id for i in self._eligible(case.id, language, data.starts_at)}:
            raise InvalidInput("interp_not_eligible")
        values = data.model_dump() | {"case_id": case.id, "language": language}
        row = self.records.assign(values, p.username, AuditEntry(p.username, "interp.assign", case.id))
        return self._assignment(row)

    def case_assignments(self, p: Principal, case_id: str) -> list[AssignmentOut]:
        case, level = self.gate.load(p, case_id, "interp.assignments.view", "registration")
        if not may_schedule_interpreter(p, level):
            raise Forbidden("interp_desk_only")
        self.gate.audit.append([AuditEntry(p.username, "interp.assignments.view", case.id)])
        return [self._assignment(a) for a in self.records.assignments_for_case(case.id)]

    def declare_conflict(self, p: Principal, case_id: str, data: ConflictIn) -> int:
        case, level = self.gate.load(p, case_id, "interp.conflict", "registration")
        if not may_schedule_interpreter(p, level):
            raise Forbidden("interp_desk_only")
        if self.records.interpreter(data.interpreter_id) is None:
            raise InvalidInput("interp_unknown")
        audit = AuditEntry(p.username, "interp.conflict", case.id)
        return self.records.declare_conflict(data.interpreter_id, case.id, p.username, data.reason, audit)

    # ---- the interpreter's own space -------------------------------------------------------------
    def _me(self, p: Principal) -> Interpreter | None:
        return self.records.by_username(p.username) if p.has("interpreter") else None

    def own(self, p: Principal, upcoming_only: bool = False) -> list[OwnAssignment]:
        me = self._me(p)
        if me is None:
            return []
        since = dt.datetime.now() - dt.timedelta(hours=12) if upcoming_only else None
        rows = self.records.assignments_of(me.id, since)
        # the case reference is case data: each one shown is audited
        self.gate.audit.append([AuditEntry(p.username, "interp.own.view", a.case_id) for a, _ in rows])
        return [
            OwnAssignment(
                id=a.id,
                starts_at=a.starts_at.isoformat(timespec="minutes"),
                place=a.place,
                room=a.room,
                language=a.language,
                case_reference=ref,
                status=a.status,  # type: ignore[arg-type]
            )
            for a, ref in rows
        ]

    def _own(self, p: Principal, assignment_id: int, action: str) -> InterpreterAssignment:
        me = self._me(p)
        a = self.records.assignment(assignment_id)
        if me is None or a is None or a.interpreter_id != me.id:
            self.gate.refuse(p, action, None, f"assignment:{assignment_id}")
            raise AssertionError
        return a

    def confirm_own(self, p: Principal, assignment_id: int) -> None:
        a = self._own(p, assignment_id, "interp.own.confirm")
        if a.status == "cancelled":
            raise Conflict("interp_cancelled")
        self.records.set_status(a.id, "confirmed", AuditEntry(p.username, "interp.own.confirm", a.case_id))

    def declare_own_conflict(self, p: Principal, assignment_id: int, data: OwnConflictIn) -> None:
        """The interpreter declines for a conflict of interest: the booking is cancelled and they are not
        proposed again for this applicant."""
        a = self._own(p, assignment_id, "interp.own.conflict")
        audit = AuditEntry(p.username, "interp.own.conflict", a.case_id)
        self.records.declare_conflict(a.interpreter_id, a.case_id, p.username, data.reason, audit)

    # ---- views -----------------------------------------------------------------------------------
    def _interpreter(self, i: Interpreter, firms: dict[int, str]) -> InterpreterOut:
        return InterpreterOut(
            id=i.id,
            firm_id=i.firm_id,
            firm=firms.get(i.firm_id, ""),
            full_name=i.full_name,
            username=i.username,
            languages=list(i.languages),
            qualifications=i.qualifications,
            code_signed_on=i.code_signed_on.isoformat() if i.code_signed_on else None,
            active=i.active,
        )

    def _assignment(self, a: InterpreterAssignment) -> AssignmentOut:
        i = self.records.interpreter(a.interpreter_id)
        return AssignmentOut(
            id=a.id,
            interpreter_id=a.interpreter_id,
            interpreter=i.full_name if i else "",
            case_id=a.case_id,
            language=a.language,
            starts_at=a.starts_at.isoformat(timespec="minutes"),
            place=a.place,
            room=a.room,
            status=a.status,  # type: ignore[arg-type]
        )
