"""Archives stores and the researchers' reading room (issue 23).

Archive agents (role ``archivist``) keep the stores: shelves with a capacity, the integration of files into a
place (refused when the shelf is full), conservation readings (entered or imported as CSV, flagged against
the store's thresholds, ``config/archives.py`` by default) and the transfer of historical files to an
accredited researcher. A researcher sees only the files transferred to them; a file is opened only from its
legal communicability date on (Code du patrimoine L. 213-2, ``config/archives.py``); each access is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, field_validator

from config.archives import COMMUNICABILITY, HUMIDITY_RANGE, TEMPERATURE_RANGE, communicable_on
from services.auth import Principal
from services.errors import Forbidden, InvalidInput, NotFound
from services.fields import RowRef
from store.accounts import AccountRecords
from store.archive_stores import ArchiveRecords, ArchiveStore, ShelfFull, Transfer
from store.audit import AuditEntry, AuditLog
from store.cases import Case, CaseRecords, Location

if TYPE_CHECKING:
    from services.context import AppContext

CODE = r"^[A-Za-z0-9_.\-]+$"
MAX_CSV_ROWS = 50_000
ALERT_DAYS = 30  # out-of-range readings counted on the stores' list over this many days


# ---- inputs ------------------------------------------------------------------------------------------
class StoreIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=CODE)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["store", "historical"] = "store"
    building: str = Field(default="", max_length=200)
    temp_min: float | None = Field(default=None, ge=-30, le=60)
    temp_max: float | None = Field(default=None, ge=-30, le=60)
    humidity_min: float | None = Field(default=None, ge=0, le=100)
    humidity_max: float | None = Field(default=None, ge=0, le=100)


class ShelfIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=CODE)
    capacity: int = Field(ge=1, le=1_000_000)


class IntegrationIn(BaseModel):
    reference: str = Field(min_length=1, max_length=64)  # the office's file reference
    shelf_id: RowRef
    reason: str = Field(default="", max_length=500)


class ReadingIn(BaseModel):
    taken_at: dt.datetime
    temperature: float | None = Field(default=None, ge=-50, le=80)
    humidity: float | None = Field(default=None, ge=0, le=100)


class TransferIn(BaseModel):
    reference: str = Field(min_length=1, max_length=64)
    researcher: str = Field(min_length=1, max_length=64)  # the researcher's account
    closed_on: dt.date  # date of the most recent document of the file
    categories: list[str] = Field(default_factory=lambda: ["private_life"], max_length=6)
    to_location: str = Field(min_length=1, max_length=32)  # a historical location's code

    @field_validator("categories")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in COMMUNICABILITY]
        if unknown:
            raise ValueError(f"unknown communicability category: {unknown}")
        return list(dict.fromkeys(v))


# ---- answers -----------------------------------------------------------------------------------------
class Thresholds(BaseModel):
    temp_min: float
    temp_max: float
    humidity_min: float
    humidity_max: float


class StoreOut(BaseModel):
    id: int
    code: str
    name: str
    kind: str
    building: str
    used: int  # files placed on its shelves (a file out in an office keeps its place)
    capacity: int
    occupancy: float  # used / capacity, 0 when the store has no shelf yet
    alerts: int  # out-of-range readings over the last 30 days
    thresholds: Thresholds


class ShelfOut(BaseModel):
    id: int
    code: str
    capacity: int
    used: int


class ReadingOut(BaseModel):
    taken_at: str  # ISO date and time
    temperature: float | None
    humidity: float | None
    out_of_range: bool
    origin: str  # manual | csv
    recorded_by: str


class StoreDetail(BaseModel):
    store: StoreOut
    shelves: list[ShelfOut]
    readings: list[ReadingOut]  # newest first


class PlaceOut(BaseModel):
    case_id: str
    reference: str
    location_code: str | None
    location_name: str | None
    location_kind: str | None
    store_id: int | None
    shelf: str | None  # the shelf's code, when the file has one
    checked_out_to: str | None  # when the file is out in an office (its shelf waits for it)
    due_back: str | None


class ImportResult(BaseModel):
    imported: int
    out_of_range: int
    rejected: list[str]  # "line 4: ..." for each line not taken


class TransferOut(BaseModel):
    id: int
    case_id: str
    reference: str
    researcher: str
    categories: list[str]
    articles: list[str]  # the articles of the Code du patrimoine applied
    closed_on: str
    communicable_on: str
    transferred_by: str
    transferred_at: str
    revoked: bool


class RoomFile(BaseModel):
    """A line of the reading room: a file transferred to this researcher."""

    case_id: str
    reference: str
    communicable_on: str  # ISO date: the first day the file may be read
    communicable: bool
    articles: list[str]


class RoomApplicant(BaseModel):
    full_name: str
    date_of_birth: str | None
    nationality: str | None


class RoomDocument(BaseModel):
    id: str
    title: str
    added: str


class RoomInterview(BaseModel):
    held_on: str
    transcript: str


class RoomFileDetail(RoomFile):
    registered_on: str
    procedure: str
    division: str
    status: str
    applicants: list[RoomApplicant]
    documents: list[RoomDocument]
    interviews: list[RoomInterview]


class CheckIn(BaseModel):
    references: list[str] = Field(min_length=1, max_length=20_000)


class CheckOut(BaseModel):
    communicable: list[str]  # references readable today
    not_yet: dict[str, str]  # reference: the date it becomes communicable
    not_transferred: list[str]  # references not transferred to this researcher (or unknown)


def _iso(d: dt.date | dt.datetime) -> str:
    return d.isoformat(timespec="seconds") if isinstance(d, dt.datetime) else d.isoformat()


class ArchiveDesk:
    def __init__(self, records: ArchiveRecords, cases: CaseRecords, accounts: AccountRecords, audit: AuditLog):
        self.records = records
        self.cases = cases
        self.accounts = accounts
        self.audit = audit

    # ---- helpers ---------------------------------------------------------------------------------------
    @staticmethod
    def _agent(p: Principal) -> None:
        if not p.has("archivist"):
            raise Forbidden("arch_archivist_only")

    @staticmethod
    def thresholds(st: ArchiveStore) -> Thresholds:
        return Thresholds(
            temp_min=st.temp_min if st.temp_min is not None else TEMPERATURE_RANGE[0],
            temp_max=st.temp_max if st.temp_max is not None else TEMPERATURE_RANGE[1],
            humidity_min=st.humidity_min if st.humidity_min is not None else HUMIDITY_RANGE[0],
            humidity_max=st.humidity_max if st.humidity_max is not None else HUMIDITY_RANGE[1],
        )

    def _store_out(self, st: ArchiveStore, loc: Location, used: int, capacity: int, alerts: int) -> StoreOut:
        return StoreOut(
            id=st.id,
            code=loc.code,
            name=loc.name,
            kind=loc.kind,
            building=st.building,
            used=used,
            capacity=capacity,
            occupancy=round(used / capacity, 4) if capacity else 0.0,
            alerts=alerts,
            thresholds=self.thresholds(st),
        )

    def _store(self, store_id: int) -> tuple[ArchiveStore, Location]:
        found = self.records.store(store_id)
        if found is None:
            raise NotFound(str(store_id))
        return found

    def _case(self, p: Principal, reference: str, action: str) -> Case:
        case = self.records.case_by_reference(reference.strip())
        if case is None:
            self.audit.append([AuditEntry(p.username, action, None, outcome="missing")])
            raise InvalidInput("arch_unknown_file", reference=reference[:64])
        return case

    # ---- stores and shelves ----------------------------------------------------------------------------
    def stores(self, p: Principal) -> list[StoreOut]:
        self._agent(p)
        occ = self.records.occupancy()
        alerts = self.records.alerts(dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=ALERT_DAYS))
        return [
            self._store_out(st, loc, *occ.get(st.id, (0, 0)), alerts.get(st.id, 0)) for st, loc in self.records.stores()
        ]

    def create_store(self, p: Principal, data: StoreIn) -> StoreOut:
        """A new store; an existing store or historical location of that code without shelves becomes one."""
        self._agent(p)
        for lo, hi in ((data.temp_min, data.temp_max), (data.humidity_min, data.humidity_max)):
            if lo is not None and hi is not None and lo >= hi:
                raise InvalidInput("arch_bad_thresholds")
        loc = self.cases.location_by_code(data.code)
        if loc is None:
            self.cases.add_location(data.code, data.name, data.kind)
            loc = self.cases.location_by_code(data.code)
        assert loc is not None
        if loc.kind == "office" or self.records.store_of_location(loc.id) is not None:
            raise InvalidInput("location_exists")
        thresholds = data.model_dump(include={"temp_min", "temp_max", "humidity_min", "humidity_max"})
        st = self.records.add_store(loc.id, data.building, thresholds)
        self.audit.append([AuditEntry(p.username, "archives.store.create", subject=loc.code)])
        return self._store_out(st, loc, 0, 0, 0)

    def store(self, p: Principal, store_id: int, readings: int = 50) -> StoreDetail:
        self._agent(p)
        st, loc = self._store(store_id)
        shelves = [
            ShelfOut(id=sh.id, code=sh.code, capacity=sh.capacity, used=n) for sh, n in self.records.shelves(st.id)
        ]
        since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=ALERT_DAYS)
        out = self._store_out(
            st,
            loc,
            sum(s.used for s in shelves),
            sum(s.capacity for s in shelves),
            self.records.alerts(since).get(st.id, 0),
        )
        rows = [
            ReadingOut(
                taken_at=_iso(r.taken_at),
                temperature=r.temperature,
                humidity=r.humidity,
                out_of_range=r.out_of_range,
                origin=r.origin,
                recorded_by=r.recorded_by,
            )
            for r in self.records.readings(st.id, readings)
        ]
        return StoreDetail(store=out, shelves=shelves, readings=rows)

    def add_shelf(self, p: Principal, store_id: int, data: ShelfIn) -> ShelfOut:
        self._agent(p)
        st, loc = self._store(store_id)
        if not self.records.add_shelf(st.id, data.code, data.capacity):
            raise InvalidInput("arch_shelf_exists", shelf=data.code)
        self.audit.append([AuditEntry(p.username, "archives.shelf.create", subject=f"{loc.code}/{data.code}")])
        sh = next(sh for sh, _ in self.records.shelves(st.id) if sh.code == data.code)
        return ShelfOut(id=sh.id, code=sh.code, capacity=sh.capacity, used=0)

    # ---- files in their places -------------------------------------------------------------------------
    def integrate(self, p: Principal, data: IntegrationIn) -> PlaceOut:
        """Put a file on a shelf: refused with the shelf's capacity when it is full; its previous place, if
        any, is released in the same unit of work (a file is never in two places)."""
        self._agent(p)
        case = self._case(p, data.reference, "case.integrate")
        shelf = self.records.shelf(data.shelf_id)
        if shelf is None:
            raise InvalidInput("arch_unknown_shelf")
        st, loc = self._store(shelf.store_id)
        audit = [AuditEntry(p.username, "case.integrate", case.id, subject=f"{loc.code}/{shelf.code}")]
        try:
            self.records.integrate(case.id, shelf, loc, p.username, data.reason or "integration", audit)
        except ShelfFull:
            self.audit.append([AuditEntry(p.username, "case.integrate", case.id, outcome="refused")])
            raise InvalidInput("arch_shelf_full", shelf=shelf.code, store=loc.name, capacity=shelf.capacity) from None
        return self._place(case.id)

    def where_is(self, p: Principal, reference: str) -> PlaceOut:
        """Where a file is now (store, shelf, or the office that has it); audited like any case read."""
        self._agent(p)
        case = self._case(p, reference, "case.location.view")
        self.audit.append([AuditEntry(p.username, "case.location.view", case.id)])
        return self._place(case.id)

    def _place(self, case_id: str) -> PlaceOut:
        case = self.cases.get(case_id)
        assert case is not None
        loc = self.cases.location(case.location_id) if case.location_id else None
        place = self.records.place_of(case.id)
        return PlaceOut(
            case_id=case.id,
            reference=case.reference,
            location_code=loc.code if loc else None,
            location_name=loc.name if loc else None,
            location_kind=loc.kind if loc else None,
            store_id=place[1].id if place else None,
            shelf=place[0].code if place else None,
            checked_out_to=case.checked_out_to,
            due_back=case.due_back.isoformat() if case.due_back else None,
        )

    # ---- conservation ----------------------------------------------------------------------------------
    def _reading_row(self, st: ArchiveStore, r: ReadingIn, origin: str, by: str) -> dict[str, object]:
        if r.temperature is None and r.humidity is None:
            raise InvalidInput("arch_empty_reading")
        th = self.thresholds(st)
        bad = (r.temperature is not None and not th.temp_min <= r.temperature <= th.temp_max) or (
            r.humidity is not None and not th.humidity_min <= r.humidity <= th.humidity_max
        )
        taken = r.taken_at.astimezone(dt.UTC).replace(tzinfo=None) if r.taken_at.tzinfo else r.taken_at
        return {
            "store_id": st.id,
            "taken_at": taken,
            "temperature": r.temperature,
            "humidity": r.humidity,
            "out_of_range": bad,
            "origin": origin,
            "recorded_by": by,
        }

    def add_reading(self, p: Principal, store_id: int, data: ReadingIn) -> ReadingOut:
        self._agent(p)
        st, _ = self._store(store_id)
        row = self._reading_row(st, data, "manual", p.username)
        self.records.add_readings([row])
        return ReadingOut(
            taken_at=_iso(row["taken_at"]),  # type: ignore[arg-type]
            temperature=data.temperature,
            humidity=data.humidity,
            out_of_range=bool(row["out_of_range"]),
            origin="manual",
            recorded_by=p.username,
        )

    def import_readings(self, p: Principal, store_id: int, text: str) -> ImportResult:
        """A CSV of readings (a data logger's export): a date/time column, temperature, humidity; comma or
        semicolon separated, decimal point or comma. Lines that do not read are listed, the others kept."""
        self._agent(p)
        st, _ = self._store(store_id)
        rows, rejected = [], []
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header: list[str] | None = None
        for n, line in enumerate(reader, start=1):
            if not line or not any(c.strip() for c in line):
                continue
            if header is None and not re.match(r"^\s*\d{4}-\d{2}-\d{2}", line[0]):
                header = [h.strip().lower() for h in line]
                continue
            if n > MAX_CSV_ROWS:
                rejected.append(f"{n}: > {MAX_CSV_ROWS}")
                break
            cols = _columns(header)
            try:
                values = {k: line[i].strip() if i < len(line) else "" for k, i in cols.items()}
                reading = ReadingIn(
                    taken_at=dt.datetime.fromisoformat(values["taken_at"].replace("/", "-")),
                    temperature=_number(values.get("temperature", "")),
                    humidity=_number(values.get("humidity", "")),
                )
                rows.append(self._reading_row(st, reading, "csv", p.username))
            except (ValueError, InvalidInput):
                rejected.append(f"{n}: {';'.join(line)[:80]}")
        self.records.add_readings(rows)
        self.audit.append([AuditEntry(p.username, "archives.readings.import", subject=str(st.id))])
        return ImportResult(
            imported=len(rows), out_of_range=sum(1 for r in rows if r["out_of_range"]), rejected=rejected[:100]
        )

    # ---- transfers to the reading room -----------------------------------------------------------------
    def transfer(self, p: Principal, data: TransferIn) -> TransferOut:
        self._agent(p)
        case = self._case(p, data.reference, "case.transfer")
        researcher = self.accounts.by_name(data.researcher)
        if researcher is None or not researcher.active or "researcher" not in (researcher.roles or []):
            raise InvalidInput("arch_not_a_researcher")
        to = self.cases.location_by_code(data.to_location)
        if to is None or to.kind != "historical":
            raise InvalidInput("arch_not_historical")
        if data.closed_on > dt.date.today():
            raise InvalidInput("arch_closed_in_future")
        if self.records.transfer_of(researcher.id, case.id) is not None:
            raise InvalidInput("arch_already_transferred")
        born = self.records.youngest_birth(case.id)
        row = Transfer(
            case_id=case.id,
            researcher_id=researcher.id,
            categories=data.categories,
            closed_on=data.closed_on,
            communicable_on=communicable_on(data.categories, data.closed_on, born),
            transferred_by=p.username,
        )
        audit = [AuditEntry(p.username, "case.transfer", case.id, subject=researcher.username)]
        row = self.records.transfer(row, to, p.username, audit)
        return self._transfer_out(row, case, researcher.username)

    def transfers(self, p: Principal, limit: int = 200) -> list[TransferOut]:
        self._agent(p)
        rows = self.records.transfers(limit)
        names = {u.id: u.username for u in self.accounts.all()} if rows else {}
        self.audit.append([AuditEntry(p.username, "case.transfer.list", c.id) for _, c in rows])
        return [self._transfer_out(t, c, names.get(t.researcher_id, "?")) for t, c in rows]

    def revoke_transfer(self, p: Principal, transfer_id: int) -> None:
        self._agent(p)
        if not self.records.revoke_transfer(
            transfer_id, [AuditEntry(p.username, "case.transfer.revoke", subject=str(transfer_id))]
        ):
            raise NotFound(str(transfer_id))

    @staticmethod
    def _transfer_out(t: Transfer, c: Case, researcher: str) -> TransferOut:
        return TransferOut(
            id=t.id,
            case_id=c.id,
            reference=c.reference,
            researcher=researcher,
            categories=list(t.categories),
            articles=[COMMUNICABILITY[k].article for k in t.categories if k in COMMUNICABILITY],
            closed_on=t.closed_on.isoformat(),
            communicable_on=t.communicable_on.isoformat(),
            transferred_by=t.transferred_by,
            transferred_at=_iso(t.transferred_at),
            revoked=t.revoked_at is not None,
        )

    # ---- the reading room (researchers) ----------------------------------------------------------------
    @staticmethod
    def _researcher(p: Principal) -> None:
        if not p.has("researcher"):
            raise Forbidden("room_researchers_only")

    @staticmethod
    def _room_file(case_id: str, reference: str, day: dt.date, categories: list[str], today: dt.date) -> RoomFile:
        return RoomFile(
            case_id=case_id,
            reference=reference,
            communicable_on=day.isoformat(),
            communicable=day <= today,
            articles=[COMMUNICABILITY[k].article for k in categories if k in COMMUNICABILITY],
        )

    def room(self, p: Principal, limit: int = 500, offset: int = 0) -> list[RoomFile]:
        """The files transferred to this researcher (and only those), each shown audited."""
        self._researcher(p)
        today = dt.date.today()
        rows = self.records.transfers_to(p.user_id, limit, offset)
        self.audit.append([AuditEntry(p.username, "room.list", case_id) for case_id, *_ in rows])
        return [self._room_file(*row, today) for row in rows]

    def check(self, p: Principal, data: CheckIn, today: dt.date | None = None) -> CheckOut:
        """For a researcher's list of files: which are communicable today, which not yet (and when), which are
        not theirs."""
        self._researcher(p)
        day = today or dt.date.today()
        mine = {ref: (case_id, on) for case_id, ref, on, _ in self.records.transfers_to(p.user_id)}
        ok, later, absent = [], {}, []
        for ref in dict.fromkeys(data.references):
            if ref not in mine:
                absent.append(ref)
            elif mine[ref][1] <= day:
                ok.append(ref)
            else:
                later[ref] = mine[ref][1].isoformat()
        # the check shows the researcher the dates of their own transfers, nothing of the files: one record per
        # check (how many files); opening a file and listing them are audited file by file
        self.audit.append([AuditEntry(p.username, "room.check", subject=f"{len(ok) + len(later)} files")])
        return CheckOut(communicable=ok, not_yet=later, not_transferred=absent)

    def room_file(self, p: Principal, case_id: str) -> RoomFileDetail:
        """One transferred file, from its communicability date on; anything else is refused and audited."""
        self._researcher(p)
        t = self.records.transfer_of(p.user_id, case_id) if re.fullmatch(r"[0-9a-f]{32}", case_id or "") else None
        case = self.cases.get(case_id) if t else None
        if t is None or case is None:
            self.audit.append([AuditEntry(p.username, "room.file.view", None, outcome="denied")])
            raise NotFound(case_id)
        today = dt.date.today()
        if t.communicable_on > today:
            self.audit.append([AuditEntry(p.username, "room.file.view", case.id, outcome="denied")])
            raise Forbidden("room_not_communicable")
        base = self._room_file(case.id, case.reference, t.communicable_on, list(t.categories), today)
        detail = RoomFileDetail(
            **base.model_dump(),
            registered_on=case.registered_on.isoformat(),
            procedure=case.procedure,
            division=case.division,
            status=case.status,
            applicants=[
                RoomApplicant(
                    full_name=a.full_name,
                    date_of_birth=a.date_of_birth.isoformat() if a.date_of_birth else None,
                    nationality=a.nationality,
                )
                for a in self.cases.applicants(case.id)
            ],
            documents=[
                RoomDocument(id=d.id, title=d.title, added=_iso(d.added)) for d, _ in self.cases.documents(case.id)
            ],
            interviews=[
                RoomInterview(held_on=i.held_on.isoformat(), transcript=i.transcript)
                for i in self.cases.interviews(case.id)
            ],
        )
        self.audit.append([AuditEntry(p.username, "room.file.view", case.id)])
        return detail


_ALIASES = {
    "taken_at": ("date", "datetime", "taken_at", "horodatage", "date/heure", "timestamp", "time"),
    "temperature": ("temperature", "température", "temp", "t", "°c", "temperature_c"),
    "humidity": ("humidity", "humidité", "hr", "rh", "%hr", "humidite", "humidity_pct"),
}


def _columns(header: list[str] | None) -> dict[str, int]:
    if not header:
        return {"taken_at": 0, "temperature": 1, "humidity": 2}
    out = {}
    for key, names in _ALIASES.items():
        for i, h in enumerate(header):
            if h in names or any(h.startswith(n) for n in names if len(n) > 2):
                out[key] = i
                break
    if "taken_at" not in out:
        out["taken_at"] = 0
    return out


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    return float(text) if text else None


def archive_desk(ctx: AppContext) -> ArchiveDesk:
    """The desk on an application context (the repositories are stateless: built per call)."""
    return ArchiveDesk(ArchiveRecords(ctx.db, ctx.audit), ctx.cases.records, ctx.cases.accounts, ctx.audit)
