"""Interpreters (issue 18): contracted firms, interpreters, languages, code of conduct, assignments, conflicts of interest.

Tables are declared here (imported by ``store.db.register_tables``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from store.audit import AuditEntry, AuditLog
from store.cases import Case
from store.db import Database
from store.models import Base, utcnow

ASSIGNMENT_STATUSES = ("scheduled", "confirmed", "cancelled")


class InterpretingFirm(Base):
    __tablename__ = "interpreting_firms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contract_ref: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Interpreter(Base):
    __tablename__ = "interpreters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    firm_id: Mapped[int] = mapped_column(Integer, ForeignKey("interpreting_firms.id"), index=True)
    full_name: Mapped[str] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(64), unique=True)  # their coidesk account, if any
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    qualifications: Mapped[str] = mapped_column(Text, default="")
    code_signed_on: Mapped[dt.date | None] = mapped_column(Date)  # code of conduct signed on
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class InterpreterConflict(Base):
    """A declared conflict of interest: the interpreter is not proposed again for this applicant's case."""

    __tablename__ = "interpreter_conflicts"
    __table_args__ = (UniqueConstraint("interpreter_id", "case_id", name="uq_interpreter_conflict"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interpreter_id: Mapped[int] = mapped_column(Integer, ForeignKey("interpreters.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    declared_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class InterpreterAssignment(Base):
    __tablename__ = "interpreter_assignments"
    __table_args__ = (Index("ix_interpreter_assignments_who_when", "interpreter_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interpreter_id: Mapped[int] = mapped_column(Integer, ForeignKey("interpreters.id"))
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    language: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(Text)
    room: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class InterpreterRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- firms and interpreters ------------------------------------------------------------------
    def add_firm(self, values: dict[str, Any]) -> InterpretingFirm | None:
        with self.db.session() as s:
            if s.scalars(select(InterpretingFirm.id).where(InterpretingFirm.name == values["name"])).first():
                return None
            row = InterpretingFirm(**values)
            s.add(row)
            s.flush()
            return row

    def firms(self) -> list[InterpretingFirm]:
        with self.db.session() as s:
            return list(s.scalars(select(InterpretingFirm).order_by(InterpretingFirm.name)))

    def firm(self, firm_id: int) -> InterpretingFirm | None:
        with self.db.session() as s:
            return s.get(InterpretingFirm, firm_id)

    def add_interpreter(self, values: dict[str, Any]) -> Interpreter | None:
        with self.db.session() as s:
            if (
                values.get("username")
                and s.scalars(select(Interpreter.id).where(Interpreter.username == values["username"])).first()
            ):
                return None
            row = Interpreter(**values)
            s.add(row)
            s.flush()
            return row

    def interpreters(self) -> list[Interpreter]:
        with self.db.session() as s:
            return list(s.scalars(select(Interpreter).order_by(Interpreter.full_name)))

    def interpreter(self, interpreter_id: int) -> Interpreter | None:
        with self.db.session() as s:
            return s.get(Interpreter, interpreter_id)

    def by_username(self, username: str) -> Interpreter | None:
        with self.db.session() as s:
            return s.scalars(select(Interpreter).where(Interpreter.username == username)).first()

    # ---- conflicts -------------------------------------------------------------------------------
    def conflicted(self, case_id: str) -> set[int]:
        with self.db.session() as s:
            return set(
                s.scalars(select(InterpreterConflict.interpreter_id).where(InterpreterConflict.case_id == case_id))
            )

    def declare_conflict(self, interpreter_id: int, case_id: str, by: str, reason: str, audit: AuditEntry) -> int:
        """The conflict (once per interpreter and case); their coming assignments on the case are cancelled.
        Returns how many assignments were cancelled."""
        with self.db.session() as s:
            exists = s.scalars(
                select(InterpreterConflict.id).where(
                    InterpreterConflict.interpreter_id == interpreter_id, InterpreterConflict.case_id == case_id
                )
            ).first()
            if not exists:
                s.add(
                    InterpreterConflict(interpreter_id=interpreter_id, case_id=case_id, declared_by=by, reason=reason)
                )
            cancelled = 0
            for a in s.scalars(
                select(InterpreterAssignment).where(
                    InterpreterAssignment.interpreter_id == interpreter_id,
                    InterpreterAssignment.case_id == case_id,
                    InterpreterAssignment.status != "cancelled",
                )
            ):
                a.status = "cancelled"
                cancelled += 1
            self.audit.append([audit], s)
            return cancelled

    # ---- assignments -----------------------------------------------------------------------------
    def busy(self, start: dt.datetime, end: dt.datetime) -> set[int]:
        """Interpreters with an assignment starting in [start, end) that is not cancelled."""
        with self.db.session() as s:
            return set(
                s.scalars(
                    select(InterpreterAssignment.interpreter_id).where(
                        InterpreterAssignment.starts_at >= start,
                        InterpreterAssignment.starts_at < end,
                        InterpreterAssignment.status != "cancelled",
                    )
                )
            )

    def assign(self, values: dict[str, Any], actor: str, audit: AuditEntry) -> InterpreterAssignment:
        with self.db.session() as s:
            row = InterpreterAssignment(created_by=actor, **values)
            s.add(row)
            s.flush()
            self.audit.append([audit], s)
            return row

    def assignment(self, assignment_id: int) -> InterpreterAssignment | None:
        with self.db.session() as s:
            return s.get(InterpreterAssignment, assignment_id)

    def set_status(self, assignment_id: int, status: str, audit: AuditEntry) -> None:
        with self.db.session() as s:
            row = s.get(InterpreterAssignment, assignment_id)
            assert row is not None
            row.status = status
            self.audit.append([audit], s)

    def assignments_of(
        self, interpreter_id: int, since: dt.datetime | None = None
    ) -> list[tuple[InterpreterAssignment, str]]:
        """An interpreter's assignments (each with its case's reference), soonest first."""
        with self.db.session() as s:
            q = (
                select(InterpreterAssignment, Case.reference)
                .join(Case, Case.id == InterpreterAssignment.case_id)
                .where(InterpreterAssignment.interpreter_id == interpreter_id)
                .order_by(InterpreterAssignment.starts_at)
            )
            if since is not None:
                q = q.where(InterpreterAssignment.starts_at >= since)
            return [(a, ref) for a, ref in s.execute(q)]

    def assignments_for_case(self, case_id: str) -> list[InterpreterAssignment]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(InterpreterAssignment)
                    .where(InterpreterAssignment.case_id == case_id)
                    .order_by(InterpreterAssignment.starts_at)
                )
            )
