"""Missions (issue 23): missions, participants, oral sources (identity visible to the mission's members only).

Tables are declared here (imported by ``store.db.register_tables``).

An oral source's identity lives in its own table (``OralSourceIdentity``), read by one method only
(``identities``); everything else — the citation, the report, the index — is built from ``OralSource``,
which holds nothing that names the person.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from store.audit import AuditEntry, AuditLog
from store.db import Database
from store.models import Base, utcnow


class Mission(Base):
    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(3), index=True)  # ISO alpha-3
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(Text, default="")
    terms_of_reference: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MissionMember(Base):
    __tablename__ = "mission_members"

    mission_id: Mapped[int] = mapped_column(Integer, ForeignKey("missions.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OralSource(Base):
    """What may be said of a source: its anonymised description, the interview, the reliability note."""

    __tablename__ = "oral_sources"
    __table_args__ = (UniqueConstraint("mission_id", "number", name="uq_oral_source_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mission_id: Mapped[int] = mapped_column(Integer, ForeignKey("missions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # "Source orale n° 3": numbered within the mission
    description: Mapped[str] = mapped_column(Text)  # e.g. "responsable d'une ONG"
    place: Mapped[str] = mapped_column(Text)
    met_on: Mapped[dt.date] = mapped_column(Date)
    interview_type: Mapped[str] = mapped_column(String(16))  # in_person | phone | video | written
    reliability_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OralSourceIdentity(Base):
    """Who the source is. Only the mission's members read it."""

    __tablename__ = "oral_source_identities"

    source_id: Mapped[int] = mapped_column(Integer, ForeignKey("oral_sources.id"), primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")


class MissionReport(Base):
    """A mission report: an upload (ingest job) that becomes a COI document of type ``mission_report``."""

    __tablename__ = "mission_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mission_id: Mapped[int] = mapped_column(Integer, ForeignKey("missions.id"), index=True)
    job_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MissionRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    def create(self, m: Mission, member_ids: list[int], by: str) -> Mission:
        with self.db.session() as s:
            s.add(m)
            s.flush()
            for uid in dict.fromkeys(member_ids):
                s.add(MissionMember(mission_id=m.id, user_id=uid, added_by=by))
            return m

    def get(self, mission_id: int) -> Mission | None:
        with self.db.session() as s:
            return s.get(Mission, mission_id)

    def all(self) -> list[Mission]:
        with self.db.session() as s:
            return list(s.scalars(select(Mission).order_by(Mission.starts_on.desc(), Mission.id.desc())))

    def member_ids(self, mission_id: int) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(MissionMember.user_id).where(MissionMember.mission_id == mission_id)))

    def is_member(self, mission_id: int, user_id: int) -> bool:
        with self.db.session() as s:
            return s.get(MissionMember, (mission_id, user_id)) is not None

    def missions_of(self, user_id: int) -> set[int]:
        with self.db.session() as s:
            return set(s.scalars(select(MissionMember.mission_id).where(MissionMember.user_id == user_id)))

    def add_member(self, mission_id: int, user_id: int, by: str) -> bool:
        with self.db.session() as s:
            if s.get(MissionMember, (mission_id, user_id)) is not None:
                return False
            s.add(MissionMember(mission_id=mission_id, user_id=user_id, added_by=by))
            return True

    def add_source(self, src: OralSource, identity: OralSourceIdentity, audit: list[AuditEntry]) -> OralSource:
        """The source takes the next number of its mission."""
        with self.db.session() as s:
            last = s.scalar(select(func.max(OralSource.number)).where(OralSource.mission_id == src.mission_id))
            src.number = (last or 0) + 1
            s.add(src)
            s.flush()
            identity.source_id = src.id
            s.add(identity)
            self.audit.append(audit, s)
            return src

    def sources(self, mission_id: int) -> list[OralSource]:
        with self.db.session() as s:
            return list(
                s.scalars(select(OralSource).where(OralSource.mission_id == mission_id).order_by(OralSource.number))
            )

    def identities(self, mission_id: int) -> dict[int, OralSourceIdentity]:
        """The identities of the mission's sources (source id: identity): for its members only."""
        with self.db.session() as s:
            return {
                i.source_id: i
                for i in s.scalars(
                    select(OralSourceIdentity)
                    .join(OralSource, OralSource.id == OralSourceIdentity.source_id)
                    .where(OralSource.mission_id == mission_id)
                )
            }

    def add_report(self, r: MissionReport) -> MissionReport:
        with self.db.session() as s:
            s.add(r)
            s.flush()
            return r

    def reports(self, mission_id: int) -> list[MissionReport]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(MissionReport).where(MissionReport.mission_id == mission_id).order_by(MissionReport.id)
                )
            )
