"""Civil status (issue 18): acts the office draws up for beneficiaries of protection.

- Only a civil registrar on a case granted to them draws up, signs and issues acts (``may_issue_acts``);
  civil-status data is shown only to them and to those with full access to the case (``may_read_acts``).
- Each act takes the next register number of its type and year in the transaction that creates it.
- draft -> signed -> issued: signing stores the sha256 of the act's content; a signed act never changes
  (``Conflict``), and issuing or exporting checks the content still has that hash. A correction is a new act
  that references the one it corrects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, Field

from config.messages import message
from reports.office_documents import html_to_pdf, render_office_html
from services.access import Level, may_issue_acts, may_read_acts, visible_case_ids
from services.auth import Principal
from services.desk_gate import CaseGate
from services.errors import Conflict, Forbidden, InvalidInput
from services.registration_desk import OFFICE, _french_date
from store.audit import AuditEntry
from store.civil_status import CivilAct, CivilStatusRecords, ProtectedPerson

ActType = Literal["birth", "marriage", "death", "family_record", "celibacy"]
Protection = Literal["refugee", "subsidiary", "stateless"]
ActStatus = Literal["draft", "signed", "issued"]
PREFIX = {"birth": "N", "marriage": "M", "death": "D", "family_record": "LF", "celibacy": "C"}
# the fields of each act, in the order of the office's form (labels: civil_field_<name>)
ACT_FIELDS: dict[str, tuple[str, ...]] = {
    "birth": ("full_name", "sex", "birth_date", "birth_place", "father_name", "mother_name"),
    "marriage": ("spouse_one", "spouse_two", "marriage_date", "marriage_place"),
    "death": ("full_name", "death_date", "death_place"),
    "family_record": ("holder", "spouse", "marriage_date", "children"),
    "celibacy": ("full_name", "birth_date", "birth_place"),
}
NOTE = "correction_note"


class PersonIn(BaseModel):
    case_id: str = Field(min_length=1, max_length=32)
    applicant_index: int = Field(default=0, ge=0, le=19, description="which applicant of the case (0 = the first)")
    protection: Protection
    granted_on: dt.date
    birth_place: str = Field(default="", max_length=200)
    father_name: str = Field(default="", max_length=200)
    mother_name: str = Field(default="", max_length=200)


class ActIn(BaseModel):
    act_type: ActType
    fields: dict[str, str] = Field(default_factory=dict, description="values of the act's fields (see ACT_FIELDS)")


class ActEdit(BaseModel):
    fields: dict[str, str]


class CorrectionIn(BaseModel):
    fields: dict[str, str] = Field(default_factory=dict)
    note: str = Field(min_length=1, max_length=1000, description="what the correction changes and why")


class ActSummary(BaseModel):
    id: int
    act_type: ActType
    register_number: str  # e.g. N-2026-000042
    status: ActStatus
    corrects_id: int | None


class ActOut(ActSummary):
    person_id: int
    case_id: str
    year: int
    number: int
    fields: dict[str, str]
    field_order: list[str]
    content_hash: str | None
    created_by: str
    signed_by: str | None
    signed_at: str | None
    issued_by: str | None
    issued_at: str | None
    corrected_by: list[int]  # acts that correct this one


class PersonSummary(BaseModel):
    id: int
    case_id: str
    case_reference: str
    full_name: str
    protection: Protection
    granted_on: str


class PersonOut(PersonSummary):
    date_of_birth: str | None
    nationality: str | None
    birth_place: str
    father_name: str
    mother_name: str
    acts: list[ActSummary]


def register_number(act: CivilAct) -> str:
    return f"{PREFIX[act.act_type]}-{act.year}-{act.number:06d}"


def content_hash(act: CivilAct, fields: dict[str, str]) -> str:
    """What the signature covers: the register number, the person, the type and every field."""
    body = {
        "register_number": register_number(act),
        "person_id": act.person_id,
        "act_type": act.act_type,
        "corrects_id": act.corrects_id,
        "fields": fields,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class CivilStatusDesk:
    def __init__(self, records: CivilStatusRecords, gate: CaseGate) -> None:
        self.records = records
        self.gate = gate

    # ---- helpers ---------------------------------------------------------------------------------
    def _person(self, p: Principal, person_id: int, action: str, write: bool) -> ProtectedPerson:
        person = self.records.person(person_id)
        if person is None:
            self.gate.refuse(p, action, None, f"person:{person_id}")
            raise AssertionError
        case, level = self.gate.load(p, person.case_id, action, "registration")
        if not (may_issue_acts(p, level) if write else may_read_acts(p, level)):
            self.gate.refuse(p, action, case.id, f"person:{person_id}")
        return person

    def _act(self, p: Principal, act_id: int, action: str, write: bool) -> CivilAct:
        act = self.records.get(act_id)
        if act is None:
            self.gate.refuse(p, action, None, f"act:{act_id}")
            raise AssertionError
        self._person(p, act.person_id, action, write)
        return act

    def _fields(self, act_type: str, fields: dict[str, str], correction: bool = False) -> dict[str, str]:
        allowed = set(ACT_FIELDS[act_type]) | ({NOTE} if correction else set())
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInput("civil_unknown_field", field=sorted(unknown)[0])
        too_long = [k for k, v in fields.items() if len(v) > 500]
        if too_long:
            raise InvalidInput("civil_field_too_long", field=too_long[0])
        return {k: fields.get(k, "").strip() for k in ACT_FIELDS[act_type]} | (
            {NOTE: fields.get(NOTE, "").strip()} if correction else {}
        )

    def _audit(self, p: Principal, action: str, act: CivilAct) -> AuditEntry:
        return AuditEntry(p.username, action, act.case_id, subject=f"act:{act.id}")

    # ---- protected people ------------------------------------------------------------------------
    def people(self, p: Principal) -> list[PersonSummary]:
        """The beneficiaries whose civil status this user may read."""
        needed: Level = "registration" if p.has("civil_registrar") else "full"
        ids = visible_case_ids(self.gate.records, p, needed)
        rows = self.records.people(ids)
        self.gate.audit.append([AuditEntry(p.username, "civil.person.list", pp.case_id) for pp, _ in rows])
        refs = {cid: c.reference for cid in {pp.case_id for pp, _ in rows} if (c := self.gate.records.get(cid))}
        return [
            PersonSummary(
                id=pp.id,
                case_id=pp.case_id,
                case_reference=refs.get(pp.case_id, ""),
                full_name=a.full_name,
                protection=pp.protection,  # type: ignore[arg-type]
                granted_on=pp.granted_on.isoformat(),
            )
            for pp, a in rows
        ]

    def open_person(self, p: Principal, data: PersonIn) -> PersonOut:
        """The civil-status file of one applicant of a case (a beneficiary of protection)."""
        case, level = self.gate.load(p, data.case_id, "civil.person.create", "registration")
        if not may_issue_acts(p, level):
            raise Forbidden("civil_registrar_only")
        applicants = self.gate.records.applicants(case.id)
        if data.applicant_index >= len(applicants):
            raise InvalidInput("civil_unknown_applicant")
        applicant = applicants[data.applicant_index]
        existing = self.records.person_of_applicant(applicant.id)
        if existing is not None:
            raise Conflict("civil_person_exists")
        values = data.model_dump(exclude={"case_id", "applicant_index"}) | {
            "case_id": case.id,
            "applicant_id": applicant.id,
        }
        person = self.records.add_person(values, p.username, AuditEntry(p.username, "civil.person.create", case.id))
        return self._person_view(person)

    def person(self, p: Principal, person_id: int) -> PersonOut:
        person = self._person(p, person_id, "civil.person.view", write=False)
        self.gate.audit.append([AuditEntry(p.username, "civil.person.view", person.case_id)])
        return self._person_view(person)

    # ---- acts ------------------------------------------------------------------------------------
    def prefill(self, person: ProtectedPerson, act_type: str) -> dict[str, str]:
        """An act's fields as far as the file already tells them (the registrar checks and completes)."""
        a = self.records.applicant(person.applicant_id)
        name = a.full_name if a else ""
        born = a.date_of_birth.isoformat() if a and a.date_of_birth else ""
        known = {
            "full_name": name,
            "holder": name,
            "spouse_one": name,
            "birth_date": born,
            "birth_place": person.birth_place,
            "father_name": person.father_name,
            "mother_name": person.mother_name,
        }
        return {k: known.get(k, "") for k in ACT_FIELDS[act_type]}

    def draw_up(self, p: Principal, person_id: int, data: ActIn) -> ActOut:
        person = self._person(p, person_id, "civil.act.create", write=True)
        fields = self.prefill(person, data.act_type) | {k: v for k, v in data.fields.items() if v}
        act = self.records.draw_up(person, data.act_type, self._fields(data.act_type, fields), p.username, None)
        return self._view(act)

    def get(self, p: Principal, act_id: int) -> ActOut:
        act = self._act(p, act_id, "civil.act.view", write=False)
        self.gate.audit.append([self._audit(p, "civil.act.view", act)])
        return self._view(act)

    def edit(self, p: Principal, act_id: int, data: ActEdit) -> ActOut:
        act = self._act(p, act_id, "civil.act.edit", write=True)
        if act.status != "draft":
            raise Conflict("civil_act_frozen", number=register_number(act))
        fields = self._fields(act.act_type, act.fields | data.fields, correction=NOTE in act.fields)
        if not self.records.edit_draft(act.id, fields, self._audit(p, "civil.act.edit", act)):
            raise Conflict("civil_act_frozen", number=register_number(act))  # signed meanwhile
        return self._view(self._reload(act.id))

    def sign(self, p: Principal, act_id: int) -> ActOut:
        act = self._act(p, act_id, "civil.act.sign", write=True)
        if act.status != "draft":
            raise Conflict("civil_act_frozen", number=register_number(act))
        missing = [k for k in ACT_FIELDS[act.act_type] if not act.fields.get(k)]
        if missing:
            raise InvalidInput("civil_field_missing", field=message(f"civil_field_{missing[0]}", "fr"))
        digest = content_hash(act, act.fields)
        if not self.records.sign(act.id, digest, p.username, self._audit(p, "civil.act.sign", act)):
            raise Conflict("civil_act_frozen", number=register_number(act))
        return self._view(self._reload(act.id))

    def issue(self, p: Principal, act_id: int) -> ActOut:
        act = self._act(p, act_id, "civil.act.issue", write=True)
        if act.status != "signed":
            raise Conflict("civil_act_not_signed" if act.status == "draft" else "civil_act_issued")
        self._check_intact(act)
        if not self.records.issue(act.id, p.username, self._audit(p, "civil.act.issue", act)):
            raise Conflict("civil_act_issued")
        return self._view(self._reload(act.id))

    def correct(self, p: Principal, act_id: int, data: CorrectionIn) -> ActOut:
        """A new draft that references the signed act it corrects (the old one stays as it was)."""
        old = self._act(p, act_id, "civil.act.correct", write=True)
        if old.status == "draft":
            raise Conflict("civil_act_is_draft")
        person = self.records.person(old.person_id)
        assert person is not None
        fields = self._fields(old.act_type, {**old.fields, **data.fields, NOTE: data.note}, correction=True)
        act = self.records.draw_up(person, old.act_type, fields, p.username, old.id)
        return self._view(act)

    def pdf(self, p: Principal, act_id: int, fmt: Literal["html", "pdf"] = "pdf") -> tuple[bytes, str, str]:
        """The act on the office's form (a draft is marked PROJET); the signed content is checked first."""
        act = self._act(p, act_id, "civil.act.export", write=False)
        if act.status != "draft":
            self._check_intact(act)
        corrects = self.records.get(act.corrects_id) if act.corrects_id else None
        order = list(ACT_FIELDS[act.act_type]) + ([NOTE] if NOTE in act.fields else [])
        html = render_office_html(
            "civil_act.fr.html",
            office=OFFICE | {"unit": "Division de la protection — état civil"},
            act={
                "title": message(f"civil_act_title_{act.act_type}", "fr"),
                "register_number": register_number(act),
                "status": act.status,
                "corrects": register_number(corrects) if corrects else None,
                "signed_on": _french_date(act.signed_at.date()) if act.signed_at else "",
                "signed_by": act.signed_by,
                "content_hash": act.content_hash,
            },
            fields=[(message(f"civil_field_{k}", "fr"), _shown(k, act.fields.get(k, ""))) for k in order],
        )
        self.gate.audit.append([self._audit(p, "civil.act.export", act)])
        name = f"{register_number(act)}.{fmt}"
        if fmt == "html":
            return html.encode(), "text/html; charset=utf-8", name
        return html_to_pdf(html), "application/pdf", name

    def _check_intact(self, act: CivilAct) -> None:
        if act.content_hash != content_hash(act, act.fields):
            raise Conflict("civil_act_tampered", number=register_number(act))

    def _reload(self, act_id: int) -> CivilAct:
        act = self.records.get(act_id)
        assert act is not None
        return act

    # ---- views -----------------------------------------------------------------------------------
    def _summary(self, a: CivilAct) -> ActSummary:
        return ActSummary(
            id=a.id,
            act_type=a.act_type,  # type: ignore[arg-type]
            register_number=register_number(a),
            status=a.status,  # type: ignore[arg-type]
            corrects_id=a.corrects_id,
        )

    def _view(self, a: CivilAct) -> ActOut:
        return ActOut(
            **self._summary(a).model_dump(),
            person_id=a.person_id,
            case_id=a.case_id,
            year=a.year,
            number=a.number,
            fields=a.fields,
            field_order=list(ACT_FIELDS[a.act_type]) + ([NOTE] if NOTE in a.fields else []),
            content_hash=a.content_hash,
            created_by=a.created_by,
            signed_by=a.signed_by,
            signed_at=a.signed_at.isoformat(timespec="seconds") if a.signed_at else None,
            issued_by=a.issued_by,
            issued_at=a.issued_at.isoformat(timespec="seconds") if a.issued_at else None,
            corrected_by=[c.id for c in self.records.corrections_of(a.id)],
        )

    def _person_view(self, pp: ProtectedPerson) -> PersonOut:
        a = self.records.applicant(pp.applicant_id)
        case = self.gate.records.get(pp.case_id)
        return PersonOut(
            id=pp.id,
            case_id=pp.case_id,
            case_reference=case.reference if case else "",
            full_name=a.full_name if a else "",
            protection=pp.protection,  # type: ignore[arg-type]
            granted_on=pp.granted_on.isoformat(),
            date_of_birth=a.date_of_birth.isoformat() if a and a.date_of_birth else None,
            nationality=a.nationality if a else None,
            birth_place=pp.birth_place,
            father_name=pp.father_name,
            mother_name=pp.mother_name,
            acts=[self._summary(x) for x in self.records.acts_of(pp.id)],
        )


def _shown(key: str, value: str) -> str:
    """Dates in the French long form on the act; everything else as written."""
    if key.endswith("_date") and value:
        try:
            return _french_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value
