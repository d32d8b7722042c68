"""Search history and saved searches: what a user searched (never shared) and named searches shared with
nobody, their division or the whole desk, re-run on the page and by the API.

A search is kept as its parameters (query, filters, dates, sort), never as its results: re-running it runs
it again under the reader's own permission filter, so a shared search never shows a case document to
someone outside need-to-know. A history entry that showed case documents keeps the ids of their cases; it
is listed again only while the user may still see each of them, and writing or listing it is audited like a
read of the case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel

from services.errors import Forbidden, InvalidInput, NotFound
from services.search import SearchParams, build_query, encode_cursor, search_as
from store.audit import AuditEntry
from store.index.query import FILTER_FIELDS, SearchResult
from store.models import SavedSearch, SearchHistoryEntry

if TYPE_CHECKING:
    from services.auth import Principal
    from services.context import AppContext

Visibility = Literal["private", "division", "desk"]
VISIBILITIES: tuple[str, ...] = ("private", "division", "desk")
EMAIL_MODES: tuple[str, ...] = ("none", "immediate", "daily")
_DATES = ("published_from", "published_to", "added_from", "added_to", "events_from", "events_to")
_MAX_VALUES = 20  # values per filter kept


# ---- parameters as stored -------------------------------------------------------------------------------
def params_to_dict(p: SearchParams) -> dict[str, Any]:
    out: dict[str, Any] = {"q": (p.q or "").strip()}
    filters = {k: [str(v) for v in vs][:_MAX_VALUES] for k, vs in p.filters.items() if k in FILTER_FIELDS and vs}
    if filters:
        out["filters"] = filters
    for d in _DATES:
        if getattr(p, d):
            out[d] = str(getattr(p, d))
    if p.sort != "relevance":
        out["sort"] = p.sort
    if p.order != "desc":
        out["order"] = p.order
    if p.match != "best":
        out["match"] = p.match
    if not p.expand:
        out["expand"] = False
    return out


def params_from_dict(d: dict[str, Any]) -> SearchParams:
    filters = d.get("filters") or {}
    return SearchParams(
        q=str(d.get("q") or "") or None,
        filters={str(k): [str(v) for v in vs] for k, vs in filters.items() if k in FILTER_FIELDS},
        sort=str(d.get("sort", "relevance")),
        order=str(d.get("order", "desc")),
        match=str(d.get("match", "best")),
        expand=bool(d.get("expand", True)),
        published_from=_opt(d, "published_from"),
        published_to=_opt(d, "published_to"),
        added_from=_opt(d, "added_from"),
        added_to=_opt(d, "added_to"),
        events_from=_opt(d, "events_from"),
        events_to=_opt(d, "events_to"),
    )


def _opt(d: dict[str, Any], key: str) -> str | None:
    return str(d[key]) if d.get(key) else None


def search_url(d: dict[str, Any], locale: str) -> str:
    """The search page running these parameters (one click)."""
    items: list[tuple[str, str]] = []
    if d.get("q"):
        items.append(("q", str(d["q"])))
    for name, values in (d.get("filters") or {}).items():
        items.extend((name, str(v)) for v in values)
    for k in (*_DATES, "sort", "order", "match"):
        if d.get(k):
            items.append((k, str(d[k])))
    if d.get("expand") is False:
        items.append(("expand", "0"))
    items.append(("lang", locale))
    return "/?" + urlencode(items)


def is_empty(d: dict[str, Any]) -> bool:
    return not d.get("q") and not d.get("filters") and not any(d.get(k) for k in _DATES)


def validate(ctx: AppContext, params: SearchParams) -> None:
    """A search that cannot run is refused when saved (BadQuery: the same 400 as the search itself)."""
    build_query(dataclasses.replace(params, cursor=None, size=1), ctx.settings, vocabulary=ctx.thesaurus.vocabulary())


# ---- typed answers --------------------------------------------------------------------------------------
class HistoryItem(BaseModel):
    id: int
    params: dict[str, Any]
    total: int
    at: dt.datetime
    url: str
    case_documents: bool


class SavedSearchOut(BaseModel):
    id: int
    name: str
    params: dict[str, Any]
    visibility: str
    division: str | None
    owner: str
    mine: bool
    followed: bool
    email: str | None
    created_at: dt.datetime
    url: str


class SavedHitOut(BaseModel):
    id: str
    kind: str
    title: str
    source: str
    countries: list[str]
    published: dt.date | None
    doc_type: str | None
    snippets: list[str]


class SavedResultsOut(BaseModel):
    saved_search_id: int
    name: str
    total: int
    hits: list[SavedHitOut]
    next_cursor: str | None


def results_out(s: SavedSearch, params: SearchParams, result: SearchResult) -> SavedResultsOut:
    return SavedResultsOut(
        saved_search_id=s.id,
        name=s.name,
        total=result.total,
        hits=[
            SavedHitOut(
                id=h.id,
                kind=h.kind,
                title=h.title,
                source=h.source,
                countries=h.countries,
                published=h.published,
                doc_type=h.doc_type,
                snippets=h.snippets,
            )
            for h in result.hits
        ],
        next_cursor=encode_cursor(result.next_cursor, params.sort),
    )


class SavedSearchIn(BaseModel):
    name: str
    q: str | None = None
    filters: dict[str, list[str]] = {}
    published_from: str | None = None
    published_to: str | None = None
    added_from: str | None = None
    added_to: str | None = None
    events_from: str | None = None
    events_to: str | None = None
    sort: str = "relevance"
    order: str = "desc"
    match: str = "best"
    expand: bool = True
    visibility: Visibility = "private"

    def params(self) -> SearchParams:
        return SearchParams(
            q=self.q,
            filters=self.filters,
            sort=self.sort,
            order=self.order,
            match=self.match,
            expand=self.expand,
            published_from=self.published_from,
            published_to=self.published_to,
            added_from=self.added_from,
            added_to=self.added_to,
            events_from=self.events_from,
            events_to=self.events_to,
        )


# ---- history --------------------------------------------------------------------------------------------
def record_search(ctx: AppContext, user: Principal, params: SearchParams, result: SearchResult) -> None:
    """Keep a search the user ran on the page (the first page of it; paging is the same search)."""
    if params.cursor:
        return
    data = params_to_dict(params)
    if is_empty(data):
        return
    case_hits = [h.id for h in result.hits if h.kind == "case_document"]
    case_ids = sorted({d.case_id for d in ctx.store.get_many(case_hits) if d.case_id}) if case_hits else []
    last = ctx.history.latest(user.user_id)
    if last is not None and last.params == data and sorted(last.case_ids or []) == case_ids:
        ctx.history.touch(last.id, result.total)
        return
    audit = [AuditEntry(user.username, "history.record", case_id) for case_id in case_ids]
    entry = SearchHistoryEntry(user_id=user.user_id, params=data, total=result.total, case_ids=case_ids)
    ctx.history.add(entry, ctx.settings.history_size, audit)


def history(ctx: AppContext, user: Principal, locale: str) -> list[HistoryItem]:
    entries = ctx.history.of_user(user.user_id, ctx.settings.history_size)
    visible: frozenset[str] | None = None
    if any(e.case_ids for e in entries):
        visible = ctx.cases.search_permission(user).case_ids
    shown: list[HistoryItem] = []
    seen_cases: set[str] = set()
    for e in entries:
        cases = set(e.case_ids or [])
        if cases and (visible is not None and not cases <= visible):
            continue  # need-to-know lost since: the entry is not shown (its query named the case's documents)
        seen_cases |= cases
        shown.append(
            HistoryItem(
                id=e.id,
                params=e.params,
                total=e.total,
                at=e.at,
                url=search_url(e.params, locale),
                case_documents=bool(cases),
            )
        )
    if seen_cases:
        ctx.audit.append([AuditEntry(user.username, "history.view", case_id) for case_id in sorted(seen_cases)])
    return shown


def clear_history(ctx: AppContext, user: Principal, entry_id: int | None = None) -> int:
    return ctx.history.clear(user.user_id, entry_id)


# ---- saved searches -------------------------------------------------------------------------------------
def may_see(user: Principal, s: SavedSearch) -> bool:
    return (
        s.owner_id == user.user_id
        or s.visibility == "desk"
        or (s.visibility == "division" and s.division is not None and s.division == user.division)
    )


def _owner_names(ctx: AppContext, ids: set[int]) -> dict[int, str]:
    out = {}
    for i in ids:
        u = ctx.accounts.records.get(i)
        out[i] = u.username if u else "?"
    return out


def _out(ctx: AppContext, user: Principal, s: SavedSearch, owner: str, locale: str, follows: dict) -> SavedSearchOut:  # type: ignore[type-arg]
    f = follows.get(s.id)
    return SavedSearchOut(
        id=s.id,
        name=s.name,
        params=s.params,
        visibility=s.visibility,
        division=s.division,
        owner=owner,
        mine=s.owner_id == user.user_id,
        followed=f is not None,
        email=f.email if f else None,
        created_at=s.created_at,
        url=search_url(s.params, locale) + f"&saved={s.id}",
    )


def create_saved(ctx: AppContext, user: Principal, data: SavedSearchIn, locale: str = "fr") -> SavedSearchOut:
    name = " ".join(data.name.split())
    if not 1 <= len(name) <= 200:
        raise InvalidInput("saved_search_name")
    if data.visibility not in VISIBILITIES:
        raise InvalidInput("saved_search_visibility")
    params = data.params()
    validate(ctx, params)
    stored = params_to_dict(params)
    if is_empty(stored):
        raise InvalidInput("saved_search_empty")
    if data.visibility != "private" and "case_document" in (stored.get("filters") or {}).get("kind", []):
        # a search of case documents names what an officer looks for in a case: it stays its author's
        raise InvalidInput("saved_search_case_private")
    if data.visibility == "division" and not user.division:
        raise InvalidInput("saved_search_no_division")
    s = SavedSearch(
        owner_id=user.user_id,
        name=name,
        params=stored,
        visibility=data.visibility,
        division=user.division if data.visibility == "division" else None,
    )
    s.id = ctx.saved.add(s)
    saved = ctx.saved.get(s.id)
    assert saved is not None
    return _out(ctx, user, saved, user.username, locale, {})


def saved_searches(ctx: AppContext, user: Principal, locale: str = "fr") -> list[SavedSearchOut]:
    found = ctx.saved.visible_to(user.user_id, user.division)
    owners = _owner_names(ctx, {s.owner_id for s in found})
    follows = ctx.saved.follows_of(user.user_id)
    return [_out(ctx, user, s, owners[s.owner_id], locale, follows) for s in found]


def visible_saved(ctx: AppContext, user: Principal, search_id: int) -> SavedSearch:
    s = ctx.saved.get(search_id)
    if s is None or not may_see(user, s):
        raise NotFound(str(search_id))
    return s


def saved_search(ctx: AppContext, user: Principal, search_id: int, locale: str = "fr") -> SavedSearchOut:
    s = visible_saved(ctx, user, search_id)
    return _out(ctx, user, s, _owner_names(ctx, {s.owner_id})[s.owner_id], locale, ctx.saved.follows_of(user.user_id))


def delete_saved(ctx: AppContext, user: Principal, search_id: int) -> None:
    s = visible_saved(ctx, user, search_id)
    if s.owner_id != user.user_id:
        raise Forbidden("not_owner")
    ctx.saved.delete(search_id)


def run_saved(
    ctx: AppContext, user: Principal, search_id: int, size: int = 20, cursor: str | None = None
) -> tuple[SavedSearch, SearchParams, SearchResult]:
    """Run a saved search now, under the reader's own permission filter (case hits audited by search_as)."""
    s = visible_saved(ctx, user, search_id)
    params = dataclasses.replace(params_from_dict(s.params), size=size, cursor=cursor)
    return s, params, search_as(ctx, user, params)


def follow(ctx: AppContext, user: Principal, search_id: int, email: str = "none") -> None:
    visible_saved(ctx, user, search_id)
    if email not in EMAIL_MODES:
        raise InvalidInput("follow_email_mode")
    ctx.saved.follow(search_id, user.user_id, email)


def unfollow(ctx: AppContext, user: Principal, search_id: int) -> int:
    visible_saved(ctx, user, search_id)
    return ctx.saved.unfollow(search_id, user.user_id)
