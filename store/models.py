"""SQLAlchemy models of the system of record (SQLite here, PostgreSQL at scale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


# ---- searches kept for users: history, saved searches, alerts (issue 17) ---------------------------------


class SearchHistoryEntry(Base):
    """One search a user ran on the search page (never shared). ``case_ids``: the cases whose documents it
    showed — the entry is shown again only while the user may still see every one of them."""

    __tablename__ = "search_history"
    __table_args__ = (Index("ix_search_history_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer, default=0)
    case_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SavedSearch(Base):
    """A named search; ``visibility``: private (its owner), division (the owner's division), desk (all staff)."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    visibility: Mapped[str] = mapped_column(String(16), default="private")
    division: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SearchFollow(Base):
    """A user follows a saved search: documents new or changed after ``since`` that match it notify them."""

    __tablename__ = "search_follows"
    __table_args__ = (UniqueConstraint("saved_search_id", "user_id", name="uq_search_follow"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    saved_search_id: Mapped[int] = mapped_column(Integer, ForeignKey("saved_searches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    since: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(16), default="none")  # none | immediate | daily
    last_email_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AlertQueue(Base):
    """Documents indexed but not yet matched against the followed searches. A matcher leases rows (commits
    ``lease_until``) before matching and deletes them in the unit of work that stores the notifications: a
    matcher killed mid-way leaves the rows to the next one once the lease expires."""

    __tablename__ = "alert_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    enqueued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    leased_by: Mapped[str | None] = mapped_column(String(32), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """A document matched a search a user follows. Holds ids only (no title, no text): what it shows is read
    at display time, after the need-to-know check. ``case_id`` set for case documents."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("saved_search_id", "user_id", "document_id", "version", name="uq_notification"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    saved_search_id: Mapped[int] = mapped_column(Integer, ForeignKey("saved_searches.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    change: Mapped[str] = mapped_column(String(8), default="new")  # new | changed
    case_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
