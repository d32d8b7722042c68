"""The document viewer: the text cut into its pages, the query's words and a matched passage marked.

The words are found with the same matcher as the search snippets (one analysis for both engines), over the
whole text, so "next hit" walks every occurrence, not only those of the three snippets. Offsets stay those
of the stored text: a page's first character, a passage found by meaning and a citation all agree.
"""

from __future__ import annotations

import bisect
import itertools
import re

from pydantic import BaseModel

from config.settings import Settings
from services.expansion import Vocabulary
from services.search import SearchParams, build_query
from store.index.errors import BadQuery
from store.index.highlight import match_spans, matcher_for
from store.models import Document

MAX_VIEW_HITS = 2000  # marks in one document (the hit bar says when there are more)
MAX_VIEW_CHARS = 5_000_000
_LEFTOVERS = re.compile(r"[\x0c\xad\u200b]")  # form feeds, soft hyphens, zero-width spaces from extraction
_BLANK_RUNS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_SPLIT_WORD = re.compile(r"([a-zà-ÿ])-\n[ \t]*([a-zà-ÿ])")  # "interna-\ntional" (not "Nord-\nKivu")
_PAGE_OF = re.compile(r"^[ \t]*(?:page|p\.)[ \t]*\d{1,4}[ \t]*(?:/|of|sur|de)[ \t]*\d{1,4}[ \t]*$", re.I | re.M)


class Part(BaseModel):
    text: str
    hit: int | None = None  # number of the occurrence (1-based) when this part is a matched word
    passage: bool = False  # inside the passage matched by meaning


class ViewPage(BaseModel):
    number: int | None  # page of the original (None: the original has no pages)
    start: int
    parts: list[Part]


class DocumentView(BaseModel):
    pages: list[ViewPage]
    hits: int
    more_hits: bool  # more occurrences than are marked
    paged: bool
    passage: tuple[int, int] | None


def clean_leftovers(text: str) -> str:
    """What extraction leaves that a reader should not see; offsets are not used after this."""
    text = _PAGE_OF.sub("", _SPLIT_WORD.sub(r"\1\2", _LEFTOVERS.sub("", text)))
    return _BLANK_RUNS.sub("\n\n", text)


def query_spans(d: Document, q: str | None, settings: Settings, vocabulary: Vocabulary | None) -> list[tuple[int, int]]:
    if not q or not q.strip():
        return []
    try:
        query = build_query(SearchParams(q=q, match="best"), settings, vocabulary=vocabulary)
    except BadQuery:  # a query the search page refused highlights nothing here
        return []
    matcher = matcher_for(query.tree)
    return match_spans(d.text, d.language, matcher, limit=MAX_VIEW_HITS + 1, scan_chars=MAX_VIEW_CHARS)


def document_view(
    d: Document,
    q: str | None,
    settings: Settings,
    vocabulary: Vocabulary | None,
    passage: tuple[int, int] | None = None,
) -> DocumentView:
    text = d.text or ""
    spans = query_spans(d, q, settings, vocabulary)
    more = len(spans) > MAX_VIEW_HITS
    spans = spans[:MAX_VIEW_HITS]
    if passage is not None and not (0 <= passage[0] < passage[1] <= len(text)):
        passage = None
    starts = [int(s) for s in ((d.extra or {}).get("page_starts") or []) if 0 <= int(s) <= len(text)]
    paged = len(starts) > 1
    bounds = sorted(set(starts)) if paged else [0]
    if bounds[0] != 0:
        bounds.insert(0, 0)
    # every cut point: page starts, hit edges, passage edges
    cuts = set(bounds) | {0, len(text)}
    for a, b in spans:
        cuts |= {a, b}
    if passage:
        cuts |= set(passage)
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    hit_at = {a: (i + 1, b) for i, (a, b) in enumerate(spans)}
    pages: list[ViewPage] = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else len(text)
        number = (bisect.bisect_right(starts, start) if paged else None) or (1 if paged else None)
        parts: list[Part] = []
        lo = bisect.bisect_left(points, start)
        hi = bisect.bisect_right(points, end)
        seg = points[lo:hi]
        for a, b in itertools.pairwise(seg):
            if a >= b:
                continue
            hit = hit_at.get(a)
            in_passage = bool(passage and passage[0] <= a and b <= passage[1])
            piece = text[a:b]
            if hit is None:
                piece = clean_leftovers(piece)
            parts.append(Part(text=piece, hit=hit[0] if hit and hit[1] == b else None, passage=in_passage))
        pages.append(ViewPage(number=number, start=start, parts=parts))
    return DocumentView(pages=pages, hits=len(spans), more_hits=more, paged=paged, passage=passage)
