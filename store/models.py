"""SQLAlchemy models of the system of record (SQLite here, PostgreSQL at scale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# Integer primary keys are 32-bit on PostgreSQL (64-bit on SQLite): the largest id any table can hold, the
# bound every id taken from a request is checked against before it reaches a query
MAX_ROW_ID = 2**31 - 1

class Base(DeclarativeBase):
    pass


class Document(Base):
    """One document of any kind (coi | decision | case_document); the id survives new versions."""

    __tablename__ = "documents"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(64), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(64))
    published: Mapped[dt.date | None] = mapped_column(Date)
    added: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    event_dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    url: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), ForeignKey("originals.sha256"), index=True)
    external_id: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # decisions
    court: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    file_number: Mapped[str | None] = mapped_column(String(128))
    ecli: Mapped[str | None] = mapped_column(String(128), index=True)
    outcome: Mapped[str | None] = mapped_column(Text)
    headnote: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # anything else the source record said, kept for traceability
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Original(Base):
    """An archived original, addressed by the sha256 of its bytes."""

    __tablename__ = "originals"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Receipt(Base):
    """Each time an original arrived: who brought it, when, from where."""

    __tablename__ = "receipts"
    __table_args__ = (UniqueConstraint("sha256", "origin", "received_by", "document_id", name="uq_receipt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("originals.sha256"), index=True)
    document_id: Mapped[str | None] = mapped_column(String(64), index=True)
    received_by: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    origin: Mapped[str] = mapped_column(Text)  # file name, path or URL


class IndexQueue(Base):
    """Documents stored but not yet (re)indexed; the single index writer drains it."""

    __tablename__ = "index_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    enqueued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class EnrichmentRecord(Base):
    """The latest enrichment of a document (analyzers.model.Enrichment as JSON)."""

    __tablename__ = "enrichments"

    document_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    input_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    enriched_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Correction(Base):
    """A user's correction of enrichment (add or remove a value); applied over every re-enrichment."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(16))  # place | actor | country | date | topic
    value: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(8))  # add | remove
    made_by: Mapped[str] = mapped_column(String(128))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DocumentVersion(Base):
    """An earlier version of a document, kept when new bytes arrive for the same document (same URL or id)."""

    __tablename__ = "document_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published: Mapped[dt.date | None] = mapped_column(Date)
    replaced_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
