"""Archives stores (issue 23): stores, shelves, capacity, conservation readings, transfers to the reading room.

Tables are declared here (imported by ``store.db.register_tables``).

A store is a ``Location`` of kind ``store`` or ``historical`` (the places of ``store/cases.py``) with its
shelves; the file's place on a shelf is one row keyed by the case (``FilePlace.case_id`` is the primary key),
so a file has at most one shelf, and the integration that puts it there records the movement to the store
and sets ``Case.location_id`` in the same unit of work: a file is never in two places at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.audit import AuditEntry, AuditLog
from store.cases import Applicant, Case, Location, Movement
from store.db import Database
from store.models import Base, utcnow


class ArchiveStore(Base):
    """A store: a location of kind store/historical with a building and its own conservation thresholds."""

    __tablename__ = "archive_stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[int] = mapped_column(Integer, ForeignKey("locations.id"), unique=True)
    building: Mapped[str] = mapped_column(Text, default="")
    temp_min: Mapped[float | None] = mapped_column(Float)
    temp_max: Mapped[float | None] = mapped_column(Float)
    humidity_min: Mapped[float | None] = mapped_column(Float)
    humidity_max: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Shelf(Base):
    __tablename__ = "archive_shelves"
    __table_args__ = (UniqueConstraint("store_id", "code", name="uq_shelf_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("archive_stores.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int] = mapped_column(Integer)  # how many files it holds
    # how many files have their place here: kept by the same unit of work that writes or removes a place
    # (a conditional UPDATE, so two integrations racing for the last place cannot both win)
    used: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class FilePlace(Base):
    """The shelf a file has: one row per case at most. Kept while the file is out in an office (the place
    waits for it), released when the file goes to another store."""

    __tablename__ = "archive_file_places"

    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), primary_key=True)
    shelf_id: Mapped[int] = mapped_column(Integer, ForeignKey("archive_shelves.id"), index=True)
    placed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    placed_by: Mapped[str] = mapped_column(String(64))


class Reading(Base):
    __tablename__ = "archive_readings"
    __table_args__ = (Index("ix_archive_readings_store_time", "store_id", "taken_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store_id: Mapped[int] = mapped_column(Integer, ForeignKey("archive_stores.id"))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime)
    temperature: Mapped[float | None] = mapped_column(Float)
    humidity: Mapped[float | None] = mapped_column(Float)
    out_of_range: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(16))  # manual | csv
    recorded_by: Mapped[str] = mapped_column(String(64))


class Transfer(Base):
    """A historical file transferred to an accredited researcher's reading room."""

    __tablename__ = "archive_transfers"
    __table_args__ = (Index("ix_archive_transfers_researcher", "researcher_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(String(32), ForeignKey("cases.id"), index=True)
    researcher_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    closed_on: Mapped[dt.date] = mapped_column(Date)  # date of the most recent document of the file
    communicable_on: Mapped[dt.date] = mapped_column(Date)
    transferred_by: Mapped[str] = mapped_column(String(64))
    transferred_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ShelfFull(Exception):
    """The shelf holds as many files as its capacity."""


class ArchiveRecords:
    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- stores and shelves ------------------------------------------------------------------------
    def add_store(self, location_id: int, building: str, thresholds: dict[str, float | None]) -> ArchiveStore:
        with self.db.session() as s:
            row = ArchiveStore(location_id=location_id, building=building, **thresholds)
            s.add(row)
            s.flush()
            return row

    def stores(self) -> list[tuple[ArchiveStore, Location]]:
        with self.db.session() as s:
            return [
                (st, loc)
                for st, loc in s.execute(
                    select(ArchiveStore, Location)
                    .join(Location, Location.id == ArchiveStore.location_id)
                    .order_by(Location.code)
                ).all()
            ]

    def store(self, store_id: int) -> tuple[ArchiveStore, Location] | None:
        with self.db.session() as s:
            row = s.execute(
                select(ArchiveStore, Location)
                .join(Location, Location.id == ArchiveStore.location_id)
                .where(ArchiveStore.id == store_id)
            ).first()
            return (row[0], row[1]) if row else None

    def store_of_location(self, location_id: int) -> ArchiveStore | None:
        with self.db.session() as s:
            return s.scalars(select(ArchiveStore).where(ArchiveStore.location_id == location_id)).first()

    def add_shelf(self, store_id: int, code: str, capacity: int) -> bool:
        """False if the store already has a shelf with this code."""
        with self.db.session() as s:
            if s.scalars(select(Shelf.id).where(Shelf.store_id == store_id, Shelf.code == code)).first():
                return False
            s.add(Shelf(store_id=store_id, code=code, capacity=capacity))
            return True

    def shelf(self, shelf_id: int) -> Shelf | None:
        with self.db.session() as s:
            return s.get(Shelf, shelf_id)

    def shelves(self, store_id: int) -> list[tuple[Shelf, int]]:
        """The store's shelves with how many files each holds."""
        with self.db.session() as s:
            rows = s.scalars(select(Shelf).where(Shelf.store_id == store_id).order_by(Shelf.code))
            return [(sh, sh.used) for sh in rows]

    def occupancy(self) -> dict[int, tuple[int, int]]:
        """store id: (files placed, capacity), for every store: a sum over the shelves, not a count of files."""
        with self.db.session() as s:
            sums = {
                sid: (int(used or 0), int(cap or 0))
                for sid, used, cap in s.execute(
                    select(Shelf.store_id, func.sum(Shelf.used), func.sum(Shelf.capacity)).group_by(Shelf.store_id)
                ).all()
            }
            ids = s.scalars(select(ArchiveStore.id)).all()
        return {i: sums.get(i, (0, 0)) for i in ids}

    def recount(self) -> None:
        """Set every shelf's ``used`` from its places (after a bulk load)."""
        with self.db.session() as s:
            counts = select(func.count()).select_from(FilePlace).where(FilePlace.shelf_id == Shelf.id).scalar_subquery()
            s.execute(update(Shelf).values(used=counts))

    def place_of(self, case_id: str) -> tuple[Shelf, ArchiveStore] | None:
        with self.db.session() as s:
            row = s.execute(
                select(Shelf, ArchiveStore)
                .join(FilePlace, FilePlace.shelf_id == Shelf.id)
                .join(ArchiveStore, ArchiveStore.id == Shelf.store_id)
                .where(FilePlace.case_id == case_id)
            ).first()
            return (row[0], row[1]) if row else None

    def case_by_reference(self, reference: str) -> Case | None:
        with self.db.session() as s:
            return s.scalars(select(Case).where(Case.reference == reference)).first()

    def integrate(
        self, case_id: str, shelf: Shelf, location: Location, by: str, reason: str, audit: list[AuditEntry]
    ) -> Case:
        """Put the file on ``shelf``: its place, its movement to the store and its location in one unit of
        work. Raises ``ShelfFull`` (nothing written) when the shelf is full."""
        with self.db.session() as s:
            prev = s.get(FilePlace, case_id)
            if prev is None or prev.shelf_id != shelf.id:
                taken = s.execute(
                    update(Shelf)
                    .where(Shelf.id == shelf.id, Shelf.used < Shelf.capacity)
                    .values(used=Shelf.used + 1)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount == 0:  # type: ignore[attr-defined]
                    raise ShelfFull(shelf.code)
                if prev is None:
                    s.add(FilePlace(case_id=case_id, shelf_id=shelf.id, placed_by=by))
                else:
                    _leave(s, prev.shelf_id)
                    prev.shelf_id, prev.placed_by, prev.placed_at = shelf.id, by, utcnow()
            case = s.get(Case, case_id)
            assert case is not None
            if case.location_id != location.id or case.checked_out_to:
                s.add(
                    Movement(
                        case_id=case.id,
                        from_location_id=case.location_id,
                        to_location_id=location.id,
                        moved_by=by,
                        reason=reason,
                    )
                )
            case.location_id, case.due_back, case.checked_out_to = location.id, None, None
            self.audit.append(audit, s)
            return case

    # ---- conservation -------------------------------------------------------------------------------
    def add_readings(self, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        with self.db.session() as s:
            s.execute(insert(Reading), list(rows))
        return len(rows)

    def readings(self, store_id: int, limit: int) -> list[Reading]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(Reading)
                    .where(Reading.store_id == store_id)
                    .order_by(Reading.taken_at.desc(), Reading.id.desc())
                    .limit(limit)
                )
            )

    def alerts(self, since: dt.datetime) -> dict[int, int]:
        """store id: how many out-of-range readings since ``since``."""
        with self.db.session() as s:
            return dict(
                s.execute(
                    select(Reading.store_id, func.count())
                    .where(Reading.out_of_range.is_(True), Reading.taken_at >= since)
                    .group_by(Reading.store_id)
                ).all()
            )

    # ---- transfers to the reading room ----------------------------------------------------------------
    def transfer(self, row: Transfer, to: Location, by: str, audit: list[AuditEntry]) -> Transfer:
        """The transfer, and the file's movement to the historical archives, in one unit of work; a file
        that leaves for the historical archives leaves its shelf."""
        with self.db.session() as s:
            case = s.get(Case, row.case_id)
            assert case is not None
            if case.location_id != to.id:
                s.add(
                    Movement(
                        case_id=case.id,
                        from_location_id=case.location_id,
                        to_location_id=to.id,
                        moved_by=by,
                        reason="transfer",
                    )
                )
                release_place(s, case.id, to.id)
            case.location_id, case.due_back, case.checked_out_to = to.id, None, None
            s.add(row)
            s.flush()
            self.audit.append(audit, s)
            return row

    def transfers_to(
        self, researcher_id: int, limit: int | None = None, offset: int = 0
    ) -> list[tuple[str, str, dt.date, list[str]]]:
        """(case id, reference, communicable on, categories) of the files transferred to this researcher,
        by reference (plain rows: a researcher's list runs to tens of thousands)."""
        stmt = (
            select(Transfer.case_id, Case.reference, Transfer.communicable_on, Transfer.categories)
            .join(Case, Case.id == Transfer.case_id)
            .where(Transfer.researcher_id == researcher_id, Transfer.revoked_at.is_(None))
            .order_by(Case.reference)
            .offset(offset)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.db.session() as s:
            return [(a, b, c, list(d or [])) for a, b, c, d in s.execute(stmt).all()]

    def transfer_of(self, researcher_id: int, case_id: str) -> Transfer | None:
        with self.db.session() as s:
            return s.scalars(
                select(Transfer).where(
                    Transfer.researcher_id == researcher_id,
                    Transfer.case_id == case_id,
                    Transfer.revoked_at.is_(None),
                )
            ).first()

    def transfers(self, limit: int) -> list[tuple[Transfer, Case]]:
        with self.db.session() as s:
            return list(
                s.execute(
                    select(Transfer, Case)
                    .join(Case, Case.id == Transfer.case_id)
                    .order_by(Transfer.transferred_at.desc(), Transfer.id.desc())
                    .limit(limit)
                ).all()
            )

    def revoke_transfer(self, transfer_id: int, audit: list[AuditEntry]) -> bool:
        with self.db.session() as s:
            row = s.get(Transfer, transfer_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = utcnow()
            self.audit.append(audit, s)
            return True

    def youngest_birth(self, case_id: str) -> dt.date | None:
        with self.db.session() as s:
            return s.scalar(select(func.max(Applicant.date_of_birth)).where(Applicant.case_id == case_id))

    def last_movement_day(self, case_id: str) -> dt.date | None:
        with self.db.session() as s:
            at = s.scalar(select(func.max(Movement.moved_at)).where(Movement.case_id == case_id))
            return at.date() if at else None


def release_place(s: Session, case_id: str, to_location_id: int) -> None:
    """A file that goes to a store other than its shelf's leaves that shelf (called inside a movement's unit
    of work). A file that goes to an office keeps its place: the place waits for it."""
    kind = s.scalar(select(Location.kind).where(Location.id == to_location_id))
    if kind == "office":
        return
    keep = (
        select(FilePlace.case_id)
        .join(Shelf, Shelf.id == FilePlace.shelf_id)
        .join(ArchiveStore, ArchiveStore.id == Shelf.store_id)
        .where(FilePlace.case_id == case_id, ArchiveStore.location_id == to_location_id)
    )
    if s.scalars(keep).first() is None:
        place = s.get(FilePlace, case_id)
        if place is not None:
            _leave(s, place.shelf_id)
            s.delete(place)


def _leave(s: Session, shelf_id: int) -> None:
    s.execute(
        update(Shelf)
        .where(Shelf.id == shelf_id)
        .values(used=Shelf.used - 1)
        .execution_options(synchronize_session=False)
    )


# ---- bulk loads (bench/archives_bench.py, a migration of an existing archive) ---------------------------------
def bulk_load(db: Database, cases: Sequence[dict[str, Any]], places: Sequence[dict[str, Any]]) -> None:
    """Cases and their places inserted in bulk; call ``ArchiveRecords.recount`` once after the last batch."""
    with db.session() as s:
        if cases:
            s.execute(insert(Case), list(cases))
        if places:
            s.execute(insert(FilePlace), list(places))


def bulk_transfers(db: Database, rows: Sequence[dict[str, Any]]) -> None:
    with db.session() as s:
        s.execute(insert(Transfer), list(rows))


def shelf_locations(db: Database) -> list[tuple[int, int, int]]:
    """(shelf id, store id, location id) of every shelf."""
    with db.session() as s:
        return [
            (a, b, c)
            for a, b, c in s.execute(
                select(Shelf.id, ArchiveStore.id, ArchiveStore.location_id)
                .join(ArchiveStore, ArchiveStore.id == Shelf.store_id)
                .order_by(Shelf.id)
            ).all()
        ]


def place_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(FilePlace)) or 0)
