"""Registration desk (issue 18): the register of incoming mail and applications, completeness checklists, receipts of originals.

Tables are declared here (imported by ``store.db.register_tables``). Register references and receipt numbers
come from ``desk_counters`` (one row per register and year), advanced inside the transaction that writes the
entry, so a number is taken only if its entry is committed: never repeated, never skipped.
"""

from __future__ import annotations

import datetime as dt
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
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.audit import AuditEntry, AuditLog
from store.cases import Case
from store.db import Database
from store.models import Base, utcnow

CHANNELS = ("post", "hand", "email", "platform")
KINDS = ("application", "completion", "other")


class DeskCounter(Base):
    """The last number given in one register (``mail``, ``receipt``, an act type) for one year."""

    __tablename__ = "desk_counters"

    register: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(Integer, default=0)


def begin_write(s: Session) -> None:
    """Take the database's write lock first (SQLite: BEGIN IMMEDIATE), so the transaction never has to upgrade
    a read snapshot to a write one (which SQLite refuses under concurrency instead of waiting)."""
    if s.get_bind().dialect.name == "sqlite":
        s.execute(text("BEGIN IMMEDIATE"))


def next_number(s: Session, register: str, year: int) -> int:
    """The next number of ``register`` for ``year``, in the caller's transaction.

    One statement: an upsert that adds one and returns the new value. On PostgreSQL the counter row stays
    locked until the transaction ends (concurrent issuers queue on it); on SQLite the writer holds the
    database lock (``begin_write``). If the transaction rolls back, the number is given back with it."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(DeskCounter)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(DeskCounter)
    stmt = (
        stmt.values(register=register, year=year, n=1)
        .on_conflict_do_update(index_elements=["register", "year"], set_={"n": DeskCounter.n + 1})
        .returning(DeskCounter.n)
    )
    return int(s.execute(stmt).scalar_one())


class MailEntry(Base):
    """One item of incoming mail: an application, a completion sent later, or other mail about a case."""

    __tablename__ = "desk_mail"
    __table_args__ = (
        Index("ix_desk_mail_division_received", "division", "received_on", "id"),
        Index("ix_desk_mail_division_missing", "division", "missing_count", "received_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)  # COU-2026-000123
    received_on: Mapped[dt.date] = mapped_column(Date)
    sender: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    procedure: Mapped[str] = mapped_column(String(16))
    division: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    checklist: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    missing_count: Mapped[int] = mapped_column(Integer, default=0)
    registered_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OriginalItem(Base):
    """A physical original received (with the mail or later), its receipt, where it is kept, and its scan."""

    __tablename__ = "desk_originals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mail_id: Mapped[int] = mapped_column(Integer, ForeignKey("desk_mail.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    receipt_number: Mapped[str] = mapped_column(String(32), unique=True)  # REC-2026-000045
    description: Mapped[str] = mapped_column(Text)
    item: Mapped[str | None] = mapped_column(String(32))  # the checklist item it answers, if any
    location: Mapped[str] = mapped_column(Text)  # where the paper is kept
    received_on: Mapped[dt.date] = mapped_column(Date)
    received_by: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[int | None] = mapped_column(Integer)  # the ingest job of its scan
    document_id: Mapped[str | None] = mapped_column(String(64))  # the scanned document, once ingested
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegistrationRecords:
    """The mail register and the originals; each write commits with its audit records."""

    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    def case_by_reference(self, reference: str) -> Case | None:
        with self.db.session() as s:
            return s.scalars(select(Case).where(Case.reference == reference)).first()

    def register(self, values: dict[str, Any], actor: str) -> MailEntry:
        with self.db.session() as s:
            begin_write(s)
            year = values["received_on"].year
            n = next_number(s, "mail", year)
            entry = MailEntry(reference=f"COU-{year}-{n:06d}", registered_by=actor, **values)
            s.add(entry)
            s.flush()
            self.audit.append([AuditEntry(actor, "desk.mail.register", entry.case_id, subject=f"mail:{entry.id}")], s)
            return entry

    def get(self, mail_id: int) -> MailEntry | None:
        with self.db.session() as s:
            return s.get(MailEntry, mail_id)

    def by_reference(self, reference: str) -> MailEntry | None:
        with self.db.session() as s:
            return s.scalars(select(MailEntry).where(MailEntry.reference == reference)).first()

    def page(
        self, divisions: list[str], incomplete: bool, limit: int, offset: int, case_id: str | None = None
    ) -> tuple[list[MailEntry], int]:
        """Entries of these divisions, the latest received first, and how many there are in all."""
        if not divisions:
            return [], 0
        cond: list[ColumnElement[bool]] = [MailEntry.division.in_(divisions)]
        if incomplete:
            cond.append(MailEntry.missing_count > 0)
        if case_id:
            cond.append(MailEntry.case_id == case_id)
        with self.db.session() as s:
            rows = list(
                s.scalars(
                    select(MailEntry)
                    .where(*cond)
                    .order_by(MailEntry.received_on.desc(), MailEntry.id.desc())
                    .limit(limit)
                    .offset(offset)
                )
            )
            total = int(s.scalar(select(func.count()).select_from(MailEntry).where(*cond)) or 0)
            return rows, total

    def set_checklist(self, mail_id: int, checklist: dict[str, bool], missing: int, audit: AuditEntry) -> MailEntry:
        with self.db.session() as s:
            s.execute(
                update(MailEntry).where(MailEntry.id == mail_id).values(checklist=checklist, missing_count=missing)
            )
            self.audit.append([audit], s)
            entry = s.get(MailEntry, mail_id)
            assert entry is not None
            return entry

    def link_case(self, mail_id: int, case_id: str, audit: AuditEntry) -> None:
        with self.db.session() as s:
            s.execute(update(MailEntry).where(MailEntry.id == mail_id).values(case_id=case_id))
            s.execute(update(OriginalItem).where(OriginalItem.mail_id == mail_id).values(case_id=case_id))
            self.audit.append([audit], s)

    def add_original(self, mail_id: int, values: dict[str, Any], actor: str, audit: AuditEntry) -> OriginalItem:
        with self.db.session() as s:
            begin_write(s)
            year = values["received_on"].year
            n = next_number(s, "receipt", year)
            row = OriginalItem(mail_id=mail_id, receipt_number=f"REC-{year}-{n:06d}", received_by=actor, **values)
            s.add(row)
            s.flush()
            self.audit.append([audit], s)
            return row

    def set_scan(self, original_id: int, job_id: int | None, document_id: str | None) -> None:
        with self.db.session() as s:
            values: dict[str, Any] = {}
            if job_id is not None:
                values["job_id"] = job_id
            if document_id is not None:
                values["document_id"] = document_id
            s.execute(update(OriginalItem).where(OriginalItem.id == original_id).values(**values))

    def original(self, original_id: int) -> OriginalItem | None:
        with self.db.session() as s:
            return s.get(OriginalItem, original_id)

    def originals(self, mail_id: int | None = None, case_id: str | None = None) -> list[OriginalItem]:
        with self.db.session() as s:
            q = select(OriginalItem).order_by(OriginalItem.id)
            q = q.where(OriginalItem.mail_id == mail_id) if mail_id is not None else q
            q = q.where(OriginalItem.case_id == case_id) if case_id is not None else q
            return list(s.scalars(q))
