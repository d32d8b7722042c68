"""The gazetteer for users: look a place up (all staff), add a spelling or a local place (research desk)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.auth import CurrentUser, ctx_of
from search_api.choices import country_choices
from search_api.rendering import locale_of, render
from services.context import AppContext
from services.desk_views import PlaceOut, PlaceSaved
from services.places import PlaceIn, may_edit_places

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]


@router.get("/api/places", tags=["places"])
def lookup(user: CurrentUser, c: Ctx, q: Annotated[str, Query(min_length=1, max_length=200)]) -> list[PlaceOut]:
    """Places of the gazetteer with this name (any spelling), most important first."""
    return [PlaceOut.model_validate(p) for p in c.places.lookup(q)]


@router.post("/api/places", status_code=201, tags=["places"])
def add(data: PlaceIn, user: CurrentUser, c: Ctx) -> PlaceSaved:
    """Add spellings to a known place (``place_id``) or a local place; documents are enriched again."""
    return PlaceSaved(place_id=c.places.add(user, data))


@router.get("/places", response_class=HTMLResponse, include_in_schema=False)
def places_page(request: Request, user: CurrentUser, c: Ctx, q: str | None = None, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render(
        "places.html",
        request,
        locale,
        user,
        q=q or "",
        found=c.places.lookup(q[:200]) if q else [],
        history=c.places.history(),
        may_edit=may_edit_places(user),
        country_choices=country_choices(locale),
    )


@router.post("/places", include_in_schema=False)
def add_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    place_id: Annotated[str, Form(max_length=80)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    country: Annotated[str, Form(max_length=3)] = "",
    level: Annotated[str, Form(max_length=16)] = "locality",
    parent: Annotated[str, Form(max_length=80)] = "",
    spellings: Annotated[str, Form(max_length=5000)] = "",
    lang: str | None = None,
) -> Response:
    data = PlaceIn.model_validate(
        {
            "place_id": place_id or None,
            "name": name or None,
            "country": country.upper() or None,
            "level": level,
            "parent": parent or None,
            "spellings": [x for x in spellings.replace(";", "\n").splitlines()],
        }
    )
    place = c.places.add(user, data)
    back = urlencode({"q": name or place, "lang": locale_of(request, lang), "done": "place_saved"})
    return RedirectResponse(f"/places?{back}", status_code=303)
