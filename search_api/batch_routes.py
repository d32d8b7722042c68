"""Batch search (a list of queries, a table per query, CSV) and bulk export of a result set (CSV, JSON Lines)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from config.messages import translate
from search_api.auth import CurrentUser, ctx_of
from search_api.rendering import locale_of, render
from services import batch, export
from services.context import AppContext
from services.errors import InvalidInput
from services.search import SearchParams
from store.index.query import FILTER_FIELDS
from store.models import MAX_ROW_ID

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
_DATES = ("published_from", "published_to", "added_from", "added_to", "events_from", "events_to")


def _params(values: dict[str, list[str]]) -> SearchParams:
    """Search parameters from a query string or a form (the search page's names)."""

    def one(name: str, default: str | None = None) -> str | None:
        v = values.get(name) or []
        return v[0][:1000] if v and v[0] else default

    return SearchParams(
        q=one("q"),
        filters={f: [v[:200] for v in values[f] if v][:20] for f in FILTER_FIELDS if values.get(f)},
        sort=one("sort", "relevance") or "relevance",
        order=one("order", "desc") or "desc",
        match="all" if one("match") == "all" else "best",
        expand=one("expand", "1") not in ("0", "false"),
        **{d: one(d) for d in _DATES},  # type: ignore[arg-type]
    )


def _csv_response(result: batch.BatchResult, locale: str) -> StreamingResponse:
    errors = {r.line: translate(r.error, locale, **r.error_params) for r in result.rows if r.error}
    return StreamingResponse(
        (chunk.encode() for chunk in batch.batch_csv(result, errors)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="coidesk-batch.csv"', "Cache-Control": "no-store"},
    )


# ---- batch search -----------------------------------------------------------------------------------------
class BatchIn(BaseModel):
    queries: list[Annotated[str, Field(max_length=2000)]] | None = Field(default=None, max_length=10_000)
    text: str | None = Field(default=None, max_length=1_000_000, description="lines, or CSV with a query column")
    filters: dict[str, list[str]] = {}
    top: int = Field(default=3, ge=1, le=20)
    match: Literal["best", "all"] = "all"
    expand: bool = True


class BatchOut(batch.BatchResult):
    messages: dict[int, str] = {}


@router.post(
    "/api/batch-search",
    tags=["search"],
    response_model=BatchOut,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
)
def api_batch(
    request: Request,
    data: BatchIn,
    user: CurrentUser,
    c: Ctx,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    lang: str | None = None,
) -> Response:
    """Run many queries with the same filters: per query its total and top hits (a failed query says why)."""
    locale = locale_of(request, lang)
    if data.queries is not None:
        lines = [batch.BatchLine(i, q.strip()) for i, q in enumerate(data.queries, start=1) if q.strip()]
    else:
        lines = batch.parse_lines(data.text or "")
    base = SearchParams(filters=data.filters, match=data.match, expand=data.expand)
    result = batch.run_batch(c, user, lines, base, data.top)
    if format == "csv":
        return _csv_response(result, locale)
    out = BatchOut(
        **result.model_dump(),
        messages={r.line: translate(r.error, locale, **r.error_params) for r in result.rows if r.error},
    )
    return Response(out.model_dump_json(), media_type="application/json")


@router.get("/batch", response_class=HTMLResponse, include_in_schema=False)
def page_batch(request: Request, user: CurrentUser, lang: str | None = None) -> Response:
    return render("batch.html", request, locale_of(request, lang), user, result=None, form={}, messages={})


@router.post("/batch", include_in_schema=False)
async def form_batch(request: Request, user: CurrentUser, c: Ctx) -> Response:
    locale = locale_of(request)
    form = await request.form()
    text = form.get("queries")
    text = text if isinstance(text, str) else ""
    upload = form.get("file")
    filename = None
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(1_000_001)
        if len(raw) > 1_000_000:
            raise InvalidInput("too_large", max=1_000_000)
        text, filename = raw.decode("utf-8-sig", errors="replace"), upload.filename
    values = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    base = _params(values)
    base.match = "best" if values.get("match") == ["best"] else "all"
    try:
        top = int((values.get("top") or ["3"])[0])
    except ValueError as exc:
        raise InvalidInput("batch_top_range", max=20) from exc
    result = batch.run_batch(c, user, batch.parse_lines(text, filename), base, top)
    if values.get("format") == ["csv"]:
        return _csv_response(result, locale)
    messages = {r.line: translate(r.error, locale, **r.error_params) for r in result.rows if r.error}
    kept = {
        "queries": text if not filename else "",
        "top": str(top),
        **{k: v[0] for k, v in values.items() if v and k in FILTER_FIELDS},
    }
    return render("batch.html", request, locale, user, result=result, form=kept, messages=messages)


# ---- bulk export ------------------------------------------------------------------------------------------
@router.get("/api/export", tags=["search"])
def api_export(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    format: Annotated[Literal["csv", "jsonl"], Query(description="csv: metadata; jsonl: metadata and text")] = "csv",
    max_rows: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="at most this many (the office's ceiling applies)")] = None,
) -> StreamingResponse:
    """Every document of a search (the search page's parameters), streamed; ``X-Total-Count`` says how many
    rows will come (for a progress bar), ``X-Export-Order`` in which order, ``X-Export-Truncated`` whether the
    office's ceiling cut the result set."""
    values = {k: request.query_params.getlist(k) for k in request.query_params}
    job = export.start_export(c, user, _params(values), format, max_rows)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(
        job.chunks,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="coidesk-export.{format}"',
            "X-Total-Count": str(job.rows),
            "X-Export-Order": job.order,
            "X-Export-Truncated": "1" if job.truncated else "0",
            "Cache-Control": "no-store",
        },
    )
