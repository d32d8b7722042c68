"""The audit trail of case data: append-only records in a keyed chain, with signed checkpoints kept
outside the database.

Each record holds who, when (UTC), the action, the case id and optionally a document id — never content.

- **Keyed chain.** A record's ``hash`` is an HMAC-SHA256, under a key kept in a file of its own (mode
  600, beside the data, never in the database, like the pseudonym key), of its fields and the previous
  record's hash. Someone who can write to the database but not read the key cannot edit a record and
  recompute the hashes after it.
- **One writer at a time.** An append first updates the single ``audit_head`` row (the database's
  write lock in SQLite, a row lock in PostgreSQL), then reads the head, so concurrent appends — threads
  or processes — queue behind each other and chain in order; ``prev_hash`` is unique as a last guard.
- **Checkpoints outside the database.** After each commit the newest record's id and hash are appended,
  signed with a second key derived from the same file, to an append-only file in another directory
  (``COIDESK_AUDIT_CHECKPOINT_DIR``) and, if configured, to syslog. ``verify`` checks every checkpoint
  against the database, so removing the newest records (truncation) or re-chaining after an edit is
  found even by someone who holds the key, unless they can also rewrite that file.
- SQLite and PostgreSQL triggers refuse UPDATE and DELETE on ``audit``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import DDL, DateTime, Integer, String, event, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Database
from store.models import Base, utcnow

GENESIS = "0" * 64
log = logging.getLogger(__name__)


class AuditRecord(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(48))
    case_id: Mapped[str | None] = mapped_column(String(32), index=True)
    document_id: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64), index=True)  # the account an account event is about
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok | denied
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the lock every append takes first (its counter is the number of appends)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appends: Mapped[int] = mapped_column(Integer, default=0)


for _stmt in (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
):
    event.listen(AuditRecord.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in (
    "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
):
    event.listen(AuditRecord.__table__, "after_create", DDL(_stmt).execute_if(dialect="postgresql"))


class AuditKey:
    """The secret of the chain and of the checkpoints, read from (or created in) a key file."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._secret: bytes | None = None

    def secret(self) -> bytes:
        if self._secret is None:
            if not self.key_file.exists():
                self.key_file.parent.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as f:
                        f.write(os.urandom(32).hex().encode())
                except FileExistsError:
                    pass  # another process wrote it first
            self._secret = bytes.fromhex(self.key_file.read_text().strip())
        return self._secret

    def derived(self, purpose: str) -> bytes:
        return hmac.new(self.secret(), purpose.encode(), hashlib.sha256).digest()


