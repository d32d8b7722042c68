"""Actors, names and acronyms the research desk adds through the product, on top of ``config/actors.json``.

Append-only: each row adds names or acronyms to an actor (a listed one or a new one) with who and when;
the last id is the version. Enrichment and query expansion both use the merged list.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow


class ActorEntry(Base):
    __tablename__ = "actor_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[str] = mapped_column(String(80), index=True)
    type: Mapped[str] = mapped_column(String(32))
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    names: Mapped[list[str]] = mapped_column(JSON, default=list)
    acronyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ActorEntries:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.local_changes = 0  # entries added through this object: readers see them at once

    def add(
        self, actor_id: str, type_: str, countries: list[str], names: list[str], acronyms: list[str], user: str
    ) -> None:
        self.local_changes += 1
        with self.db.session() as s:
            s.add(
                ActorEntry(
                    actor_id=actor_id, type=type_, countries=countries, names=names, acronyms=acronyms, added_by=user
                )
            )

    def all(self) -> list[ActorEntry]:
        with self.db.session() as s:
            return list(s.scalars(select(ActorEntry).order_by(ActorEntry.id)))

    def version(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.max(ActorEntry.id))) or 0)

    def as_entries(self) -> list[dict]:  # type: ignore[type-arg]
        return [
            {"id": e.actor_id, "type": e.type, "countries": e.countries, "names": e.names, "acronyms": e.acronyms}
            for e in self.all()
        ]
