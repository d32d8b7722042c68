"""JSON routes of the archives stores, the reading room, missions and working groups (issue 23).

Access rules live in the services (``services/archives.py``, ``missions.py``, ``working_groups.py``); a
researcher's account reaches only ``/api/reading-room...`` (``services/access.py`` CONFINED).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, Field

from search_api.auth import CurrentUser, ctx_of
from search_api.case_routes import read_upload
from search_api.params import RowId
from search_api.rendering import locale_of
from services.archives import (
    CheckIn,
    CheckOut,
    ImportResult,
    IntegrationIn,
    PlaceOut,
    ReadingIn,
    ReadingOut,
    RoomFile,
    RoomFileDetail,
    ShelfIn,
    ShelfOut,
    StoreDetail,
    StoreIn,
    StoreOut,
    TransferIn,
    TransferOut,
    archive_desk,
)
from services.context import AppContext
from services.errors import InvalidInput
from services.missions import (
    MissionIn,
    MissionOut,
    MissionReportOut,
    MissionSummary,
    OralSourceIn,
    OralSourceOut,
    mission_desk,
)
from services.views import Done
from services.working_groups import (
    GroupIn,
    GroupItemIn,
    GroupOut,
    GroupSummary,
    MutualisationIn,
    MutualisationOut,
    group_desk,
)

router = APIRouter(prefix="/api")
Ctx = Annotated[AppContext, Depends(ctx_of)]

MAX_CSV = 5 << 20


class MemberIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)


# ---- archives stores (archive agents) ---------------------------------------------------------------------
@router.get("/archives/stores", tags=["archives"])
def stores(user: CurrentUser, c: Ctx) -> list[StoreOut]:
    """Every store with its occupancy (files placed / capacity of its shelves) and recent out-of-range readings."""
    return archive_desk(c).stores(user)


@router.post("/archives/stores", status_code=201, tags=["archives"])
def create_store(data: StoreIn, user: CurrentUser, c: Ctx) -> StoreOut:
    return archive_desk(c).create_store(user, data)


@router.get("/archives/stores/{store_id}", tags=["archives"])
def store(store_id: RowId, user: CurrentUser, c: Ctx) -> StoreDetail:
    return archive_desk(c).store(user, store_id)


@router.post("/archives/stores/{store_id}/shelves", status_code=201, tags=["archives"])
def add_shelf(store_id: RowId, data: ShelfIn, user: CurrentUser, c: Ctx) -> ShelfOut:
    return archive_desk(c).add_shelf(user, store_id, data)


@router.post("/archives/stores/{store_id}/readings", status_code=201, tags=["archives"])
def add_reading(store_id: RowId, data: ReadingIn, user: CurrentUser, c: Ctx) -> ReadingOut:
    return archive_desk(c).add_reading(user, store_id, data)


@router.post("/archives/stores/{store_id}/readings/import", tags=["archives"])
async def import_readings(
    store_id: RowId,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File(description="CSV: date and time, temperature (°C), relative humidity (%)")],
) -> ImportResult:
    data = await read_upload(file, MAX_CSV)
    return archive_desk(c).import_readings(user, store_id, _text(data))


@router.post("/archives/integrations", status_code=201, tags=["archives"])
def integrate(data: IntegrationIn, user: CurrentUser, c: Ctx) -> PlaceOut:
    """Put a file on a shelf (refused when the shelf is full); its movement is recorded."""
    return archive_desk(c).integrate(user, data)


@router.get("/archives/where", tags=["archives"])
def where_is(user: CurrentUser, c: Ctx, reference: Annotated[str, Query(min_length=1, max_length=64)]) -> PlaceOut:
    """Where file X is: its store and shelf, or the office that has it."""
    return archive_desk(c).where_is(user, reference)


@router.get("/archives/transfers", tags=["archives"])
def transfers(user: CurrentUser, c: Ctx) -> list[TransferOut]:
    return archive_desk(c).transfers(user)


@router.post("/archives/transfers", status_code=201, tags=["archives"])
def transfer(data: TransferIn, user: CurrentUser, c: Ctx) -> TransferOut:
    """Transfer a historical file to an accredited researcher (it moves to the historical archives)."""
    return archive_desk(c).transfer(user, data)


@router.delete("/archives/transfers/{transfer_id}", tags=["archives"])
def revoke_transfer(transfer_id: RowId, user: CurrentUser, c: Ctx) -> Done:
    archive_desk(c).revoke_transfer(user, transfer_id)
    return Done(status="revoked")


# ---- the reading room (accredited researchers) ----------------------------------------------------------
@router.get("/reading-room/files", tags=["reading room"])
def room(
    user: CurrentUser,
    c: Ctx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[RoomFile]:
    """The files transferred to the caller, with their communicability dates."""
    return archive_desk(c).room(user, limit, offset)


@router.post("/reading-room/check", tags=["reading room"])
def check(data: CheckIn, user: CurrentUser, c: Ctx) -> CheckOut:
    """For a list of references: communicable today, not yet (and when), or not transferred to the caller."""
    return archive_desk(c).check(user, data)


@router.get("/reading-room/files/{case_id}", tags=["reading room"])
def room_file(case_id: str, user: CurrentUser, c: Ctx) -> RoomFileDetail:
    return archive_desk(c).room_file(user, case_id)


# ---- missions -------------------------------------------------------------------------------------------
@router.get("/missions", tags=["missions"])
def missions(user: CurrentUser, c: Ctx) -> list[MissionSummary]:
    return mission_desk(c).missions(user)


@router.post("/missions", status_code=201, tags=["missions"])
def create_mission(data: MissionIn, user: CurrentUser, c: Ctx) -> MissionSummary:
    return mission_desk(c).create(user, data)


@router.get("/missions/{mission_id}", tags=["missions"])
def mission(request: Request, mission_id: RowId, user: CurrentUser, c: Ctx) -> MissionOut:
    """The mission; its oral sources' identities only for its members (``identity`` is null otherwise)."""
    return mission_desk(c).get(user, mission_id, locale_of(request))


