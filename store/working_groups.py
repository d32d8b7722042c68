"""Working groups (issue 23): groups, members, shared collections with tags and notes, mutualised nationalities.

Tables are declared here (imported by ``store.db.register_tables``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Database
from store.models import Base, Document, utcnow

GROUP_KINDS = ("harmonisation", "thematic", "geographic")


class WorkingGroup(Base):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(Integer, ForeignKey("working_groups.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), primary_key=True, index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GroupItem(Base):
    """A document or decision shared in the group's collection, with the group's tags and note."""

    __tablename__ = "group_items"
    __table_args__ = (UniqueConstraint("group_id", "document_id", name="uq_group_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(Integer, ForeignKey("working_groups.id"), index=True)
    document_id: Mapped[str] = mapped_column(String(64), ForeignKey("documents.id"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class MutualisedNationality(Base):
    """Applicants of ``nationality`` registered in ``from_division`` are also examined by ``to_division``."""

    __tablename__ = "mutualised_nationalities"
    __table_args__ = (UniqueConstraint("nationality", "from_division", name="uq_mutualised"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nationality: Mapped[str] = mapped_column(String(3))
    from_division: Mapped[str] = mapped_column(String(32))
    to_division: Mapped[str] = mapped_column(String(32), index=True)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GroupRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, g: WorkingGroup, member_ids: list[int]) -> WorkingGroup:
        with self.db.session() as s:
            s.add(g)
            s.flush()
            for uid in dict.fromkeys(member_ids):
                s.add(GroupMember(group_id=g.id, user_id=uid, added_by=g.created_by))
            return g

    def name_taken(self, name: str) -> bool:
        with self.db.session() as s:
            return s.scalars(select(WorkingGroup.id).where(WorkingGroup.name == name)).first() is not None

    def get(self, group_id: int) -> WorkingGroup | None:
        with self.db.session() as s:
            return s.get(WorkingGroup, group_id)

    def all(self) -> list[WorkingGroup]:
        with self.db.session() as s:
            return list(s.scalars(select(WorkingGroup).order_by(WorkingGroup.name)))

    def groups_of(self, user_id: int) -> set[int]:
        with self.db.session() as s:
            return set(s.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))

    def member_ids(self, group_id: int) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group_id)))

    def add_member(self, group_id: int, user_id: int, by: str) -> bool:
        with self.db.session() as s:
            if s.get(GroupMember, (group_id, user_id)) is not None:
                return False
            s.add(GroupMember(group_id=group_id, user_id=user_id, added_by=by))
            return True

    def add_item(self, item: GroupItem) -> bool:
        """False if the document is already in the collection."""
        with self.db.session() as s:
            if s.scalars(
                select(GroupItem.id).where(
                    GroupItem.group_id == item.group_id, GroupItem.document_id == item.document_id
                )
            ).first():
                return False
            s.add(item)
            return True

    def items(self, group_id: int, limit: int) -> list[tuple[GroupItem, Document]]:
        """The collection, most recent additions first."""
        with self.db.session() as s:
            return list(
                s.execute(
                    select(GroupItem, Document)
                    .join(Document, Document.id == GroupItem.document_id)
                    .where(GroupItem.group_id == group_id)
                    .order_by(GroupItem.added_at.desc(), GroupItem.id.desc())
                    .limit(limit)
                ).all()
            )

    # ---- mutualised nationalities ---------------------------------------------------------------------
    def mutualisations(self) -> list[MutualisedNationality]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(MutualisedNationality).order_by(
                        MutualisedNationality.to_division, MutualisedNationality.nationality
                    )
                )
            )

    def set_mutualisation(self, nationality: str, from_division: str, to_division: str, by: str) -> None:
        with self.db.session() as s:
            row = s.scalars(
                select(MutualisedNationality).where(
                    MutualisedNationality.nationality == nationality,
                    MutualisedNationality.from_division == from_division,
                )
            ).first()
            if row is None:
                s.add(
                    MutualisedNationality(
                        nationality=nationality, from_division=from_division, to_division=to_division, set_by=by
                    )
                )
            else:
                row.to_division, row.set_by, row.set_at = to_division, by, utcnow()

    def remove_mutualisation(self, mutualisation_id: int) -> MutualisedNationality | None:
        with self.db.session() as s:
            row = s.get(MutualisedNationality, mutualisation_id)
            if row is not None:
                s.delete(row)
            return row


def mutualised_to(db: Database, division: str) -> list[tuple[str, str]]:
    """(nationality, from division) pairs that ``division`` also examines."""
    with db.session() as s:
        return list(
            s.execute(
                select(MutualisedNationality.nationality, MutualisedNationality.from_division).where(
                    MutualisedNationality.to_division == division
                )
            ).all()
        )
