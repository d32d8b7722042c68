"""Thesaurus terms the research desk adds through the product, on top of ``config/thesaurus.json``.

Append-only: each row adds French and English terms to a concept (a new one or one of the file), with
who and when; the list of rows is the thesaurus's version history, its last id the current version.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow


class ThesaurusEntry(Base):
    __tablename__ = "thesaurus_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    concept_id: Mapped[str] = mapped_column(String(80), index=True)
    fr: Mapped[list[str]] = mapped_column(JSON, default=list)
    en: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ThesaurusEntries:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.local_changes = 0  # entries added through this object: readers see them at once

    def add(self, concept_id: str, fr: list[str], en: list[str], user: str) -> None:
        self.local_changes += 1
        with self.db.session() as s:
            s.add(ThesaurusEntry(concept_id=concept_id, fr=fr, en=en, added_by=user))

    def all(self) -> list[ThesaurusEntry]:
        with self.db.session() as s:
            return list(s.scalars(select(ThesaurusEntry).order_by(ThesaurusEntry.id)))

    def version(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.max(ThesaurusEntry.id))) or 0)
