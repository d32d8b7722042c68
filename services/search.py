"""Build a ``SearchQuery`` from request parameters (one place for the API, the pages and the CLI)."""

from __future__ import annotations

import base64
import binascii
import bisect
import dataclasses
import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from config.settings import Settings
from services.best_match import best_match, drop_question_words, is_plain
from services.expansion import Vocabulary, expand
from services.hybrid import hybrid_search
from services.spelling import Dictionary, respell, with_spelling
from store.index.errors import BadQuery
from store.index.query import (
    FACET_FIELDS,
    FILTER_FIELDS,
    And,
    Cursor,
    DateRange,
    FieldFilter,
    Permission,
    SearchQuery,
    SearchResult,
    SortKey,
    Term,
)
from store.index.query_cost import Budget, check_cost
from store.index.query_parser import Limits, parse

if TYPE_CHECKING:
    from services.auth import Principal
    from services.context import AppContext

SORTS: tuple[SortKey, ...] = ("relevance", "published", "added")
_MARK = re.compile(r"</?mark>")


@dataclass
class SearchParams:
    q: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)  # value "-X" excludes X
    published_from: str | None = None
    published_to: str | None = None
    added_from: str | None = None
    added_to: str | None = None
    events_from: str | None = None  # events reported in this window, whatever the publication date
    events_to: str | None = None
    sort: str = "relevance"
    order: str = "desc"
    size: int = 20
    cursor: str | None = None
    facets: str | None = None  # comma-separated; None = all, "none" = no facet counts
    expand: bool = True  # thesaurus and alias expansion (weighted below the typed words)
    match: str = "all"  # "best": plain queries ranked best-match (the search page and API); "all": every word


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadQuery("bad_date", field=name, value=value[:40]) from exc


def encode_cursor(cursor: Cursor | None, sort: str) -> str | None:
    if cursor is None:
        return None
    payload = {"s": sort, "o": cursor.offset} if cursor.after_key is None else {"s": sort, "k": cursor.after_key}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str | None, sort: str) -> Cursor | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or payload.get("s") != sort:
            raise ValueError("cursor for another sort")
        if "k" in payload:
            key = payload["k"]
            if not isinstance(key, int) or key < 0:
                raise ValueError("bad key")
            return Cursor(after_key=key)
        offset = payload.get("o")
        if not isinstance(offset, int) or offset < 0:
            raise ValueError("bad offset")
        return Cursor(offset=offset)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadQuery("bad_cursor") from exc


def build_query(
    params: SearchParams,
    settings: Settings,
    permission: Permission | None = None,
    highlight: bool = True,
    vocabulary: Vocabulary | None = None,
    spelling: Dictionary | None = None,
) -> SearchQuery:
    limits = Limits(
        max_chars=settings.max_query_chars,
        max_clauses=settings.max_query_clauses,
        max_wildcards=settings.max_wildcards,
        budget=Budget(max_cost=settings.max_query_cost, max_sloppy_tokens=settings.max_sloppy_phrase_words),
    )
    tree = parse(params.q, limits)
    if params.match not in ("best", "all"):
        raise BadQuery("bad_match")
    words_only = params.match == "best" and is_plain(params.q, tree)
    if words_only:
        tree = drop_question_words(tree)
    plain = words_only and isinstance(tree, And)
    words = [c.text for c in tree.children if isinstance(c, Term)] if isinstance(tree, And) else []
    if words_only and isinstance(tree, Term):
        words = [tree.text]
    expansions: tuple[str, ...] = ()
    if params.expand and params.q:
        expanded = expand(tree, vocabulary)
        tree, expansions = expanded.tree, tuple(expanded.also_searched)
    if words_only and params.expand and spelling is not None:
        tree, corrected = with_spelling(tree, spelling)
        expansions += tuple(c for c in corrected if c not in expansions)
    all_words = None
    if plain and isinstance(tree, And):
        all_words = tree
        tree = best_match(words, tree.children, settings.max_sloppy_phrase_words)
    check_cost(tree, limits.budget)  # expansions and best-match clauses are priced too
    filters: list[FieldFilter] = []
    for name, values in params.filters.items():
        if name not in FILTER_FIELDS:
            raise BadQuery("unknown_filter", field=name)
        include = tuple(v for v in values if v and not v.startswith("-"))
        exclude = tuple(v[1:] for v in values if v.startswith("-") and len(v) > 1)
        if name == "country":
            include = tuple(v.upper() for v in include)
            exclude = tuple(v.upper() for v in exclude)
        if include:
            filters.append(FieldFilter(name, include))
        if exclude:
            filters.append(FieldFilter(name, exclude, negate=True))
    ranges = []
    for fname in ("published", "added", "events"):
        lo = _date(getattr(params, f"{fname}_from"), f"{fname}_from")
        hi = _date(getattr(params, f"{fname}_to"), f"{fname}_to")
        if lo and hi and lo > hi:
            raise BadQuery("bad_range", field=fname)
        if lo or hi:
            ranges.append(DateRange(fname, lo, hi))  # type: ignore[arg-type]
    if params.sort not in SORTS:
        raise BadQuery("bad_sort", value=params.sort[:20])
    if params.order not in ("asc", "desc"):
        raise BadQuery("bad_order")
    if not 1 <= params.size <= 100:
        raise BadQuery("bad_size", max=100)
    facets = FACET_FIELDS
    if params.facets is not None:
        wanted = tuple(f.strip() for f in params.facets.split(",") if f.strip() and f.strip() != "none")
        unknown = [f for f in wanted if f not in FACET_FIELDS]
        if unknown:
            raise BadQuery("unknown_facet", field=unknown[0][:30])
        facets = wanted
    return SearchQuery(
        facets=facets,
        tree=tree,
        filters=tuple(filters),
        ranges=tuple(ranges),
        sort=params.sort,  # type: ignore[arg-type]
        descending=params.order == "desc",
        limit=params.size,
        highlight=highlight,
        cursor=decode_cursor(params.cursor, params.sort),
        permission=permission or Permission(),
        expansions=expansions,
        all_words=all_words,
        # the model reads the question as typed (e5 was trained on natural queries)
        semantic_text=(params.q or "").strip() if words_only and params.expand and words else None,
    )


