"""Structured decisions: what was read from each decision's text (with spans), and consultants' corrections
(kept, and applied over every new reading)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, Document, utcnow


class DecisionStructure(Base):
    __tablename__ = "decision_structures"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))  # the version read
    version: Mapped[str] = mapped_column(String(32))  # the extractor's version
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DecisionCorrection(Base):
    __tablename__ = "decision_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DecisionRecords:
    """Stored readings of decisions and consultants' corrections."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def structure(self, document_id: str) -> DecisionStructure | None:
        with self.db.session() as s:
            return s.get(DecisionStructure, document_id)

    def save_structure(self, document_id: str, sha256: str, version: str, data: dict[str, Any]) -> None:
        with self.db.session() as s:
            row = s.get(DecisionStructure, document_id)
            if row is None:
                s.add(DecisionStructure(document_id=document_id, sha256=sha256, version=version, data=data))
            else:
                row.sha256, row.version, row.data = sha256, version, data

    def corrections(self, ids: Iterable[str]) -> dict[str, list[DecisionCorrection]]:
        """Each decision's corrections, oldest first."""
        out: dict[str, list[DecisionCorrection]] = defaultdict(list)
        with self.db.session() as s:
            for c in s.scalars(
                select(DecisionCorrection)
                .where(DecisionCorrection.document_id.in_(list(ids)))
                .order_by(DecisionCorrection.id)
            ):
                s.expunge(c)
                out[c.document_id].append(c)
        return out

    def add_correction(self, document_id: str, field: str, value: Any, note: str | None, user: str) -> None:
        with self.db.session() as s:
            s.add(DecisionCorrection(document_id=document_id, field=field, value=value, note=note, user=user))

    def stamps(self) -> tuple[dict[str, str | None], dict[str, int]]:
        """Every decision's current sha256, and the id of each decision's latest correction."""
        with self.db.session() as s:
            current = {
                doc_id: sha
                for doc_id, sha in s.execute(select(Document.id, Document.sha256).where(Document.kind == "decision"))
            }
            latest: dict[str, int] = dict(
                s.execute(
                    select(DecisionCorrection.document_id, func.max(DecisionCorrection.id)).group_by(
                        DecisionCorrection.document_id
                    )
                ).all()
            )
        return current, latest
