"""What a bulk export writes of each document, read by columns (no ORM objects: an export reads 100k rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from store.db import Database
from store.models import Document

META = (
    Document.id,
    Document.kind,
    Document.title,
    Document.source,
    Document.countries,
    Document.published,
    Document.added,
    Document.language,
    Document.doc_type,
    Document.url,
    Document.version,
    Document.case_id,
)


class ExportRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def rows(self, ids: Sequence[str], with_text: bool) -> dict[str, dict[str, Any]]:
        columns = (*META, Document.text) if with_text else META
        with self.db.session() as s:
            return {r.id: r._asdict() for r in s.execute(select(*columns).where(Document.id.in_(list(ids))))}
