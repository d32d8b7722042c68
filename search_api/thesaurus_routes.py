"""The desk's vocabularies: the thesaurus and the actors list — read by all staff, edited by research
assistants and admins."""

from __future__ import annotations

from typing import Annotated, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.auth import CurrentUser, ctx_of
from search_api.rendering import locale_of, render
from services.actor_desk import ActorIn, may_edit_actors
from services.context import AppContext
from services.desk_views import Actors, ActorSaved, ConceptSaved, Thesaurus
from services.thesaurus import ConceptIn, may_edit_thesaurus

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
ACTOR_TYPES = get_args(ActorIn.model_fields["type"].annotation)  # the kinds the form offers, each with a label


def _back(path: str, locale: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'lang': locale, 'done': done})}", status_code=303)


@router.get("/api/thesaurus", tags=["thesaurus"])
def concepts(user: CurrentUser, c: Ctx) -> Thesaurus:
    return Thesaurus.model_validate({"version": c.thesaurus.entries.version(), "concepts": c.thesaurus.concepts()})


@router.post("/api/thesaurus", status_code=201, tags=["thesaurus"])
def add(data: ConceptIn, user: CurrentUser, c: Ctx) -> ConceptSaved:
    """Add French and English terms to a concept (new or existing); applies to the next search."""
    return ConceptSaved(concept_id=c.thesaurus.add(user, data))


@router.get("/thesaurus", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    return render(
        "thesaurus.html",
        request,
        locale_of(request, lang),
        user,
        concepts=sorted(c.thesaurus.concepts(), key=lambda x: x["id"]),
        history=c.thesaurus.history(),
        may_edit=may_edit_thesaurus(user),
    )


@router.post("/thesaurus", include_in_schema=False)
def add_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    concept_id: Annotated[str, Form(max_length=80)] = "",
    fr: Annotated[str, Form(max_length=3000)] = "",
    en: Annotated[str, Form(max_length=3000)] = "",
    lang: str | None = None,
) -> Response:
    data = ConceptIn.model_validate({"concept_id": concept_id or None, "fr": fr.split(";"), "en": en.split(";")})
    c.thesaurus.add(user, data)
    return _back("/thesaurus", locale_of(request, lang), "concept_saved")


@router.get("/api/actors", tags=["thesaurus"])
def actors(user: CurrentUser, c: Ctx) -> Actors:
    return Actors.model_validate({"version": c.actors.entries.version(), "actors": c.actors.actors()})


@router.post("/api/actors", status_code=201, tags=["thesaurus"])
def add_actor(data: ActorIn, user: CurrentUser, c: Ctx) -> ActorSaved:
    """Add names or acronyms to a listed actor (``actor_id``) or a new actor; used by enrichment and search."""
    return ActorSaved(actor_id=c.actors.add(user, data))


@router.get("/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    return render(
        "actors.html",
        request,
        locale_of(request, lang),
        user,
        actors=c.actors.actors(),
        history=c.actors.history(),
        may_edit=may_edit_actors(user),
        actor_types=ACTOR_TYPES,
    )


@router.post("/actors", include_in_schema=False)
def add_actor_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    actor_id: Annotated[str, Form(max_length=80)] = "",
    type: Annotated[str, Form(max_length=32)] = "organisation",
    countries: Annotated[str, Form(max_length=200)] = "",
    names: Annotated[str, Form(max_length=3000)] = "",
    acronyms: Annotated[str, Form(max_length=500)] = "",
    lang: str | None = None,
) -> Response:
    data = ActorIn.model_validate(
        {
            "actor_id": actor_id or None,
            "type": type,
            "countries": countries.split(","),
            "names": names.split(";"),
            "acronyms": acronyms.split(";"),
        }
    )
    c.actors.add(user, data)
    return _back("/actors", locale_of(request, lang), "actor_saved")
