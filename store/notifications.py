"""The alert queue (documents indexed, not yet matched against followed searches) and the notifications.

Crash safety: a matcher leases queue rows in one committed unit of work, matches, then stores the
notifications and deletes the rows it leased in another. Killed in between, it leaves the rows leased until
``lease_until``; the next matcher takes them again. Notifications are unique per (search, user, document,
version), so matching the same rows twice never notifies twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, or_, select, update

from store.audit import AuditEntry, AuditLog
from store.db import Database
from store.models import AlertQueue, Notification, SearchFollow, utcnow


@dataclass(frozen=True)
class Lease:
    token: str
    rows: list[AlertQueue]


@dataclass(frozen=True)
class NewNotification:
    user_id: int
    saved_search_id: int
    document_id: str
    version: int
    change: str
    case_id: str | None


class NotificationRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- queue -------------------------------------------------------------------------------------
    def enqueue(self, docs: Iterable[tuple[str, int, dt.datetime]]) -> int:
        """Queue (document id, version, last change) for matching, when some follow started before the change
        (a reindex or an enrichment of old documents queues nothing once they are older than every follow)."""
        docs = list(docs)
        if not docs:
            return 0
        with self.db.session() as s:
            oldest = s.scalar(select(func.min(SearchFollow.since)))
            if oldest is None:
                return 0
            rows = [
                AlertQueue(document_id=i, version=v) for i, v, changed in docs if changed is None or changed >= oldest
            ]
            s.add_all(rows)
            return len(rows)

    def lease(self, limit: int, seconds: float) -> Lease | None:
        now = utcnow()
        token = secrets.token_hex(8)
        with self.db.session() as s:
            ids = list(
                s.scalars(
                    select(AlertQueue.id)
                    .where(or_(AlertQueue.lease_until.is_(None), AlertQueue.lease_until < now))
                    .order_by(AlertQueue.id)
                    .limit(limit)
                )
            )
            if not ids:
                return None
            s.execute(
                update(AlertQueue)
                .where(AlertQueue.id.in_(ids), or_(AlertQueue.lease_until.is_(None), AlertQueue.lease_until < now))
                .values(
                    lease_until=now + dt.timedelta(seconds=seconds),
                    leased_by=token,
                    attempts=AlertQueue.attempts + 1,
                )
            )
        with self.db.session() as s:
            rows = list(s.scalars(select(AlertQueue).where(AlertQueue.leased_by == token).order_by(AlertQueue.id)))
        return Lease(token, rows) if rows else None

    def pending_count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(AlertQueue)) or 0)

    def stats(self) -> tuple[int, int, int]:
        """(documents queued, of which leased, notifications stored): for operators, and the crash test."""
        with self.db.session() as s:
            queued = int(s.scalar(select(func.count()).select_from(AlertQueue)) or 0)
            leased = int(
                s.scalar(select(func.count()).select_from(AlertQueue).where(AlertQueue.leased_by.is_not(None))) or 0
            )
            stored = int(s.scalar(select(func.count()).select_from(Notification)) or 0)
            return queued, leased, stored

    def complete(self, lease: Lease, found: Sequence[NewNotification], audit: Sequence[AuditEntry]) -> int:
        """Store the notifications not stored yet and drop the leased rows, in one unit of work."""
        with self.db.session() as s:
            still = s.scalars(select(AlertQueue.id).where(AlertQueue.leased_by == lease.token)).all()
            if not still:  # the lease expired and another matcher took the rows: it stores them
                return 0
            doc_ids = sorted({n.document_id for n in found})
            existing: set[tuple[int, int, str, int]] = set()
            for chunk in range(0, len(doc_ids), 500):
                existing.update(
                    (int(a), int(b), str(c), int(d))
                    for a, b, c, d in s.execute(
                        select(
                            Notification.saved_search_id,
                            Notification.user_id,
                            Notification.document_id,
                            Notification.version,
                        ).where(Notification.document_id.in_(doc_ids[chunk : chunk + 500]))
                    )
                )
            rows: list[dict[str, object]] = []
            now = utcnow()
            for n in found:
                key = (n.saved_search_id, n.user_id, n.document_id, n.version)
                if key in existing:
                    continue
                existing.add(key)
                rows.append(
                    {
                        "user_id": n.user_id,
                        "saved_search_id": n.saved_search_id,
                        "document_id": n.document_id,
                        "version": n.version,
                        "change": n.change,
                        "case_id": n.case_id,
                        "created_at": now,
                    }
                )
            if rows:  # one executemany, not an ORM object per row (a crawl batch can notify tens of thousands)
                s.execute(insert(Notification), rows)
            added = len(rows)
            if audit:
                self.audit.append(list(audit), s)
            s.execute(delete(AlertQueue).where(AlertQueue.leased_by == lease.token))
            return added

    # ---- inbox -------------------------------------------------------------------------------------
    def _visible(self, user_id: int, case_ids: frozenset[str] | None):  # type: ignore[no-untyped-def]
        conds = [Notification.user_id == user_id]
        if case_ids is not None:
            conds.append(or_(Notification.case_id.is_(None), Notification.case_id.in_(sorted(case_ids))))
        return conds

    def unread_count(self, user_id: int, case_ids: frozenset[str] | None) -> int:
        with self.db.session() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(*self._visible(user_id, case_ids), Notification.read_at.is_(None))
                )
                or 0
            )

    def of_user(
        self, user_id: int, case_ids: frozenset[str] | None, limit: int, unread_only: bool = False
    ) -> list[Notification]:
        with self.db.session() as s:
            stmt = select(Notification).where(*self._visible(user_id, case_ids))
            if unread_only:
                stmt = stmt.where(Notification.read_at.is_(None))
            return list(s.scalars(stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))

    def mark_read(self, user_id: int, ids: Sequence[int] | None) -> int:
        with self.db.session() as s:
            stmt = (
                update(Notification)
                .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                .values(read_at=utcnow())
            )
            if ids is not None:
                stmt = stmt.where(Notification.id.in_(list(ids)))
            return int(s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def unemailed(self, follow: SearchFollow) -> list[Notification]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(Notification).where(
                        Notification.user_id == follow.user_id,
                        Notification.saved_search_id == follow.saved_search_id,
                        Notification.emailed_at.is_(None),
                        Notification.read_at.is_(None),
                    )
                )
            )

    def mark_emailed(self, ids: Sequence[int], at: dt.datetime) -> None:
        with self.db.session() as s:
            s.execute(update(Notification).where(Notification.id.in_(list(ids))).values(emailed_at=at))
