"""The typed search request and result shared by both engines.

A ``SearchQuery`` is built once from the HTTP request (services/search.py) and translated by each
backend; the query text is parsed by ``query_parser.parse`` into the small tree defined here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# ---- query tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str
    slop: int = 0


@dataclass(frozen=True)
class Wildcard:
    pattern: str  # user pattern with * and ?, already folded to lower-case ASCII


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class MatchAll:
    pass


@dataclass(frozen=True)
class Boost:
    """Scales the score of ``child``: query expansions weigh less than the words the user typed."""

    child: Node
    factor: float


Node = Term | Phrase | Wildcard | And | Or | Not | MatchAll | Boost

# ---- request ------------------------------------------------------------------------------------

FILTER_FIELDS: tuple[str, ...] = ("kind", "country", "source", "doc_type", "language", "place", "actor", "topic")
# what engines filter on: the user's filters, and document ids (internal: hybrid search restricts the engine
# to the candidates found by meaning, so filters and the permission filter apply to them too)
ENGINE_FILTER_FIELDS: tuple[str, ...] = (*FILTER_FIELDS, "id")
FACET_FIELDS: tuple[str, ...] = ("country", "source", "doc_type", "language", "kind", "year", "place", "actor", "topic")
SortKey = Literal["relevance", "published", "added"]


@dataclass(frozen=True)
class FieldFilter:
    field: str
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class DateRange:
    field: Literal["published", "added", "events"]
    gte: dt.date | None = None
    lte: dt.date | None = None


@dataclass(frozen=True)
class Permission:
    """Who is searching: case documents are visible only for the listed cases (need-to-know).

    ``case_ids=None`` would mean every case; the default sees none. Applied by every backend to
    every query, facet count and snippet.
    """

    case_ids: frozenset[str] | None = frozenset()


@dataclass(frozen=True)
class SearchQuery:
    tree: Node = field(default_factory=MatchAll)
    filters: tuple[FieldFilter, ...] = ()
    ranges: tuple[DateRange, ...] = ()
    sort: SortKey = "relevance"
    descending: bool = True
    facets: tuple[str, ...] = FACET_FIELDS
    facet_size: int = 30
    highlight: bool = True
    limit: int = 20
    cursor: Cursor | None = None
    permission: Permission = field(default_factory=Permission)
    expansions: tuple[str, ...] = ()  # what expansion added to the tree (for display; engines ignore it)
    all_words: Node | None = None  # best-match: the tree of "every word" (engines ignore it; counted apart)
    semantic_text: str | None = None  # hybrid: the words to search by meaning too (engines ignore it)


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: an offset for relevance, a sort key for date sorts."""

    offset: int = 0
    after_key: int | None = None


# ---- result -------------------------------------------------------------------------------------


@dataclass
class Hit:
    id: str
    kind: str
    title: str
    source: str
    countries: list[str]
    language: str | None
    published: dt.date | None
    added: dt.date | None
    doc_type: str | None
    score: float
    snippets: list[str]
    sort_key: int
    page: int | None = None  # page of the first snippet, for paged originals (set after the engine)
    matched: tuple[str, ...] = ()  # hybrid: why it is here: "words" (lexical), "meaning" (a passage, dense)
    passage: str | None = None  # hybrid: the passage matched by meaning (escaped), and its page
    passage_page: int | None = None
    passage_span: tuple[int, int] | None = None  # its offsets in the text (the viewer highlights it)


@dataclass
class FacetBucket:
    value: str
    count: int


def next_page(query: SearchQuery, hits: list[Hit], total: int, max_relevance_depth: int) -> Cursor | None:
    """Where the page after ``hits`` starts: after the last sort key, or at the next offset."""
    if len(hits) < query.limit:
        return None
    if query.sort != "relevance":
        return Cursor(after_key=hits[-1].sort_key)
    offset = (query.cursor or Cursor()).offset + query.limit
    return Cursor(offset=offset) if offset < min(total, max_relevance_depth) else None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]]
    next_cursor: Cursor | None
    also_searched: tuple[str, ...] = ()  # query expansions (thesaurus, aliases), shown to the user
    mode: str = "boolean"  # boolean (operators, or one word) | all_words | closest (best-match)
    all_words_total: int | None = None  # best-match: how many documents contain every word
    hybrid: bool = False  # results fused from the words and the meaning (dense passages)
