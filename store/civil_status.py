"""Civil status (issue 18): acts drawn up for protected people, register number sequences, draft -> signed -> issued.

Tables are declared here (imported by ``store.db.register_tables``). The register number of an act is taken
from ``desk_counters`` (register ``act:<type>``) in the transaction that inserts the act: a rolled-back act
gives its number back, so numbers neither repeat nor skip. Changes to an act are conditional updates on its
status (``WHERE status = 'draft'``): a signed act cannot change, even under a race.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from store.audit import AuditEntry, AuditLog
from store.cases import Applicant
from store.db import Database
from store.models import Base, utcnow
from store.registration import begin_write, next_number

ACT_TYPES = ("birth", "marriage", "death", "family_record", "celibacy")
ACT_STATUSES = ("draft", "signed", "issued")
PROTECTIONS = ("refugee", "subsidiary", "stateless")


class ProtectedPerson(Base):
    """A beneficiary of protection whose civil status the office keeps (one applicant of a case)."""

    __tablename__ = "protected_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(Integer, ForeignKey("applicants.id"), unique=True)
    protection: Mapped[str] = mapped_column(String(16))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    birth_place: Mapped[str] = mapped_column(Text, default="")
    father_name: Mapped[str] = mapped_column(Text, default="")
    mother_name: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CivilAct(Base):
    __tablename__ = "civil_acts"
    __table_args__ = (UniqueConstraint("act_type", "year", "number", name="uq_civil_act_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(Integer, ForeignKey("protected_people.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    act_type: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of the signed content
    corrects_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("civil_acts.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    signed_by: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    issued_by: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CivilStatusRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- protected people ------------------------------------------------------------------------
    def applicant(self, applicant_id: int) -> Applicant | None:
        with self.db.session() as s:
            return s.get(Applicant, applicant_id)

    def add_person(self, values: dict[str, Any], actor: str, audit: AuditEntry) -> ProtectedPerson:
        with self.db.session() as s:
            row = ProtectedPerson(created_by=actor, **values)
            s.add(row)
            s.flush()
            self.audit.append([audit], s)
            return row

    def person(self, person_id: int) -> ProtectedPerson | None:
        with self.db.session() as s:
            return s.get(ProtectedPerson, person_id)

    def person_of_applicant(self, applicant_id: int) -> ProtectedPerson | None:
        with self.db.session() as s:
            return s.scalars(select(ProtectedPerson).where(ProtectedPerson.applicant_id == applicant_id)).first()

    def people(self, case_ids: frozenset[str] | set[str], limit: int = 200) -> list[tuple[ProtectedPerson, Applicant]]:
        if not case_ids:
            return []
        with self.db.session() as s:
            rows = s.execute(
                select(ProtectedPerson, Applicant)
                .join(Applicant, Applicant.id == ProtectedPerson.applicant_id)
                .where(ProtectedPerson.case_id.in_(list(case_ids)))
                .order_by(ProtectedPerson.id.desc())
                .limit(limit)
            )
            return [(p, a) for p, a in rows]

    # ---- acts ------------------------------------------------------------------------------------
    def draw_up(
        self, person: ProtectedPerson, act_type: str, fields: dict[str, str], actor: str, corrects_id: int | None
    ) -> CivilAct:
        """A new draft with the next register number of its type and year (taken in this transaction)."""
        with self.db.session() as s:
            begin_write(s)
            year = dt.date.today().year
            number = next_number(s, f"act:{act_type}", year)
            act = CivilAct(
                person_id=person.id,
                case_id=person.case_id,
                act_type=act_type,
                year=year,
                number=number,
                status="draft",
                fields=fields,
                corrects_id=corrects_id,
                created_by=actor,
            )
            s.add(act)
            s.flush()
            self.audit.append([AuditEntry(actor, "civil.act.create", person.case_id, subject=f"act:{act.id}")], s)
            return act

    def get(self, act_id: int) -> CivilAct | None:
        with self.db.session() as s:
            return s.get(CivilAct, act_id)

    def acts_of(self, person_id: int) -> list[CivilAct]:
        with self.db.session() as s:
            return list(s.scalars(select(CivilAct).where(CivilAct.person_id == person_id).order_by(CivilAct.id)))

    def corrections_of(self, act_id: int) -> list[CivilAct]:
        with self.db.session() as s:
            return list(s.scalars(select(CivilAct).where(CivilAct.corrects_id == act_id).order_by(CivilAct.id)))

    def numbers(self, act_type: str, year: int) -> list[int]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(CivilAct.number)
                    .where(CivilAct.act_type == act_type, CivilAct.year == year)
                    .order_by(CivilAct.number)
                )
            )

    def _transition(self, act_id: int, expected: str, values: dict[str, Any], audit: AuditEntry) -> bool:
        """Apply ``values`` only if the act is still in ``expected`` status; False when it was not."""
        with self.db.session() as s:
            result = cast(
                "CursorResult[Any]",
                s.execute(update(CivilAct).where(CivilAct.id == act_id, CivilAct.status == expected).values(**values)),
            )
            if result.rowcount != 1:
                return False
            self.audit.append([audit], s)
            return True

    def edit_draft(self, act_id: int, fields: dict[str, str], audit: AuditEntry) -> bool:
        return self._transition(act_id, "draft", {"fields": fields}, audit)

    def sign(self, act_id: int, content_hash: str, actor: str, audit: AuditEntry) -> bool:
        values = {"status": "signed", "content_hash": content_hash, "signed_by": actor, "signed_at": utcnow()}
        return self._transition(act_id, "draft", values, audit)

    def issue(self, act_id: int, actor: str, audit: AuditEntry) -> bool:
        return self._transition(
            act_id, "signed", {"status": "issued", "issued_by": actor, "issued_at": utcnow()}, audit
        )
