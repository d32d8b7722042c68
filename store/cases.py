"""Case records and the physical files' movements (tables of the system of record).

Case ids are opaque (random) so that URLs and logs carry nothing about the applicant; the office's
reference is a field like any other case datum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.audit import AuditEntry, AuditLog
from store.db import Database
from store.models import Base, Document, Receipt, utcnow

PROCEDURES = ("normal", "accelerated", "reexamination", "statelessness")
STATUSES = ("registered", "assigned", "interviewed", "decided", "closed")
LOCATION_KINDS = ("store", "office", "historical")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    procedure: Mapped[str] = mapped_column(String(16))
    division: Mapped[str] = mapped_column(String(32), index=True)
    assigned_officer_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    decision_document_id: Mapped[str | None] = mapped_column(String(64))
    # physical file: where it is now, and when it is due back if checked out
    location_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("locations.id"))
    checked_out_to: Mapped[str | None] = mapped_column(String(64))
    due_back: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class Applicant(Base):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    full_name: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(3))  # ISO alpha-3; None when stateless
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    interpreter_language: Mapped[str | None] = mapped_column(String(32))
    transcript: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CaseVerification(Base):
    """A fact verification made for the case: the statements, the facts as the officer validated them
    and the result (evidence, statuses, search log). Case data: read and written through the audited
    case service only, never logged."""

    __tablename__ = "case_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    request: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    result: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]


class CaseGrant(Base):
    """Access to one case given to one user (a legal consultant, a civil registrar) by the division head."""

    __tablename__ = "case_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    granted_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # store | office | historical


class Movement(Base):
    __tablename__ = "movements"
    __table_args__ = (Index("ix_movements_case_time", "case_id", "moved_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"))
    from_location_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("locations.id"))
    to_location_id: Mapped[int] = mapped_column(Integer, ForeignKey("locations.id"))
    moved_by: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    due_back: Mapped[dt.date | None] = mapped_column(Date)


class CaseRecords:
    """Cases, their applicants, interviews, notes, verifications, grants and the physical file's movements.

    A write of case data takes the audit entries that record it and commits them in the same unit of work.
    """

    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- cases -------------------------------------------------------------------------------------
    def get(self, case_id: str) -> Case | None:
        with self.db.session() as s:
            return s.get(Case, case_id)

    def reference_taken(self, reference: str) -> bool:
        with self.db.session() as s:
            return s.scalars(select(Case.id).where(Case.reference == reference)).first() is not None

    def create(self, case: Case, applicants: list[dict[str, Any]], audit: list[AuditEntry]) -> Case:
        with self.db.session() as s:
            s.add(case)
            s.flush()
            for a in applicants:
                s.add(Applicant(case_id=case.id, **a))
            self.audit.append(audit, s)
            return case

    def update(self, case_id: str, values: dict[str, Any], audit: list[AuditEntry]) -> Case:
        with self.db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            for name, value in values.items():
                setattr(case, name, value)
            self.audit.append(audit, s)
            return case

    def ids_matching(self, officer_id: int | None, divisions: list[str], every: bool) -> set[str]:
        """Ids of the cases assigned to ``officer_id``, or of one of ``divisions``, or all with ``every``."""
        conds = []
        if officer_id is not None:
            conds.append(Case.assigned_officer_id == officer_id)
        conds.extend(Case.division == d for d in divisions)
        if every:
            conds.append(Case.id.is_not(None))
        if not conds:
            return set()
        with self.db.session() as s:
            return set(s.scalars(select(Case.id).where(or_(*conds))))

    def mutualised_ids(self, division: str, case_id: str | None = None) -> set[str]:
        """Cases another division mutualised to ``division``: registered there, with an applicant of one of the
        nationalities it gave to ``division`` (``store/working_groups.py``); only ``case_id`` when given."""
        from store.working_groups import mutualised_to

        pairs = mutualised_to(self.db, division)
        if not pairs:
            return set()
        stmt = (
            select(Case.id)
            .join(Applicant, Applicant.case_id == Case.id)
            .where(or_(*(and_(Case.division == frm, Applicant.nationality == nat) for nat, frm in pairs)))
            .distinct()
        )
        if case_id is not None:
            stmt = stmt.where(Case.id == case_id)
        with self.db.session() as s:
            return set(s.scalars(stmt))

    def page(self, ids: Iterable[str], limit: int, offset: int) -> list[Case]:
        """Of these cases, the most recently registered first."""
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(Case)
                    .where(Case.id.in_(list(ids)))
                    .order_by(Case.registered_on.desc(), Case.id)
                    .limit(limit)
                    .offset(offset)
                )
            )

    def overdue(self, today: dt.date, limit: int) -> list[Case]:
        with self.db.session() as s:
            return list(s.scalars(select(Case).where(Case.due_back < today).order_by(Case.due_back).limit(limit)))

    # ---- what a case holds ---------------------------------------------------------------------------
    def applicants(self, case_id: str) -> list[Applicant]:
        with self.db.session() as s:
            return list(s.scalars(select(Applicant).where(Applicant.case_id == case_id).order_by(Applicant.id)))

    def interviews(self, case_id: str) -> list[Interview]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(Interview).where(Interview.case_id == case_id).order_by(Interview.held_on, Interview.id)
                )
            )

    def notes(self, case_id: str) -> list[CaseNote]:
        with self.db.session() as s:
            return list(s.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)))

    def add_interview(self, case_id: str, fields: dict[str, Any], recorded_by: str, audit: list[AuditEntry]) -> None:
        """The interview; a case not yet interviewed becomes "interviewed"."""
        with self.db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            s.add(Interview(case_id=case.id, recorded_by=recorded_by, **fields))
            if case.status in ("registered", "assigned"):
                case.status = "interviewed"
            self.audit.append(audit, s)

    def add_note(self, case_id: str, text: str, author: str, audit: list[AuditEntry]) -> None:
        with self.db.session() as s:
            s.add(CaseNote(case_id=case_id, text=text, author=author))
            self.audit.append(audit, s)

    def documents(self, case_id: str) -> list[tuple[Document, str | None]]:
        """The case's documents in the order they came, each with who brought its first original."""
        with self.db.session() as s:
            out = []
            for d in s.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.seq)):
                receipt = s.scalars(
                    select(Receipt).where(Receipt.document_id == d.id).order_by(Receipt.id).limit(1)
                ).first()
                out.append((d, receipt.received_by if receipt else None))
            return out

    # ---- fact verifications --------------------------------------------------------------------------
    def add_verification(
        self, case_id: str, created_by: str, request: dict[str, Any], result: dict[str, Any], audit: list[AuditEntry]
    ) -> int:
        with self.db.session() as s:
            row = CaseVerification(case_id=case_id, created_by=created_by, request=request, result=result)
            s.add(row)
            s.flush()
            self.audit.append(audit, s)
            return row.id

    def verifications(self, case_id: str) -> list[CaseVerification]:
        """The case's verifications, newest first."""
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(CaseVerification)
                    .where(CaseVerification.case_id == case_id)
                    .order_by(CaseVerification.id.desc())
                )
            )

    def verification(self, verification_id: int) -> CaseVerification | None:
        with self.db.session() as s:
            return s.get(CaseVerification, verification_id)

    # ---- grants --------------------------------------------------------------------------------------
    def has_active_grant(self, case_id: str, user_id: int, today: dt.date) -> bool:
        stmt = select(CaseGrant.id).where(
            CaseGrant.case_id == case_id, CaseGrant.user_id == user_id, *_active_on(today)
        )
        with self.db.session() as s:
            return s.scalars(stmt.limit(1)).first() is not None

    def granted_case_ids(self, user_id: int, today: dt.date) -> set[str]:
        with self.db.session() as s:
            return set(s.scalars(select(CaseGrant.case_id).where(CaseGrant.user_id == user_id, *_active_on(today))))

    def grant(
        self,
        case_id: str,
        user_id: int,
        granted_by: str,
        reason: str,
        expires_on: dt.date | None,
        audit: list[AuditEntry],
    ) -> None:
        with self.db.session() as s:
            s.add(
                CaseGrant(case_id=case_id, user_id=user_id, granted_by=granted_by, reason=reason, expires_on=expires_on)
            )
            self.audit.append(audit, s)

    def revoke_grants(self, case_id: str, user_id: int | None, audit: list[AuditEntry]) -> int:
        """Revoke this user's grants on the case that are not revoked yet; returns how many."""
        with self.db.session() as s:
            n = 0
            for g in s.scalars(
                select(CaseGrant).where(
                    CaseGrant.case_id == case_id, CaseGrant.user_id == user_id, CaseGrant.revoked_at.is_(None)
                )
            ):
                g.revoked_at = utcnow()
                n += 1
            self.audit.append(audit, s)
            return n

    # ---- physical files ------------------------------------------------------------------------------
    def locations(self) -> list[Location]:
        with self.db.session() as s:
            return list(s.scalars(select(Location).order_by(Location.code)))

    def location(self, location_id: int) -> Location | None:
        with self.db.session() as s:
            return s.get(Location, location_id)

    def location_by_code(self, code: str) -> Location | None:
        with self.db.session() as s:
            return s.scalars(select(Location).where(Location.code == code)).first()

    def location_codes(self) -> dict[int, str]:
        with self.db.session() as s:
            return {loc.id: loc.code for loc in s.scalars(select(Location))}

    def add_location(self, code: str, name: str, kind: str) -> bool:
        """False if a location already has this code."""
        with self.db.session() as s:
            if s.scalars(select(Location.id).where(Location.code == code)).first():
                return False
            s.add(Location(code=code, name=name, kind=kind))
            return True

    def move(
        self,
        case_id: str,
        to: Location,
        moved_by: str,
        reason: str,
        due_back: dt.date | None,
        checked_out_to: str | None,
        audit: list[AuditEntry],
    ) -> Case:
        """Record a movement of the physical file from where it is now; returns the case as it stands."""
        with self.db.session() as s:
            case = s.get(Case, case_id)
            assert case is not None
            s.add(
                Movement(
                    case_id=case.id,
                    from_location_id=case.location_id,
                    to_location_id=to.id,
                    moved_by=moved_by,
                    reason=reason,
                    due_back=due_back,
                )
            )
            case.location_id, case.due_back, case.checked_out_to = to.id, due_back, checked_out_to
            from store.archive_stores import release_place  # a file sent to another store leaves its shelf

            release_place(s, case.id, to.id)
            self.audit.append(audit, s)
            return case

    def movements(self, case_id: str, limit: int) -> list[Movement]:
        """The file's movements, newest first."""
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(Movement)
                    .where(Movement.case_id == case_id)
                    .order_by(Movement.moved_at.desc(), Movement.id.desc())
                    .limit(limit)
                )
            )


def _active_on(today: dt.date) -> tuple[ColumnElement[bool], ...]:
    """A grant not revoked and not expired on ``today``."""
    return (CaseGrant.revoked_at.is_(None), or_(CaseGrant.expires_on.is_(None), CaseGrant.expires_on >= today))
