"""Searches kept for users: the search history, saved searches and who follows them (SQL only here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select

from store.audit import AuditEntry, AuditLog
from store.db import Database
from store.models import SavedSearch, SearchFollow, SearchHistoryEntry, utcnow


class HistoryRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    def add(self, entry: SearchHistoryEntry, keep: int, audit: Sequence[AuditEntry] = ()) -> int:
        """Add an entry and keep only the user's ``keep`` newest; the audit records in the same unit of work
        (a search that showed case documents is kept only if its audit record is)."""
        with self.db.session() as s:
            s.add(entry)
            s.flush()
            old = list(
                s.scalars(
                    select(SearchHistoryEntry.id)
                    .where(SearchHistoryEntry.user_id == entry.user_id)
                    .order_by(SearchHistoryEntry.at.desc(), SearchHistoryEntry.id.desc())
                    .offset(keep)
                )
            )
            if old:
                s.execute(delete(SearchHistoryEntry).where(SearchHistoryEntry.id.in_(old)))
            if audit:
                self.audit.append(list(audit), s)
            return entry.id

    def latest(self, user_id: int) -> SearchHistoryEntry | None:
        with self.db.session() as s:
            return s.scalars(
                select(SearchHistoryEntry)
                .where(SearchHistoryEntry.user_id == user_id)
                .order_by(SearchHistoryEntry.at.desc(), SearchHistoryEntry.id.desc())
                .limit(1)
            ).first()

    def touch(self, entry_id: int, total: int) -> None:
        with self.db.session() as s:
            e = s.get(SearchHistoryEntry, entry_id)
            if e is not None:
                e.at, e.total = utcnow(), total

    def of_user(self, user_id: int, limit: int) -> list[SearchHistoryEntry]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(SearchHistoryEntry)
                    .where(SearchHistoryEntry.user_id == user_id)
                    .order_by(SearchHistoryEntry.at.desc(), SearchHistoryEntry.id.desc())
                    .limit(limit)
                )
            )

    def clear(self, user_id: int, entry_id: int | None = None) -> int:
        with self.db.session() as s:
            stmt = delete(SearchHistoryEntry).where(SearchHistoryEntry.user_id == user_id)
            if entry_id is not None:
                stmt = stmt.where(SearchHistoryEntry.id == entry_id)
            return int(s.execute(stmt).rowcount)  # type: ignore[attr-defined]


class SavedSearchRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, search: SavedSearch) -> int:
        with self.db.session() as s:
            s.add(search)
            s.flush()
            return search.id

    def get(self, search_id: int) -> SavedSearch | None:
        with self.db.session() as s:
            return s.get(SavedSearch, search_id)

    def get_many(self, ids: Sequence[int]) -> dict[int, SavedSearch]:
        if not ids:
            return {}
        with self.db.session() as s:
            return {x.id: x for x in s.scalars(select(SavedSearch).where(SavedSearch.id.in_(list(ids))))}

    def visible_to(self, user_id: int, division: str | None, limit: int = 500) -> list[SavedSearch]:
        """The user's own searches, those shared with the whole desk, and those shared with their division."""
        conds = [SavedSearch.owner_id == user_id, SavedSearch.visibility == "desk"]
        if division:
            conds.append((SavedSearch.visibility == "division") & (SavedSearch.division == division))
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(SavedSearch).where(or_(*conds)).order_by(SavedSearch.name, SavedSearch.id).limit(limit)
                )
            )

    def update(self, search_id: int, values: dict[str, Any]) -> None:
        with self.db.session() as s:
            x = s.get(SavedSearch, search_id)
            if x is not None:
                for k, v in values.items():
                    setattr(x, k, v)
                x.updated_at = utcnow()

    def delete(self, search_id: int) -> None:
        with self.db.session() as s:
            s.execute(delete(SearchFollow).where(SearchFollow.saved_search_id == search_id))
            from store.models import Notification

            s.execute(delete(Notification).where(Notification.saved_search_id == search_id))
            s.execute(delete(SavedSearch).where(SavedSearch.id == search_id))

    # ---- follows -----------------------------------------------------------------------------------------
    def follow(self, search_id: int, user_id: int, email: str) -> SearchFollow:
        with self.db.session() as s:
            f = s.scalars(
                select(SearchFollow).where(SearchFollow.saved_search_id == search_id, SearchFollow.user_id == user_id)
            ).first()
            if f is None:
                f = SearchFollow(saved_search_id=search_id, user_id=user_id, since=utcnow(), email=email)
                s.add(f)
            else:
                f.email = email
            s.flush()
            return f

    def unfollow(self, search_id: int, user_id: int) -> int:
        with self.db.session() as s:
            return int(
                s.execute(  # type: ignore[attr-defined]
                    delete(SearchFollow).where(
                        SearchFollow.saved_search_id == search_id, SearchFollow.user_id == user_id
                    )
                ).rowcount
            )

    def follows_of(self, user_id: int) -> dict[int, SearchFollow]:
        with self.db.session() as s:
            return {
                f.saved_search_id: f for f in s.scalars(select(SearchFollow).where(SearchFollow.user_id == user_id))
            }

    def all_follows(self) -> list[SearchFollow]:
        with self.db.session() as s:
            return list(s.scalars(select(SearchFollow).order_by(SearchFollow.id)))

    def oldest_follow(self) -> dt.datetime | None:
        with self.db.session() as s:
            return s.scalar(select(func.min(SearchFollow.since)))

    def mark_emailed(self, follow_ids: Sequence[int], at: dt.datetime) -> None:
        with self.db.session() as s:
            for f in s.scalars(select(SearchFollow).where(SearchFollow.id.in_(list(follow_ids)))):
                f.last_email_at = at
