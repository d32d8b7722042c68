"""Search history, saved searches (shared with nobody, a division or the desk), alerts and the inbox."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from search_api.auth import CurrentUser, ctx_of
from search_api.params import RowId
from search_api.rendering import locale_of, render
from services import alerts
from services import saved_searches as saved
from services.context import AppContext
from store.index.query import FILTER_FIELDS

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
_DATE_FIELDS = ("published_from", "published_to", "added_from", "added_to", "events_from", "events_to")


class Deleted(BaseModel):
    deleted: int


class SavedDeleted(BaseModel):
    deleted: bool


class FollowOut(BaseModel):
    followed: bool
    email: str | None = None
    removed: int | None = None


class Marked(BaseModel):
    marked: int


def _back(path: str, locale: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'lang': locale, 'done': done})}", status_code=303)


# ---- history ----------------------------------------------------------------------------------------------
@router.get("/api/history", tags=["history"])
def api_history(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> list[saved.HistoryItem]:
    """The caller's last searches on the search page (never anyone else's), newest first."""
    return saved.history(c, user, locale_of(request, lang))


@router.delete("/api/history", tags=["history"])
def api_clear_history(user: CurrentUser, c: Ctx) -> Deleted:
    return Deleted(deleted=saved.clear_history(c, user))


@router.delete("/api/history/{entry_id}", tags=["history"])
def api_delete_history_entry(entry_id: RowId, user: CurrentUser, c: Ctx) -> Deleted:
    return Deleted(deleted=saved.clear_history(c, user, entry_id))


@router.get("/history", response_class=HTMLResponse, include_in_schema=False)
def page_history(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render("history.html", request, locale, user, entries=saved.history(c, user, locale))


@router.post("/history/clear", include_in_schema=False)
def form_clear_history(
    request: Request, user: CurrentUser, c: Ctx, entry_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None
) -> Response:
    saved.clear_history(c, user, entry_id)
    return _back("/history", locale_of(request), "history_cleared")


# ---- saved searches ---------------------------------------------------------------------------------------
class FollowIn(BaseModel):
    email: str = Field(default="none", description="none | immediate | daily (only when the office set up SMTP)")


@router.get("/api/saved-searches", tags=["saved searches"])
def api_saved(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> list[saved.SavedSearchOut]:
    """The caller's saved searches and those shared with their division or the whole desk."""
    return saved.saved_searches(c, user, locale_of(request, lang))


@router.post("/api/saved-searches", tags=["saved searches"], status_code=201)
def api_save(
    request: Request, data: saved.SavedSearchIn, user: CurrentUser, c: Ctx, lang: str | None = None
) -> saved.SavedSearchOut:
    return saved.create_saved(c, user, data, locale_of(request, lang))


@router.get("/api/saved-searches/{search_id}", tags=["saved searches"])
def api_saved_one(
    request: Request, search_id: RowId, user: CurrentUser, c: Ctx, lang: str | None = None
) -> saved.SavedSearchOut:
    return saved.saved_search(c, user, search_id, locale_of(request, lang))


@router.delete("/api/saved-searches/{search_id}", tags=["saved searches"])
def api_delete_saved(search_id: RowId, user: CurrentUser, c: Ctx) -> SavedDeleted:
    saved.delete_saved(c, user, search_id)
    return SavedDeleted(deleted=True)


