"""COI reports and query responses (tables of the system of record).

Each cited passage is pinned to the archived version (sha256) of the document it came from, so a report can
be reproduced and a later change of the source is detected. A report moves draft → in review → published;
each submission and publication keeps a snapshot of the whole report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.db import Database
from store.models import Base, utcnow

REPORT_STATUSES = ("draft", "in_review", "published")


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # report | query_response
    locale: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(64))
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)  # terms of reference
    methodology: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # sources, period, reviewers, text
    disclaimer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ReportSection(Base):
    __tablename__ = "report_sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("reports.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")  # the writer's own paragraphs before the citations


class ReportCitation(Base):
    __tablename__ = "report_citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    section_id: Mapped[int] = mapped_column(Integer, ForeignKey("report_sections.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    document_version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # the archived original the passage was read in
    mode: Mapped[str] = mapped_column(String(12))  # quote | paraphrase
    quote: Mapped[str] = mapped_column(Text)  # the passage as it stands in that version
    paraphrase: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    paragraph: Mapped[int | None] = mapped_column(Integer)
    accessed: Mapped[dt.date] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportComment(Base):
    __tablename__ = "report_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("reports.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReportSnapshot(Base):
    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("reports.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


@dataclass(frozen=True)
class ReportParts:
    """What a report holds: its sections in order, their citations (by section, in order), its comments."""

    sections: list[ReportSection]
    citations: list[ReportCitation]
    comments: list[ReportComment]


class ReportRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def recent(self, limit: int = 500) -> list[Report]:
        with self.db.session() as s:
            return list(s.scalars(select(Report).order_by(Report.updated_at.desc()).limit(limit)))

    def drafts(self) -> list[tuple[Report, list[ReportSection]]]:
        """Reports in draft, last changed first, each with its sections."""
        with self.db.session() as s:
            return [
                (r, _sections(s, r.id))
                for r in s.scalars(select(Report).where(Report.status == "draft").order_by(Report.updated_at.desc()))
            ]

    def get(self, report_id: int) -> Report | None:
        with self.db.session() as s:
            return s.get(Report, report_id)

    def parts(self, report_id: int) -> ReportParts:
        with self.db.session() as s:
            return _parts(s, report_id)

    def add(self, report: Report) -> int:
        with self.db.session() as s:
            s.add(report)
            s.flush()
            return report.id

    def add_section(self, report_id: int, title: str, text: str) -> int:
        """A section after the last one."""
        with self.db.session() as s:
            position = (
                s.scalar(select(func.max(ReportSection.position)).where(ReportSection.report_id == report_id)) or 0
            ) + 1
            section = ReportSection(report_id=report_id, position=position, title=title, text=text)
            s.add(section)
            s.flush()
            _touch(s, report_id)
            return section.id

    def section(self, section_id: int) -> ReportSection | None:
        with self.db.session() as s:
            return s.get(ReportSection, section_id)

    def edit_section(self, section_id: int, title: str, text: str) -> None:
        with self.db.session() as s:
            section = s.get(ReportSection, section_id)
            assert section is not None
            section.title, section.text = title, text

    def add_citation(self, report_id: int, citation: ReportCitation) -> int:
        """The citation after the last one of its section."""
        with self.db.session() as s:
            citation.position = (
                s.scalar(
                    select(func.max(ReportCitation.position)).where(ReportCitation.section_id == citation.section_id)
                )
                or 0
            ) + 1
            s.add(citation)
            s.flush()
            _touch(s, report_id)
            return citation.id

    def citation(self, citation_id: int) -> ReportCitation | None:
        with self.db.session() as s:
            return s.get(ReportCitation, citation_id)

    def remove_citation(self, citation_id: int) -> None:
        with self.db.session() as s:
            c = s.get(ReportCitation, citation_id)
            if c is not None:
                s.delete(c)

    def add_comment(self, report_id: int, version: int, author: str, text: str) -> None:
        with self.db.session() as s:
            s.add(ReportComment(report_id=report_id, version=version, author=author, text=text))

    def change(
        self,
        report_id: int,
        values: dict[str, Any],
        snapshot: tuple[str, Callable[[Report, ReportParts], dict[str, Any]]] | None = None,
    ) -> None:
        """Change these fields; with ``snapshot`` (who, content of the report as changed) a snapshot of the
        new state is kept in the same unit of work."""
        with self.db.session() as s:
            r = s.get(Report, report_id)
            assert r is not None
            for name, value in values.items():
                setattr(r, name, value)
            if snapshot is not None:
                s.flush()
                by, content = snapshot
                s.add(
                    ReportSnapshot(
                        report_id=r.id,
                        version=r.version,
                        status=r.status,
                        content=content(r, _parts(s, r.id)),
                        created_by=by,
                    )
                )

    def snapshot(self, report_id: int, version: int) -> dict[str, Any] | None:
        """The content of the latest snapshot of that version."""
        with self.db.session() as s:
            snap = s.scalars(
                select(ReportSnapshot)
                .where(ReportSnapshot.report_id == report_id, ReportSnapshot.version == version)
                .order_by(ReportSnapshot.id.desc())
            ).first()
            return dict(snap.content) if snap else None


def _sections(s: Session, report_id: int) -> list[ReportSection]:
    return list(
        s.scalars(select(ReportSection).where(ReportSection.report_id == report_id).order_by(ReportSection.position))
    )


def _parts(s: Session, report_id: int) -> ReportParts:
    sections = _sections(s, report_id)
    citations = s.scalars(
        select(ReportCitation)
        .where(ReportCitation.section_id.in_([x.id for x in sections]))
        .order_by(ReportCitation.section_id, ReportCitation.position)
    )
    comments = s.scalars(select(ReportComment).where(ReportComment.report_id == report_id).order_by(ReportComment.id))
    return ReportParts(sections, list(citations), list(comments))


def _touch(s: Session, report_id: int) -> None:
    r = s.get(Report, report_id)
    assert r is not None
    r.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