@router.post("/missions/{mission_id}/members", status_code=201, tags=["missions"])
def add_mission_member(mission_id: RowId, data: MemberIn, user: CurrentUser, c: Ctx) -> Done:
    mission_desk(c).add_member(user, mission_id, data.username)
    return Done(status="added")


@router.post("/missions/{mission_id}/sources", status_code=201, tags=["missions"])
def add_source(request: Request, mission_id: RowId, data: OralSourceIn, user: CurrentUser, c: Ctx) -> OralSourceOut:
    return mission_desk(c).add_source(user, mission_id, data, locale_of(request))


@router.post("/missions/{mission_id}/reports", status_code=202, tags=["missions"])
async def add_report(
    mission_id: RowId,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File(description="The report, any supported format")],
    title: Annotated[str, Form(max_length=300)] = "",
    language: Annotated[str, Form(pattern=r"^([a-z]{2})?$")] = "",
) -> MissionReportOut:
    """The report becomes an ingest job; the document is COI of type ``mission_report``."""
    data = await read_upload(file, c.settings.max_upload_bytes)
    return mission_desk(c).add_report(user, mission_id, title, data, file.filename or "report", language or None)


# ---- working groups and mutualised nationalities ---------------------------------------------------------
@router.get("/groups", tags=["working groups"])
def groups(user: CurrentUser, c: Ctx) -> list[GroupSummary]:
    """The caller's groups."""
    return group_desk(c).groups(user)


@router.post("/groups", status_code=201, tags=["working groups"])
def create_group(data: GroupIn, user: CurrentUser, c: Ctx) -> GroupSummary:
    return group_desk(c).create(user, data)


@router.get("/groups/{group_id}", tags=["working groups"])
def group(group_id: RowId, user: CurrentUser, c: Ctx) -> GroupOut:
    return group_desk(c).get(user, group_id)


@router.post("/groups/{group_id}/members", status_code=201, tags=["working groups"])
def add_group_member(group_id: RowId, data: MemberIn, user: CurrentUser, c: Ctx) -> Done:
    group_desk(c).add_member(user, group_id, data.username)
    return Done(status="added")


@router.post("/groups/{group_id}/items", status_code=201, tags=["working groups"])
def add_item(group_id: RowId, data: GroupItemIn, user: CurrentUser, c: Ctx) -> Done:
    group_desk(c).add_item(user, group_id, data)
    return Done(status="added")


@router.get("/mutualisations", tags=["working groups"])
def mutualisations(user: CurrentUser, c: Ctx) -> list[MutualisationOut]:
    return group_desk(c).mutualisations(user)


@router.post("/mutualisations", status_code=201, tags=["working groups"])
def set_mutualisation(data: MutualisationIn, user: CurrentUser, c: Ctx) -> Done:
    group_desk(c).set_mutualisation(user, data)
    return Done(status="set")


@router.delete("/mutualisations/{mutualisation_id}", tags=["working groups"])
def remove_mutualisation(mutualisation_id: RowId, user: CurrentUser, c: Ctx) -> Done:
    group_desk(c).remove_mutualisation(user, mutualisation_id)
    return Done(status="removed")


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("unsupported_file")
