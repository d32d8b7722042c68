"""Pages of the archives stores, the reading room, missions and working groups (issue 23), French first.

Every form posts a CSRF token (checked in ``search_api.auth``), every page is autoescaped, and each handler
redirects after a successful POST with ``?ok=<message key>`` (only the keys listed in ``DONE`` are shown).
Refusals (a full shelf, a file not yet communicable...) come back as the error page with the message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from config.archives import COMMUNICABILITY
from search_api.archives_api import MAX_CSV, _text
from search_api.auth import CurrentUser, ctx_of
from search_api.case_routes import read_upload
from search_api.choices import country_choices
from search_api.params import RowId
from search_api.rendering import locale_of, render
from services.archives import CheckIn, IntegrationIn, ReadingIn, ShelfIn, StoreIn, TransferIn, archive_desk
from services.context import AppContext
from services.errors import InvalidInput
from services.missions import DESK_ROLES, MissionIn, OralSourceIn, mission_desk
from services.working_groups import GroupIn, GroupItemIn, MutualisationIn, group_desk
from store.accounts import DIVISIONS

router = APIRouter(include_in_schema=False)
Ctx = Annotated[AppContext, Depends(ctx_of)]
DONE = {
    "arch_done_store",
    "arch_done_shelf",
    "arch_done_integrated",
    "arch_done_reading",
    "arch_done_import",
    "arch_done_transfer",
    "mission_done_created",
    "mission_done_member",
    "mission_done_source",
    "mission_done_report",
    "group_done_created",
    "group_done_member",
    "group_done_item",
    "group_done_mutualised",
}
DOC_ID = re.compile(r"([0-9a-f]{20})(?![0-9a-f])")


def _flash(request: Request) -> str | None:
    key = request.query_params.get("ok", "")
    return key if key in DONE else None


def _back(path: str, locale: str, done: str, **extra: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'lang': locale, 'ok': done, **extra})}", status_code=303)


def _opt(value: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidInput("validation") from None


# ---- archives stores ---------------------------------------------------------------------------------------
@router.get("/archives", response_class=HTMLResponse)
def archives_page(
    request: Request, user: CurrentUser, c: Ctx, reference: str = "", lang: str | None = None
) -> Response:
    locale = locale_of(request, lang)
    desk = archive_desk(c)
    stores = desk.stores(user)
    shelves = {s.id: desk.store(user, s.id, readings=0).shelves for s in stores}
    where = desk.where_is(user, reference[:64]) if reference.strip() else None
    researchers = [u.username for u in c.accounts.list_users() if u.active and "researcher" in (u.roles or [])]
    historical = [loc for loc in c.cases.locations() if loc["kind"] == "historical"]
    return render(
        "archives.html",
        request,
        locale,
        user,
        flash=_flash(request),
        stores=stores,
        shelves=shelves,
        where=where,
        reference=reference,
        researchers=researchers,
        historical=historical,
        transfers=desk.transfers(user, 50),
        categories=COMMUNICABILITY,
        today=dt.date.today().isoformat(),
    )


@router.post("/archives/stores")
def create_store_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    code: Annotated[str, Form(max_length=32)],
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=16)] = "store",
    building: Annotated[str, Form(max_length=200)] = "",
    temp_min: Annotated[str, Form(max_length=10)] = "",
    temp_max: Annotated[str, Form(max_length=10)] = "",
    humidity_min: Annotated[str, Form(max_length=10)] = "",
    humidity_max: Annotated[str, Form(max_length=10)] = "",
    lang: str | None = None,
) -> Response:
    data = StoreIn.model_validate(
        {
            "code": code,
            "name": name,
            "kind": kind,
            "building": building,
            "temp_min": _opt(temp_min),
            "temp_max": _opt(temp_max),
            "humidity_min": _opt(humidity_min),
            "humidity_max": _opt(humidity_max),
        }
    )
    st = archive_desk(c).create_store(user, data)
    return _back(f"/archives/stores/{st.id}", locale_of(request, lang), "arch_done_store")


@router.get("/archives/stores/{store_id}", response_class=HTMLResponse)
def store_page(request: Request, store_id: RowId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    detail = archive_desk(c).store(user, store_id, readings=100)
    q = request.query_params
    counts = {k: q.get(k, "") for k in ("imported", "flagged", "rejected")}
    imported = {k: int(v) for k, v in counts.items()} if all(v.isdigit() for v in counts.values()) else None
    return render(
        "archive_store.html",
        request,
        locale,
        user,
        flash=_flash(request),
        d=detail,
        imported=imported,
        now=dt.datetime.now().strftime("%Y-%m-%dT%H:%M"),
    )


@router.post("/archives/stores/{store_id}/shelves")
def add_shelf_form(
    request: Request,
    store_id: RowId,
    user: CurrentUser,
    c: Ctx,
    code: Annotated[str, Form(max_length=32)],
    capacity: Annotated[int, Form(ge=1, le=1_000_000)],
    lang: str | None = None,
) -> Response:
    archive_desk(c).add_shelf(user, store_id, ShelfIn(code=code, capacity=capacity))
    return _back(f"/archives/stores/{store_id}", locale_of(request, lang), "arch_done_shelf")


@router.post("/archives/stores/{store_id}/readings")
def add_reading_form(
    request: Request,
    store_id: RowId,
    user: CurrentUser,
    c: Ctx,
    taken_at: Annotated[dt.datetime, Form()],
    temperature: Annotated[str, Form(max_length=10)] = "",
    humidity: Annotated[str, Form(max_length=10)] = "",
    lang: str | None = None,
) -> Response:
    reading = ReadingIn(taken_at=taken_at, temperature=_opt(temperature), humidity=_opt(humidity))
    archive_desk(c).add_reading(user, store_id, reading)
    return _back(f"/archives/stores/{store_id}", locale_of(request, lang), "arch_done_reading")


@router.post("/archives/stores/{store_id}/readings/import")
async def import_readings_form(
    request: Request,
    store_id: RowId,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File()],
    lang: str | None = None,
) -> Response:
    data = await read_upload(file, MAX_CSV)
    result = archive_desk(c).import_readings(user, store_id, _text(data))
    extra = {
        "imported": str(result.imported),
        "flagged": str(result.out_of_range),
        "rejected": str(len(result.rejected)),
    }
    return _back(f"/archives/stores/{store_id}", locale_of(request, lang), "arch_done_import", **extra)


@router.post("/archives/integrations")
def integrate_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    reference: Annotated[str, Form(max_length=64)],
    shelf_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    reason: Annotated[str, Form(max_length=500)] = "",
    lang: str | None = None,
) -> Response:
    place = archive_desk(c).integrate(user, IntegrationIn(reference=reference, shelf_id=shelf_id, reason=reason))
    return _back("/archives", locale_of(request, lang), "arch_done_integrated", reference=place.reference)


@router.post("/archives/transfers")
def transfer_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    reference: Annotated[str, Form(max_length=64)],
    researcher: Annotated[str, Form(max_length=64)],
    closed_on: Annotated[dt.date, Form()],
    to_location: Annotated[str, Form(max_length=32)],
    categories: Annotated[list[str], Form()],
    lang: str | None = None,
) -> Response:
    data = TransferIn.model_validate(
        {
            "reference": reference,
            "researcher": researcher,
            "closed_on": closed_on,
            "to_location": to_location,
            "categories": categories,
        }
    )
    archive_desk(c).transfer(user, data)
    return _back("/archives", locale_of(request, lang), "arch_done_transfer")


# ---- the reading room -----------------------------------------------------------------------------------------
@router.get("/reading-room", response_class=HTMLResponse)
def room_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render("reading_room.html", request, locale, user, files=archive_desk(c).room(user), check=None)


@router.post("/reading-room/check", response_class=HTMLResponse)
def room_check_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    references: Annotated[str, Form(max_length=400_000)],
    lang: str | None = None,
) -> Response:
    locale = locale_of(request, lang)
    refs = [r.strip() for r in re.split(r"[\s,;]+", references) if r.strip()]
    if not refs:
        raise InvalidInput("validation")
    desk = archive_desk(c)
    result = desk.check(user, CheckIn(references=refs[:20_000]))
    return render("reading_room.html", request, locale, user, files=desk.room(user), check=result)


@router.get("/reading-room/files/{case_id}", response_class=HTMLResponse)
def room_file_page(request: Request, case_id: str, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render("reading_room_file.html", request, locale, user, f=archive_desk(c).room_file(user, case_id))


# ---- missions ------------------------------------------------------------------------------------------------------
@router.get("/missions", response_class=HTMLResponse)
def missions_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render(
        "missions.html",
        request,
        locale,
        user,
        flash=_flash(request),
        missions=mission_desk(c).missions(user),
        countries=country_choices(locale),
        may_create=user.has("research_assistant", "protection_officer"),
    )


@router.post("/missions")
def create_mission_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    title: Annotated[str, Form(max_length=300)],
    country: Annotated[str, Form(max_length=3)],
    starts_on: Annotated[dt.date, Form()],
    ends_on: Annotated[dt.date, Form()],
    purpose: Annotated[str, Form(max_length=5000)] = "",
    terms_of_reference: Annotated[str, Form(max_length=50_000)] = "",
    members: Annotated[str, Form(max_length=2000)] = "",
    lang: str | None = None,
) -> Response:
    data = MissionIn(
        title=title,
        country=country,
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose,
        terms_of_reference=terms_of_reference,
        members=[m for m in re.split(r"[\s,;]+", members) if m],
    )
    m = mission_desk(c).create(user, data)
    return _back(f"/missions/{m.id}", locale_of(request, lang), "mission_done_created")


@router.get("/missions/{mission_id}", response_class=HTMLResponse)
def mission_page(request: Request, mission_id: RowId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    m = mission_desk(c).get(user, mission_id, locale)
    candidates = [
        u.username
        for u in c.accounts.list_users()
        if u.active and set(u.roles or []) & set(DESK_ROLES) and u.username not in m.members
    ]
    return render("mission.html", request, locale, user, flash=_flash(request), m=m, candidates=candidates)


@router.post("/missions/{mission_id}/members")
def add_mission_member_form(
    request: Request,
    mission_id: RowId,
    user: CurrentUser,
    c: Ctx,
    username: Annotated[str, Form(max_length=64)],
    lang: str | None = None,
) -> Response:
    mission_desk(c).add_member(user, mission_id, username)
    return _back(f"/missions/{mission_id}", locale_of(request, lang), "mission_done_member")


@router.post("/missions/{mission_id}/sources")
def add_source_form(
    request: Request,
    mission_id: RowId,
    user: CurrentUser,
    c: Ctx,
    description: Annotated[str, Form(max_length=300)],
    place: Annotated[str, Form(max_length=200)],
    met_on: Annotated[dt.date, Form()],
    full_name: Annotated[str, Form(max_length=200)],
    interview_type: Annotated[str, Form(max_length=16)] = "in_person",
    reliability_note: Annotated[str, Form(max_length=5000)] = "",
    organisation: Annotated[str, Form(max_length=300)] = "",
    contact: Annotated[str, Form(max_length=300)] = "",
    lang: str | None = None,
) -> Response:
    locale = locale_of(request, lang)
    data = OralSourceIn.model_validate(
        {
            "description": description,
            "place": place,
            "met_on": met_on,
            "interview_type": interview_type,
            "reliability_note": reliability_note,
            "full_name": full_name,
            "organisation": organisation,
            "contact": contact,
        }
    )
    mission_desk(c).add_source(user, mission_id, data, locale)
    return _back(f"/missions/{mission_id}", locale, "mission_done_source")


@router.post("/missions/{mission_id}/reports")
async def add_report_form(
    request: Request,
    mission_id: RowId,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=300)] = "",
    lang: str | None = None,
) -> Response:
    data = await read_upload(file, c.settings.max_upload_bytes)
    mission_desk(c).add_report(user, mission_id, title, data, file.filename or "report")
    return _back(f"/missions/{mission_id}", locale_of(request, lang), "mission_done_report")


# ---- working groups --------------------------------------------------------------------------------------------------
@router.get("/groups", response_class=HTMLResponse)
def groups_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    desk = group_desk(c)
    sees_mutualisations = user.has("protection_officer", "secretary", "admin")
    return render(
        "groups.html",
        request,
        locale,
        user,
        flash=_flash(request),
        groups=desk.groups(user),
        mutualisations=desk.mutualisations(user) if sees_mutualisations else None,
        may_mutualise=user.has("admin") or (user.has("protection_officer") and user.heads_division),
        divisions=DIVISIONS,
        countries=country_choices(locale),
    )


@router.post("/groups")
def create_group_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=16)] = "thematic",
    description: Annotated[str, Form(max_length=5000)] = "",
    members: Annotated[str, Form(max_length=5000)] = "",
    lang: str | None = None,
) -> Response:
    data = GroupIn.model_validate(
        {
            "name": name,
            "kind": kind,
            "description": description,
            "members": [m for m in re.split(r"[\s,;]+", members) if m],
        }
    )
    g = group_desk(c).create(user, data)
    return _back(f"/groups/{g.id}", locale_of(request, lang), "group_done_created")


@router.post("/groups/mutualisations")
def mutualise_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    nationality: Annotated[str, Form(max_length=3)],
    from_division: Annotated[str, Form(max_length=32)],
    to_division: Annotated[str, Form(max_length=32)],
    lang: str | None = None,
) -> Response:
    data = MutualisationIn.model_validate(
        {"nationality": nationality, "from_division": from_division, "to_division": to_division}
    )
    group_desk(c).set_mutualisation(user, data)
    return _back("/groups", locale_of(request, lang), "group_done_mutualised")


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def group_page(request: Request, group_id: RowId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render("group.html", request, locale, user, flash=_flash(request), g=group_desk(c).get(user, group_id))


@router.post("/groups/{group_id}/members")
def add_group_member_form(
    request: Request,
    group_id: RowId,
    user: CurrentUser,
    c: Ctx,
    username: Annotated[str, Form(max_length=64)],
    lang: str | None = None,
) -> Response:
    group_desk(c).add_member(user, group_id, username)
    return _back(f"/groups/{group_id}", locale_of(request, lang), "group_done_member")


@router.post("/groups/{group_id}/items")
def add_item_form(
    request: Request,
    group_id: RowId,
    user: CurrentUser,
    c: Ctx,
    document: Annotated[str, Form(max_length=2000)],
    tags: Annotated[str, Form(max_length=1000)] = "",
    note: Annotated[str, Form(max_length=20_000)] = "",
    lang: str | None = None,
) -> Response:
    """``document``: the document's id or its address (``…/documents/<id>``)."""
    found = DOC_ID.search(document.strip())
    if found is None:
        raise InvalidInput("group_unknown_document")
    data = GroupItemIn(document_id=found.group(1), tags=[t for t in tags.split(",")], note=note)
    group_desk(c).add_item(user, group_id, data)
    return _back(f"/groups/{group_id}", locale_of(request, lang), "group_done_item")
