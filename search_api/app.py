"""The FastAPI application: JSON API under /api, French-first pages, one error mapping."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.settings import Settings, get_settings
from config.sources import source_name
from ingest.embed import EmbedLoop
from ingest.enrich import EnrichLoop
from ingest.extract import ExtractError
from ingest.indexer import WriterLoop
from ingest.page_image import render_pdf_page
from ingest.uploads import JobLoop
from search_api import (
    admin_routes,
    alert_routes,
    archives_routes,
    batch_routes,
    case_pages,
    case_routes,
    crawl_routes,
    decision_routes,
    errors,
    office_desk_routes,
    place_routes,
    report_routes,
    thesaurus_routes,
    upload_routes,
    verify_routes,
)
from search_api.auth import CurrentUser, RequireCredentials, ctx_of
from search_api.i18n import pick_locale, translate
from search_api.labels import country_name, language_name
from search_api.rendering import ENV, locale_of, render
from search_api.request_log import RequestLog
from services.access import may_correct_enrichment, may_reveal
from services.alerts import AlertLoop
from services.auth import Principal
from services.context import AppContext
from services.crawls import CrawlSchedule
from services.desk_views import CorrectionQueued, Health, IndexHealth, StoreHealth
from services.errors import Forbidden
from services.labels import enrichment_view, label
from services.reports import may_write as may_write_report
from services.saved_searches import record_search
from services.search import SearchParams, encode_cursor, search_as, suggestions
from services.search_views import DocumentOut, SearchOut, document_out, search_out
from services.viewer import document_view
from store.index.query import FILTER_FIELDS
from store.models import Document

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task overhead) adding the security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"].startswith("/docs")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
                # which the CSRF check must refuse; URLs (case ids) still never leave the site
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if not is_docs:
                    headers.setdefault("Content-Security-Policy", CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)


Ctx = Annotated[AppContext, Depends(ctx_of)]


def create_app(settings: Settings | None = None, context: AppContext | None = None, writer: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context or AppContext.open(settings)
        app.state.ctx = ctx
        loop = WriterLoop(ctx.indexer) if writer else None
        enrich_loop = EnrichLoop(ctx.store) if writer and settings.enrich_in_server else None
        embed_loop = (
            EmbedLoop(ctx.store, ctx.dense.passages, ctx.dense.embedder)
            if writer and settings.embed_in_server and settings.dense_search
            else None
        )
        job_loop = JobLoop(ctx.store, ctx.jobs, settings.job_stale_seconds) if writer else None
        schedule = CrawlSchedule(ctx.crawl_desk) if writer and settings.crawl_schedule else None
        alert_loop = AlertLoop(ctx) if writer and settings.alerts_in_server else None
        for background in (loop, job_loop, enrich_loop, embed_loop, schedule, alert_loop):
            if background:
                background.start()
        if writer:
            ctx.spelling.dictionary()  # starts building the spelling dictionary in the background
        try:
            yield
        finally:
            for background in (alert_loop, schedule, embed_loop, enrich_loop, job_loop, loop):
                if background:
                    background.stop()
            if context is None:
                ctx.close()

    app = FastAPI(
        title="coidesk",
        version="0.1.0",
        lifespan=lifespan,
        description="Recherche COI et jurisprudence / COI and case-law search",
    )
    app.state.default_locale = settings.default_locale
    app.state.templates = ENV
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app)
    app.include_router(case_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(case_pages.router)
    app.include_router(place_routes.router)
    app.include_router(thesaurus_routes.router)
    app.include_router(upload_routes.router)
    app.include_router(crawl_routes.router)
    app.include_router(verify_routes.router)
    app.include_router(report_routes.router)
    app.include_router(decision_routes.router)
    app.include_router(alert_routes.router)
    app.include_router(batch_routes.router)
    app.include_router(office_desk_routes.router)
    app.include_router(archives_routes.router)

    app.add_middleware(RequireCredentials)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)

    def params_from(
        request: Request,
        q: str | None,
        sort: str,
        order: str,
        size: int,
        cursor: str | None,
        published_from: str | None,
        published_to: str | None,
        added_from: str | None,
        added_to: str | None,
    ) -> SearchParams:
        filters = {f: request.query_params.getlist(f) for f in FILTER_FIELDS if request.query_params.getlist(f)}
        return SearchParams(
            q=q,
            filters=filters,
            sort=sort,
            order=order,
            size=size,
            cursor=cursor,
            published_from=published_from,
            published_to=published_to,
            added_from=added_from,
            added_to=added_to,
            events_from=request.query_params.get("events_from"),
            events_to=request.query_params.get("events_to"),
        )

    # ---- JSON API -------------------------------------------------------------------------------
    @app.get("/api/search", tags=["search"])
    def api_search(
        request: Request,
        user: CurrentUser,
        c: Ctx,
        q: Annotated[str | None, Query(description='Query: AND by default, OR, NOT/-, "phrase", "a b"~5, *, ?')] = None,
        kind: Annotated[
            list[str] | None, Query(description="coi | decision | case_document; prefix - to exclude")
        ] = None,
        country: Annotated[list[str] | None, Query(description="ISO 3166 alpha-3; prefix - to exclude")] = None,
        source: Annotated[list[str] | None, Query()] = None,
        doc_type: Annotated[list[str] | None, Query()] = None,
        language: Annotated[list[str] | None, Query()] = None,
        place: Annotated[list[str] | None, Query(description="Gazetteer place id, e.g. geonames:53654")] = None,
        actor: Annotated[list[str] | None, Query(description="Actor id, e.g. rsf-sudan")] = None,
        topic: Annotated[list[str] | None, Query(description="Topic id, e.g. detention")] = None,
        events_from: Annotated[str | None, Query(description="Events reported from this date (YYYY-MM-DD)")] = None,
        events_to: Annotated[str | None, Query(description="Events reported up to this date")] = None,
        published_from: str | None = None,
        published_to: str | None = None,
        added_from: str | None = None,
        added_to: str | None = None,
        sort: str = "relevance",
        order: str = "desc",
        size: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: str | None = None,
        facets: Annotated[str | None, Query(description="Comma-separated facets to count; 'none' for none")] = None,
        highlight: bool = True,
        expand: Annotated[bool, Query(description="Also search thesaurus terms and aliases (weighted lower)")] = True,
        match: Annotated[
            Literal["best", "all"],
            Query(
                description="best: a plain query (no operator) ranks documents matching part of it too; all: every word"
            ),
        ] = "best",
        lang: str | None = None,
    ) -> SearchOut:
        params = params_from(request, q, sort, order, size, cursor, published_from, published_to, added_from, added_to)
        params.facets = facets
        params.expand = expand
        params.match = match
        result = search_as(c, user, params, highlight=highlight)
        return search_out(result, params.sort, suggestions(c, user, params) if not result.total else [])

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def api_document(doc_id: str, user: CurrentUser, c: Ctx, lang: str | None = None) -> DocumentOut:
        locale = pick_locale(lang, settings.default_locale)
        d = visible_document(c, user, doc_id, "document.view")
        out = document_out(d, locale)
        out.enrichment = enrichment_view(c.store.enrichments([d.id]).get(d.id), locale)
        return out

    @app.post("/api/documents/{doc_id}/corrections", tags=["documents"], status_code=201)
    def api_correct(doc_id: str, correction: CorrectionIn, user: CurrentUser, c: Ctx) -> CorrectionQueued:
        """Correct enrichment: add a missing value or remove a wrong one; kept across re-enrichment."""
        visible_document(c, user, doc_id, "document.correct")
        if not may_correct_enrichment(user):
            raise Forbidden("role")
        c.store.add_correction(
            doc_id,
            correction.type,
            correction.value,
            correction.label or correction.value,
            correction.action,
            user=user.username,
        )
        return CorrectionQueued(document_id=doc_id, queued_for_reindex=True)

    @app.get("/api/documents/{doc_id}/original", tags=["documents"])
    def api_original(
        doc_id: str,
        user: CurrentUser,
        c: Ctx,
        version: Annotated[int | None, Query(ge=1, le=100_000, description="an earlier version")] = None,
    ) -> Response:
        d = visible_document(c, user, doc_id, "document.download")
        if (d.extra or {}).get("pseudonymised") and not may_reveal(user):
            raise errors.Forbidden("pseudonymised")  # the original carries the real names
        sha = d.sha256
        if version is not None and version != d.version:
            sha = next((v.sha256 for v in c.store.versions(d.id) if v.version == version), None)
            if sha is None:
                raise errors.NotFound(doc_id)
        if not sha or not c.store.archive.exists(sha):
            raise errors.OriginalMissing(doc_id)
        data = c.store.archive.get(sha)
        ext = {
            "application/json": "json",
            "text/html": "html",
            "text/markdown": "md",
            "application/pdf": "pdf",
            "text/plain": "txt",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "application/vnd.oasis.opendocument.text": "odt",
            "message/rfc822": "eml",
            "image/png": "png",
            "image/jpeg": "jpg",
            "image/tiff": "tif",
        }
        media = original_media_type(c, sha)
        filename = f"{d.id}-v{version or d.version}.{ext.get(media, 'bin')}"
        return Response(
            content=data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox; default-src 'none'",
                "X-Original-Media-Type": media,
                "Digest": f"sha-256={sha}",
            },
        )

    @app.get("/api/health", tags=["ops"])
    def api_health(c: Ctx) -> Health:
        """Liveness for load balancers: counts only, no document or case data; no login needed."""
        store = StoreHealth(documents=c.store.count(), queued=c.store.pending_count())
        return Health(store=store, index=IndexHealth.model_validate(c.index.health()))

    # ---- pages ----------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page_search(
        request: Request,
        user: CurrentUser,
        c: Ctx,
        q: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        added_from: str | None = None,
        added_to: str | None = None,
        sort: str = "relevance",
        order: str = "desc",
        size: int = 20,
        cursor: str | None = None,
        lang: str | None = None,
    ) -> HTMLResponse:
        locale = locale_of(request, lang)
        params = params_from(request, q, sort, order, size, cursor, published_from, published_to, added_from, added_to)
        params.expand = request.query_params.get("expand", "1") not in ("0", "false")
        params.match = "all" if request.query_params.get("match") == "all" else "best"
        result = search_as(c, user, params)
        record_search(c, user, params, result)  # the user's own history (services/saved_searches.py)
        ways_out = suggestions(c, user, params) if not result.total else []
        return render(
            "search.html",
            request,
            locale,
            user,
            params=params,
            result=result,
            links=PageLinks(request, locale),
            next_cursor=encode_cursor(result.next_cursor, params.sort),
            facet_label=facet_label,
            suggestions=ways_out,
        )

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def page_document(
        request: Request,
        doc_id: str,
        user: CurrentUser,
        c: Ctx,
        lang: str | None = None,
        page: Annotated[int | None, Query(ge=1, le=100_000)] = None,
        cite: Annotated[str | None, Query(max_length=5000)] = None,
        q: Annotated[str | None, Query(max_length=1000)] = None,
        back: Annotated[str | None, Query(max_length=4000)] = None,
        passage: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$")] = None,
    ) -> HTMLResponse:
        """The viewer: title and key facts, the text with the query's words (and a passage found by meaning)
        marked, page by page for paged originals; "back to results" returns to the same search."""
        locale = locale_of(request, lang)
        d = visible_document(c, user, doc_id, "document.view")
        enrichment = enrichment_view(c.store.enrichments([d.id]).get(d.id), locale)
        span = tuple(int(x) for x in passage.split("-")) if passage else None
        view = document_view(d, q, settings, c.thesaurus.vocabulary(), span)  # type: ignore[arg-type]
        return render(
            "document.html",
            request,
            locale,
            user,
            doc=document_out(d, locale, page).model_dump(mode="json"),
            view=view,
            q=q or "",
            back_url=results_url(back, locale),
            page_image=bool(view.paged and d.sha256 and original_media_type(c, d.sha256) == "application/pdf"),
            enrichment=enrichment,
            may_correct=may_correct_enrichment(user),
            versions=version_changes(d, c.store.versions(d.id)),
            # "cite in a report": open drafts and their sections (never for case documents)
            open_reports=c.reports.writable(user) if d.kind != "case_document" else [],
            may_cite=may_write_report(user) and d.kind != "case_document",
            cite=re.sub(r"</?mark>", "", cite or ""),
            **(decision_routes.decision_context(c, user, d.id) if d.kind == "decision" else {}),
        )

    @app.get("/documents/{doc_id}/pages/{number}.png", include_in_schema=False)
    def page_image(
        doc_id: str, number: Annotated[int, PathParam(ge=1, le=100_000)], user: CurrentUser, c: Ctx
    ) -> Response:
        """The original page of a PDF, rendered on the server (PDFium in a child process with limits)."""
        d = visible_document(c, user, doc_id, "document.view_page")
        if (d.extra or {}).get("pseudonymised") and not may_reveal(user):
            raise errors.Forbidden("pseudonymised")  # the original page shows the real names
        if not d.sha256 or not c.store.archive.exists(d.sha256):
            raise errors.OriginalMissing(doc_id)
        if original_media_type(c, d.sha256) != "application/pdf":
            raise errors.NotFound(doc_id)
        try:
            png = render_pdf_page(d.sha256, lambda: c.store.archive.get(d.sha256), number)
        except ExtractError as exc:
            if exc.code == "no_such_page":
                raise errors.NotFound(doc_id) from exc
            raise errors.InvalidInput("page_not_rendered") from exc
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/documents/{doc_id}/corrections", include_in_schema=False)
    def page_correct(
        request: Request,
        doc_id: str,
        user: CurrentUser,
        c: Ctx,
        type: Annotated[str, Form(max_length=16)],
        value: Annotated[str, Form(max_length=200)],
        action: Annotated[str, Form(max_length=8)],
        label: Annotated[str, Form(max_length=300)] = "",
        lang: str | None = None,
    ) -> Response:
        correction = CorrectionIn.model_validate(
            {"type": type, "value": value, "label": label or None, "action": action}
        )
        api_correct(doc_id, correction, user, c)
        return RedirectResponse(f"/documents/{doc_id}?lang={locale_of(request, lang)}&done=correction", status_code=303)

    return app


def results_url(back: str | None, locale: str) -> str | None:
    """The search page with the query string it had (only a query string: never another site or path)."""
    if not back:
        return None
    items = [(k, v) for k, v in parse_qsl(back.lstrip("?"), keep_blank_values=False)[:60] if k != "lang"]
    return "/?" + urlencode([*items, ("lang", locale)])


def visible_document(c: AppContext, user: Principal, doc_id: str, action: str) -> Document:
    """Fetch a document the user may see; reading a case document needs access to its case and is audited."""
    if not re.fullmatch(r"[0-9a-f]{20}", doc_id):
        c.cases.missing_document(user, "malformed", action)
        raise errors.NotFound(doc_id)
    try:
        d = c.store.get(doc_id)
    except errors.NotFound:
        c.cases.missing_document(user, doc_id, action)
        raise
    c.cases.check_document(user, d, action)
    return d


def original_media_type(c: AppContext, sha256: str) -> str:
    return c.store.media_type(sha256) or "application/octet-stream"


def version_changes(d: Document, versions: list) -> list[dict]:  # type: ignore[type-arg]
    """Earlier versions with what changed from each to the next (lines removed and added, a few shown)."""
    out = []
    newer_text = d.text
    for v in versions:
        diff = [
            line
            for line in difflib.unified_diff(v.text.splitlines(), newer_text.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        out.append(
            {
                "version": v.version,
                "title": v.title,
                "sha256": v.sha256,
                "replaced_at": v.replaced_at.isoformat(timespec="seconds"),
                "removed": sum(1 for x in diff if x.startswith("-")),
                "added": sum(1 for x in diff if x.startswith("+")),
                "sample": diff[:12],
            }
        )
        newer_text = v.text
    return out


class CorrectionIn(BaseModel):
    type: Literal["place", "actor", "country", "topic", "date"]
    value: str = Field(min_length=1, max_length=200)
    label: str | None = Field(default=None, max_length=300)
    action: Literal["add", "remove"]


def facet_label(name: str, value: str, locale: str) -> str:
    if name in ("place", "actor", "topic"):
        return label(name, value, locale)
    if name == "kind":
        return translate(f"kind_{value}", locale)
    if name == "source":
        return source_name(value)
    if name == "country":
        return country_name(value, locale)
    if name == "language":
        return language_name(value, locale)
    return value


class PageLinks:
    """Builds search-page URLs that add, negate or remove one filter while keeping the rest."""

    def __init__(self, request: Request, locale: str) -> None:
        self.items = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "lang")]
        self.locale = locale
        # the whole search (query, filters, page) for the viewer's "back to results"
        self.here = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
        self.q = request.query_params.get("q", "")

    def document(self, hit: object, page: int | None = None) -> str:
        """A hit's viewer URL: the query to mark, the way back, the passage found by meaning, the page."""
        doc_id = getattr(hit, "id", "")
        items: list[tuple[str, str]] = [("lang", self.locale)]
        if self.q:
            items.append(("q", self.q))
        items.append(("back", self.here))
        span = getattr(hit, "passage_span", None)
        if span:
            items.append(("passage", f"{span[0]}-{span[1]}"))
        if page:
            items.append(("page", str(page)))
        return f"/documents/{doc_id}?" + urlencode(items) + (f"#page-{page}" if page else "")

    def _url(self, items: list[tuple[str, str]]) -> str:
        items = [*items, ("lang", self.locale)]
        return "/?" + urlencode(items)

    def add(self, name: str, value: str, negate: bool = False) -> str:
        v = f"-{value}" if negate else value
        items = [(k, x) for k, x in self.items if not (k == name and x.lstrip("-") == value)]
        return self._url([*items, (name, v)])

    def change(self, change: dict[str, str]) -> str:
        """The same search with ``change`` applied ("filters": "" drops every filter and date)."""
        drop = set(change)
        if "filters" in change:
            drop |= set(FILTER_FIELDS) | {"published_from", "published_to", "added_from", "added_to"}
            drop |= {"events_from", "events_to"}
        kept = [(k, v) for k, v in self.items if k not in drop]
        return self._url(kept + [(k, v) for k, v in change.items() if v and k != "filters"])

    def remove(self, name: str, value: str) -> str:
        return self._url([(k, x) for k, x in self.items if not (k == name and x == value)])

    def active(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.items if k in FILTER_FIELDS]

    def year(self, value: str) -> str:
        items = [(k, x) for k, x in self.items if k not in ("published_from", "published_to")]
        return self._url([*items, ("published_from", f"{value}-01-01"), ("published_to", f"{value}-12-31")])

    def with_cursor(self, cursor: str) -> str:
        return self._url([*self.items, ("cursor", cursor)])

    def first(self) -> str:
        return self._url(self.items)

    def without(self, name: str) -> str:
        return self._url([(k, v) for k, v in self.items if k != name])