@router.get("/api/saved-searches/{search_id}/results", tags=["saved searches"])
def api_run_saved(
    search_id: RowId,
    user: CurrentUser,
    c: Ctx,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> saved.SavedResultsOut:
    """Run the saved search now, as the caller (their permission filter; case hits audited)."""
    s, params, result = saved.run_saved(c, user, search_id, size, cursor)
    return saved.results_out(s, params, result)


@router.put("/api/saved-searches/{search_id}/follow", tags=["alerts"], response_model_exclude_none=True)
def api_follow(search_id: RowId, data: FollowIn, user: CurrentUser, c: Ctx) -> FollowOut:
    """Be notified of documents new or changed from now on that match this search."""
    saved.follow(c, user, search_id, data.email)
    return FollowOut(followed=True, email=data.email)


@router.delete("/api/saved-searches/{search_id}/follow", tags=["alerts"], response_model_exclude_none=True)
def api_unfollow(search_id: RowId, user: CurrentUser, c: Ctx) -> FollowOut:
    return FollowOut(followed=False, removed=saved.unfollow(c, user, search_id))


@router.get("/searches", response_class=HTMLResponse, include_in_schema=False)
def page_saved(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render(
        "saved_searches.html",
        request,
        locale,
        user,
        searches=saved.saved_searches(c, user, locale),
        smtp=bool(c.settings.smtp_host),
    )


@router.get("/searches/{search_id}", include_in_schema=False)
def page_run_saved(request: Request, search_id: RowId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    """Re-run a saved search on the search page."""
    s = saved.saved_search(c, user, search_id, locale_of(request, lang))
    return RedirectResponse(s.url, status_code=303)


@router.post("/searches", include_in_schema=False)
async def form_save(request: Request, user: CurrentUser, c: Ctx) -> Response:
    """The search page's "save this search": the search's own parameters come as hidden fields."""
    form = await request.form()

    def one(name: str, limit: int = 1000) -> str | None:
        v = form.get(name)
        return v[:limit] if isinstance(v, str) and v else None

    filters = {
        f: [v[:200] for v in form.getlist(f) if isinstance(v, str) and v][:20] for f in FILTER_FIELDS if form.getlist(f)
    }
    data = saved.SavedSearchIn.model_validate(
        {
            "name": one("name", 300) or "",
            "q": one("q"),
            "filters": {k: v for k, v in filters.items() if v},
            **{d: one(d, 20) for d in _DATE_FIELDS},
            "sort": one("sort", 20) or "relevance",
            "order": one("order", 8) or "desc",
            "match": one("match", 8) or "best",
            "expand": one("expand", 8) not in ("0", "false"),
            "visibility": one("visibility", 16) or "private",
        }
    )
    locale = locale_of(request)
    s = saved.create_saved(c, user, data, locale)
    if one("follow"):
        saved.follow(c, user, s.id, "none")
    return _back("/searches", locale, "search_saved")


@router.post("/searches/{search_id}/follow", include_in_schema=False)
def form_follow(
    request: Request,
    search_id: RowId,
    user: CurrentUser,
    c: Ctx,
    email: Annotated[str, Form(max_length=16)] = "none",
) -> Response:
    saved.follow(c, user, search_id, email)
    return _back("/searches", locale_of(request), "search_followed")


@router.post("/searches/{search_id}/unfollow", include_in_schema=False)
def form_unfollow(request: Request, search_id: RowId, user: CurrentUser, c: Ctx) -> Response:
    saved.unfollow(c, user, search_id)
    return _back("/searches", locale_of(request), "search_unfollowed")


@router.post("/searches/{search_id}/delete", include_in_schema=False)
def form_delete(request: Request, search_id: RowId, user: CurrentUser, c: Ctx) -> Response:
    saved.delete_saved(c, user, search_id)
    return _back("/searches", locale_of(request), "search_deleted")


# ---- inbox ------------------------------------------------------------------------------------------------
class ReadIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(default=None, max_length=1000)


@router.get("/api/notifications", tags=["alerts"])
def api_inbox(
    user: CurrentUser,
    c: Ctx,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> alerts.Inbox:
    """Documents that matched the searches the caller follows (only those they may still read)."""
    return alerts.inbox(c, user, limit, unread_only)


@router.post("/api/notifications/read", tags=["alerts"])
def api_read(data: ReadIn, user: CurrentUser, c: Ctx) -> Marked:
    """Mark these notifications read (all of the caller's when ``ids`` is null)."""
    return Marked(marked=alerts.mark_read(c, user, data.ids))


@router.get("/inbox", response_class=HTMLResponse, include_in_schema=False)
def page_inbox(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    return render("inbox.html", request, locale_of(request, lang), user, inbox=alerts.inbox(c, user))


@router.post("/inbox/read", include_in_schema=False)
def form_read(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    notification_id: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    alerts.mark_read(c, user, [notification_id] if notification_id else None)
    return _back("/inbox", locale_of(request), "notifications_read")
