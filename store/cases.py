"""Case records and the physical files' movements (tables of the system of record).

Case ids are opaque (random) so that URLs and logs carry nothing about the applicant; the office's
reference is a field like any other case datum.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, utcnow

PROCEDURES = ("normal", "accelerated", "reexamination", "statelessness")
STATUSES = ("registered", "assigned", "interviewed", "decided", "closed")
LOCATION_KINDS = ("store", "office", "historical")


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    registered_on: Mapped[dt.date] = mapped_column(Date)
    procedure: Mapped[str] = mapped_column(String(16))
    division: Mapped[str] = mapped_column(String(32), index=True)
    assigned_officer_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="registered")
    decision_document_id: Mapped[str | None] = mapped_column(String(64))
    # physical file: where it is now, and when it is due back if checked out
    location_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("locations.id"))
    checked_out_to: Mapped[str | None] = mapped_column(String(64))
    due_back: Mapped[dt.date | None] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class Applicant(Base):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    full_name: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(String(3))  # ISO alpha-3; None when stateless
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    interpreter_language: Mapped[str | None] = mapped_column(String(32))
    transcript: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CaseVerification(Base):
    """A fact verification made for the case: the statements, the facts as the officer validated them
    and the result (evidence, statuses, search log). Case data: read and written through the audited
    case service only, never logged."""

    __tablename__ = "case_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    request: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    result: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]


class CaseGrant(Base):
    """Access to one case given to one user (a legal consultant, a civil registrar) by the division head."""

    __tablename__ = "case_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    granted_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # store | office | historical


class Movement(Base):
    __tablename__ = "movements"
    __table_args__ = (Index("ix_movements_case_time", "case_id", "moved_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"))
    from_location_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("locations.id"))
    to_location_id: Mapped[int] = mapped_column(Integer, ForeignKey("locations.id"))
    moved_by: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    due_back: Mapped[dt.date | None] = mapped_column(Date)
