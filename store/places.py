"""Places and spellings the research desk adds through the product, on top of the shipped gazetteer.

Append-only: each row is one addition with who and when, so the list is its own version history.
A row whose ``place_id`` is a known place adds spellings to it; otherwise it is a new local place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow


class PlaceEntry(Base):
    __tablename__ = "place_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    place_id: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(3))
    level: Mapped[str] = mapped_column(String(16))
    parent: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    names: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PlaceEntries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, entry: dict[str, Any], user: str) -> None:
        fields = {k: entry.get(k) for k in ("name", "country", "level", "parent", "lat", "lon")}
        with self.db.session() as s:
            s.add(PlaceEntry(place_id=entry["id"], names=list(entry["names"]), added_by=user, **fields))

    def all(self) -> list[PlaceEntry]:
        with self.db.session() as s:
            return list(s.scalars(select(PlaceEntry).order_by(PlaceEntry.id)))

    def as_gazetteer_entries(self) -> list[dict[str, Any]]:
        return [
            {
                "id": e.place_id,
                "name": e.name,
                "country": e.country,
                "level": e.level,
                "parent": e.parent,
                "lat": e.lat,
                "lon": e.lon,
                "names": list(e.names),
            }
            for e in self.all()
        ]
