"""The source registry and crawl status, for all staff; starting a crawl, for the research desk."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.auth import CurrentUser, ctx_of
from search_api.choices import code_label, language_names
from search_api.rendering import locale_of, render
from services.context import AppContext
from services.crawls import CrawlRunOut, CrawlStarted, SourceDetail, SourcePublic, may_start_crawl
from services.errors import Forbidden, InvalidInput, NotFound

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
SourceId = Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,64}$")]


@router.get("/api/sources", tags=["sources"])
def list_sources(user: CurrentUser, c: Ctx) -> list[SourcePublic]:
    """The source registry: each publisher, its type, coverage, documents held and last crawl."""
    return [SourcePublic.model_validate(s) for s in c.crawl_desk.overview()]


@router.get("/api/sources/{source_id}", tags=["sources"])
def get_source(source_id: SourceId, user: CurrentUser, c: Ctx) -> SourceDetail:
    found = c.crawl_desk.source(source_id)
    if found is None:
        raise NotFound(source_id)
    return SourceDetail.model_validate(found)


@router.get("/api/crawls", tags=["sources"])
def list_crawls(
    user: CurrentUser,
    c: Ctx,
    source: Annotated[str | None, Query(pattern=r"^[a-z0-9_-]{1,64}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[CrawlRunOut]:
    """Recent crawl runs: counts of pages, new, updated, unchanged and failed documents, and the errors."""
    return [CrawlRunOut.model_validate(r) for r in c.crawl_desk.recent(source, limit)]


def _start(user: Any, c: AppContext, source_id: str) -> None:
    if not may_start_crawl(user):
        raise Forbidden()
    source = c.crawl_desk.source(source_id)
    if source is None or source["crawl"] is None:
        raise NotFound(source_id)
    if not c.crawl_desk.start(source_id):
        raise InvalidInput("crawl_running")


@router.post("/api/sources/{source_id}/crawl", status_code=202, tags=["sources"])
def start_crawl(source_id: SourceId, user: CurrentUser, c: Ctx) -> CrawlStarted:
    """Start a crawl of this source now (research desk); its run appears in ``/api/crawls``."""
    _start(user, c, source_id)
    return CrawlStarted(status="started", source=source_id)


@router.get("/sources", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    return render(
        "sources.html",
        request,
        locale_of(request, lang),
        user,
        sources=c.crawl_desk.overview(),
        may_crawl=may_start_crawl(user),
    )


@router.get("/sources/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, source_id: SourceId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    found = c.crawl_desk.source(source_id)
    if found is None:
        raise NotFound(source_id)
    locale = locale_of(request, lang)
    return render(
        "source.html",
        request,
        locale,
        user,
        source=found,
        may_crawl=may_start_crawl(user) and found["crawl"] is not None,
        running=c.crawl_desk.is_running(source_id),
        language_names=lambda codes: language_names(codes, locale),
        error_kind=lambda kind: code_label("crawl_error_", kind, locale),
    )


@router.post("/sources/{source_id}/crawl", include_in_schema=False)
def start_crawl_form(
    request: Request, source_id: SourceId, user: CurrentUser, c: Ctx, lang: str | None = None
) -> Response:
    _start(user, c, source_id)
    back = urlencode({"lang": locale_of(request, lang), "done": "crawl_started"})
    return RedirectResponse(f"/sources/{source_id}?{back}", status_code=303)