def search_as(ctx: AppContext, user: Principal, params: SearchParams, highlight: bool = True) -> SearchResult:
    """Search with the user's permission filter inside the engine; case documents shown are audited."""
    query = build_query(
        params,
        ctx.settings,
        ctx.cases.search_permission(user),
        highlight=highlight,
        vocabulary=ctx.thesaurus.vocabulary(),
        spelling=ctx.spelling.dictionary(),
    )
    if query.semantic_text and query.sort == "relevance" and ctx.dense.available():
        found = hybrid_search(ctx.index, ctx.dense, query)
    else:
        found = ctx.index.search(query)
    result = dataclasses.replace(found, also_searched=query.expansions)
    if query.all_words is not None:  # best-match: say whether some documents hold every word
        strict = dataclasses.replace(query, tree=query.all_words, limit=1, facets=(), highlight=False, cursor=None)
        result.all_words_total = ctx.index.search(strict).total
        result.mode = "all_words" if result.all_words_total else "closest"
    locate_pages(ctx, result)
    case_hits = [h.id for h in result.hits if h.kind == "case_document"]
    if case_hits:
        ctx.cases.audit_hits(user, [(d.id, d.case_id) for d in ctx.store.get_many(case_hits)])
    return result


def locate_pages(ctx: AppContext, result: SearchResult) -> None:
    """For documents whose original has pages, the page of each hit's first snippet (so the officer can
    cite "p. 12"). Done after the engine, in one place, for both engines."""
    wanted = [h for h in result.hits if h.snippets]
    paged = ctx.store.paged_texts([h.id for h in wanted]) if wanted else {}
    for h in wanted:
        if h.id not in paged:
            continue
        starts, text = paged[h.id]
        snippet = h.snippets[0]
        words = html.unescape(_MARK.sub("", snippet[max(0, snippet.find("<mark>")) :])).split()[:6]
        found = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
        if found:  # the first highlighted words, whatever the line breaks in the original
            h.page = bisect.bisect_right(starts, found.start())


@dataclass(frozen=True)
class Suggestion:
    """A way out of an empty result: what to change, and how many documents that would give."""

    kind: str  # without_filters | closest | with_expansion | spelling
    total: int
    change: dict[str, str]  # parameters to set ("" removes one)


def suggestions(ctx: AppContext, user: Principal, params: SearchParams) -> list[Suggestion]:
    """For a search that found nothing: the same words without filters or dates, ranked best match, or
    with the thesaurus, or spelled as the documents spell it — each counted under the user's permission
    filter. (The other language is not suggested yet: the thesaurus and the dense side already search it.)"""
    if not params.q:
        return []
    out: list[Suggestion] = []
    tries: list[tuple[str, SearchParams, dict[str, str]]] = []
    dates = ("published_from", "published_to", "added_from", "added_to", "events_from", "events_to")
    if params.filters or any(getattr(params, d) for d in dates):
        bare = dataclasses.replace(
            params,
            filters={},
            published_from=None,
            published_to=None,
            added_from=None,
            added_to=None,
            events_from=None,
            events_to=None,
        )
        tries.append(("without_filters", bare, {"filters": ""}))
    if params.match == "all":
        tries.append(("closest", dataclasses.replace(params, match="best"), {"match": "best"}))
    if not params.expand:
        tries.append(("with_expansion", dataclasses.replace(params, expand=True), {"expand": "1"}))
    dictionary = ctx.spelling.dictionary()
    respelled = respell(params.q, dictionary) if dictionary else params.q
    if respelled != params.q:
        tries.append(("spelling", dataclasses.replace(params, q=respelled), {"q": respelled}))
    for kind, p, change in tries:
        try:
            found = search_as(ctx, user, dataclasses.replace(p, size=1, facets="none"), highlight=False)
        except BadQuery:
            continue
        if found.total:
            out.append(Suggestion(kind, found.total, change))
    return out