def record_hash(
    key: bytes,
    prev: str,
    at: dt.datetime,
    actor: str,
    action: str,
    case_id: str | None,
    doc: str | None,
    outcome: str,
    subject: str | None = None,
) -> str:
    fields = [prev, at.isoformat(timespec="microseconds"), actor, action, case_id or "", doc or "", outcome]
    if subject:
        fields.append(subject)
    return hmac.new(key, "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    action: str
    case_id: str | None = None
    document_id: str | None = None
    outcome: str = "ok"
    subject: str | None = None

    def __post_init__(self) -> None:
        """Refused here, on every database alike, when a value is longer than its column (PostgreSQL would
        refuse it at commit, SQLite would keep it whole): an audit record is never cut short silently."""
        for name in ("actor", "action", "case_id", "document_id", "outcome", "subject"):
            value = getattr(self, name)
            limit = getattr(AuditRecord.__table__.c[name].type, "length", None)
            if value is not None and limit is not None and len(value) > limit:
                raise ValueError(f"audit {name} longer than {limit} characters")


@dataclass
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None
    checkpoints: int = 0


class Checkpoints:
    """Signed (id, hash) lines appended to a file outside the database (and optionally to syslog)."""

    def __init__(self, folder: Path, key: AuditKey, syslog_address: str | None = None) -> None:
        self.path = folder / "audit-checkpoints.log"
        self.key = key
        self._lock = threading.Lock()
        self._syslog: logging.Logger | None = None
        if syslog_address:
            logger = logging.getLogger("coidesk.audit.checkpoints")
            logger.propagate = False
            logger.addHandler(logging.handlers.SysLogHandler(address=syslog_address))
            self._syslog = logger

    def _signature(self, record_id: int, record_hash_: str) -> str:
        message = f"{record_id}:{record_hash_}".encode()
        return hmac.new(self.key.derived("checkpoint"), message, hashlib.sha256).hexdigest()

    def publish(self, record_id: int, record_hash_: str) -> None:
        line = json.dumps(
            {
                "id": record_id,
                "hash": record_hash_,
                "at": utcnow().isoformat(timespec="seconds") + "Z",
                "sig": self._signature(record_id, record_hash_),
            }
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        if self._syslog is not None:
            self._syslog.info("coidesk-audit %s", line)

    def read(self) -> Iterator[tuple[int, str, bool]]:
        """(id, hash, signature valid) of every checkpoint line; an unreadable line counts as forged."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    continue
                try:
                    cp = json.loads(line)
                    rid, h, sig = int(cp["id"]), str(cp["hash"]), str(cp["sig"])
                except (ValueError, KeyError, TypeError):
                    yield (-1, "", False)
                    continue
                yield (rid, h, hmac.compare_digest(sig, self._signature(rid, h)))


class AuditLog:
    def __init__(self, db: Database, key: AuditKey, checkpoints: Checkpoints) -> None:
        self.db = db
        self.key = key
        self.checkpoints = checkpoints
        self._lock = threading.Lock()

    def append(self, entries: list[AuditEntry], session: Session | None = None) -> None:
        """Append records; raises if they cannot be written (callers fail closed).

        With ``session`` the records join that unit of work, so a write of case data and its audit
        commit together; the checkpoint is published when that session commits.
        """
        if not entries:
            return
        if session is not None:
            session.flush()
            last = self._add(session, entries)
            session.flush()
            event.listen(session, "after_commit", lambda _s: self._publish(last), once=True)
            return
        for attempt in range(5):
            try:
                with self._lock, self.db.session() as s:
                    last = self._add(s, entries)
                self._publish(last)
                return
            except IntegrityError:  # only if the head row's lock was bypassed: chain onto the new head
                if attempt == 4:
                    raise

    def _publish(self, last: tuple[int, str]) -> None:
        try:
            self.checkpoints.publish(*last)
        except OSError:  # the records are committed; a missing checkpoint is found by the next one
            log.exception("audit checkpoint could not be written")

    def _add(self, s: Session, entries: list[AuditEntry]) -> tuple[int, str]:
        # take the write lock before reading the head: concurrent appends queue here
        bump = update(AuditHead).where(AuditHead.id == 1).values(appends=AuditHead.appends + 1)
        if not cast("CursorResult[Any]", s.execute(bump)).rowcount:
            s.add(AuditHead(id=1, appends=1))
            s.flush()
        key = self.key.derived("chain")
        prev = s.scalars(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)).first() or GENESIS
        record = None
        for e in entries:
            at = utcnow()
            h = record_hash(key, prev, at, e.actor, e.action, e.case_id, e.document_id, e.outcome, e.subject)
            record = AuditRecord(
                at=at,
                actor=e.actor,
                action=e.action,
                case_id=e.case_id,
                document_id=e.document_id,
                subject=e.subject,
                outcome=e.outcome,
                prev_hash=prev,
                hash=h,
            )
            s.add(record)
            prev = h
        s.flush()
        assert record is not None
        return record.id, record.hash

    def verify(self) -> Verification:
        key = self.key.derived("chain")
        prev = GENESIS
        n = 0
        hashes: dict[int, str] = {}
        last_id = 0
        for r in self._iter_all():
            n += 1
            if r.prev_hash != prev:
                return Verification(False, n, r.id, "chain broken: a record was removed or inserted before this one")
            if (
                record_hash(key, prev, r.at, r.actor, r.action, r.case_id, r.document_id, r.outcome, r.subject)
                != r.hash
            ):
                return Verification(False, n, r.id, "record altered, or the chain was recomputed without the key")
            prev = r.hash
            hashes[r.id] = r.hash
            last_id = r.id
        seen = 0
        for rid, h, signed in self.checkpoints.read():
            seen += 1
            if not signed:
                return Verification(False, n, rid if rid > 0 else None, "checkpoint with a bad signature")
            if rid > last_id:
                return Verification(False, n, rid, "records removed: a checkpoint names a record past the last one")
            if hashes.get(rid) != h:
                return Verification(False, n, rid, "chain rewritten: a checkpoint does not match this record")
        if n and not seen:
            return Verification(False, n, None, "no checkpoint outside the database", 0)
        return Verification(True, n, checkpoints=seen)

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
        self,
        case_id: str | None = None,
        actor: str | None = None,
        limit: int = 200,
        before_id: int | None = None,
        subject: str | None = None,
    ) -> list[AuditRecord]:
        stmt = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if case_id:
            stmt = stmt.where(AuditRecord.case_id == case_id)
        if actor:
            stmt = stmt.where(AuditRecord.actor == actor)
        if subject:
            stmt = stmt.where(AuditRecord.subject == subject)
        if before_id:
            stmt = stmt.where(AuditRecord.id < before_id)
        with self.db.session() as s:
            return list(s.scalars(stmt))

    def count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(AuditRecord)) or 0)
