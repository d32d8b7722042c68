"""Ingest jobs: one per uploaded file, from "queued" to "stored" or "failed" with the reason.

The original is archived before the job exists; a job left "extracting" by a crashed process is queued
again by ``recover`` — nothing is lost and, since the store is keyed by content, nothing is duplicated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, utcnow


class IngestJob(Base):
    __tablename__ = "ingest_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str] = mapped_column(String(64), index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|extracting|stored|failed
    error: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # metadata given with the upload
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # ocr, ocr_languages, nlp
    parent_id: Mapped[int | None] = mapped_column(Integer)  # e-mail attachments: the e-mail's job
    document_id: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Jobs:
    def __init__(self, db: Database) -> None:
        self.db = db

    def submit(
        self,
        sha256: str,
        filename: str,
        user: str,
        fields: dict[str, Any],
        parent_id: int | None = None,
        options: dict[str, Any] | None = None,
    ) -> int:
        with self.db.session() as s:
            job = IngestJob(
                sha256=sha256,
                filename=filename,
                submitted_by=user,
                fields=fields,
                parent_id=parent_id,
                options=options or {},
            )
            s.add(job)
            s.flush()
            return job.id

    def claim(self, job_id: int | None = None) -> IngestJob | None:
        """The oldest queued job (or this one), now "extracting" (one claimer wins even across processes)."""
        with self.db.session() as s:
            stmt = select(IngestJob).where(IngestJob.status == "queued")
            if job_id is not None:
                stmt = stmt.where(IngestJob.id == job_id)
            job = s.scalars(stmt.order_by(IngestJob.id).limit(1)).first()
            if job is None:
                return None
            won = s.execute(
                update(IngestJob)
                .where(IngestJob.id == job.id, IngestJob.status == "queued")
                .values(status="extracting", updated_at=utcnow())
            )
            if won.rowcount != 1:  # type: ignore[attr-defined]
                return None
            s.refresh(job)
            return job

    def finish(
        self,
        job_id: int,
        status: str,
        error: str | None = None,
        document_id: str | None = None,
        media_type: str | None = None,
    ) -> None:
        with self.db.session() as s:
            job = s.get(IngestJob, job_id)
            if job is not None:
                job.status, job.error, job.document_id, job.updated_at = status, error, document_id, utcnow()
                job.media_type = media_type or job.media_type

    def retry(self, job_id: int) -> bool:
        with self.db.session() as s:
            won = s.execute(
                update(IngestJob)
                .where(IngestJob.id == job_id, IngestJob.status == "failed")
                .values(status="queued", error=None, updated_at=utcnow())
            )
            return won.rowcount == 1  # type: ignore[attr-defined]

    def recover(self, older_than_s: int = 0) -> int:
        """Jobs a crashed process left "extracting" are queued again."""
        cutoff = utcnow() - dt.timedelta(seconds=older_than_s)
        with self.db.session() as s:
            res = s.execute(
                update(IngestJob)
                .where(IngestJob.status == "extracting", IngestJob.updated_at <= cutoff)
                .values(status="queued")
            )
            return int(res.rowcount or 0)  # type: ignore[attr-defined]

    def get(self, job_id: int) -> IngestJob | None:
        with self.db.session() as s:
            return s.get(IngestJob, job_id)

    def list(self, user: str | None = None, limit: int = 200) -> list[IngestJob]:
        stmt = select(IngestJob).order_by(IngestJob.id.desc()).limit(limit)
        if user:
            stmt = stmt.where(IngestJob.submitted_by == user)
        with self.db.session() as s:
            return list(s.scalars(stmt))

    def pending(self) -> int:
        from sqlalchemy import func

        with self.db.session() as s:
            return int(s.scalar(select(func.count()).where(IngestJob.status.in_(("queued", "extracting")))) or 0)
