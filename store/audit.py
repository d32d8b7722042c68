"""The audit trail of case data: append-only records chained by sha256.

Each record holds who, when (UTC), the action, the case id and optionally a document id — never content.
Its ``hash`` covers those fields and the previous record's hash; ``prev_hash`` is unique, so two writers
racing for the same predecessor cannot fork the chain (the loser retries). SQLite triggers refuse UPDATE
and DELETE; anything done behind the database's back breaks the chain and ``verify`` finds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import DDL, DateTime, Integer, String, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Database
from store.models import Base, utcnow

GENESIS = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    document_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok | denied
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


for _stmt in (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
):
    event.listen(AuditRecord.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))


def record_hash(
    prev: str, at: dt.datetime, actor: str, action: str, case_id: str | None, doc: str | None, outcome: str
) -> str:
    fields = [prev, at.isoformat(timespec="microseconds"), actor, action, case_id or "", doc or "", outcome]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    case_id: str | None = None
    document_id: str | None = None
    outcome: str = "ok"


@dataclass
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()

    def append(self, entries: list[AuditEntry], session: Session | None = None) -> None:
        """Append records; raises if they cannot be written (callers fail closed).

        With ``session`` the records join that unit of work, so a write of case data and its audit
        commit together (SQLite's write lock, taken by the flush, keeps the chain head stable).
        Without it they are committed now, retrying if another writer took the chain head first.
        """
        if not entries:
            return
        if session is not None:
            session.flush()
            self._add(session, entries)
            session.flush()
            return
        for attempt in range(20):
            try:
                with self._lock, self.db.session() as s:
                    self._add(s, entries)
                return
            except IntegrityError:  # another process appended first: chain onto its record
                if attempt == 19:
                    raise

    @staticmethod
    def _add(s: Session, entries: list[AuditEntry]) -> None:
        prev = s.scalars(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).first() or GENESIS
        for e in entries:
            at = utcnow()
            h = record_hash(prev, at, e.actor, e.action, e.case_id, e.document_id, e.outcome)
            s.add(
                AuditRecord(
                    at=at,
                    actor=e.actor,
                    action=e.action,
                    case_id=e.case_id,
                    document_id=e.document_id,
                    outcome=e.outcome,
                    prev_hash=prev,
                    hash=h,
                )
            )
            prev = h

    def verify(self) -> Verification:
        prev = GENESIS
        n = 0
        for r in self._iter_all():
            n += 1
            if r.prev_hash != prev:
                return Verification(False, n, r.id, "chain broken: a record was removed or inserted before this one")
            if record_hash(prev, r.at, r.actor, r.action, r.case_id, r.document_id, r.outcome) != r.hash:
                return Verification(False, n, r.id, "record altered")
            prev = r.hash
        return Verification(True, n)

    def _iter_all(self, batch: int = 5000) -> Iterator[AuditRecord]:
        last = 0
        while True:
            with self.db.session() as s:
                rows = list(
                    s.scalars(select(AuditRecord).where(AuditRecord.id > last).order_by(AuditRecord.id).limit(batch))
                )
            if not rows:
                return
            yield from rows
            last = rows[-1].id

    def query(
        self, case_id: str | None = None, actor: str | None = None, limit: int = 200, before_id: int | None = None
    ) -> list[AuditRecord]:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if case_id:
            stmt = stmt.where(AuditRecord.case_id == case_id)
        if actor:
            stmt = stmt.where(AuditRecord.actor == actor)
        if before_id:
            stmt = stmt.where(AuditRecord.id < before_id)
        with self.db.session() as s:
            return list(s.scalars(stmt))

    def count(self) -> int:
        from sqlalchemy import func

        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)
