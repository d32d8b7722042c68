"""Translate a parsed query tree into tantivy queries over pre-analysed fields.

Every field holds tokens produced by ``analysis.py`` (the same chains as the Elasticsearch
analysers); query words go through the same chains here, so matching never depends on a tokenizer
registered inside tantivy.
"""

from __future__ import annotations

import tantivy

from store.index.analysis import Chain, analyze, is_neutral
from store.index.base import day_number, month_number
from store.index.query import (
    ENGINE_FILTER_FIELDS,
    And,
    Boost,
    DateRange,
    FieldFilter,
    MatchAll,
    Node,
    Not,
    Or,
    Permission,
    Phrase,
    Term,
    Wildcard,
)
from store.index.query_parser import wildcard_regex
from textnorm import fold_phrase, iter_raw_tokens

# field -> (chain, boost)
TEXT_FIELDS: dict[str, tuple[Chain, float]] = {
    "content_fr": ("fr", 1.0),
    "content_en": ("en", 1.0),
    "content_exact": ("exact", 0.4),
    "title_exact": ("exact", 2.0),
}
KEYWORD_FIELD = {name: name for name in ENGINE_FILTER_FIELDS}
ALIAS_BOOST = 0.3

Occur = tantivy.Occur


def _field_query(schema: tantivy.Schema, field: str, chain: Chain, text: str, slop: int) -> tantivy.Query | None:
    tokens = analyze(text, chain)
    if not tokens:
        return None
    if len(tokens) == 1:
        return tantivy.Query.term_query(schema, field, tokens[0].term)
    base = tokens[0].position
    words: list[str | tuple[int, str]] = [(t.position - base, t.term) for t in tokens]
    return tantivy.Query.phrase_query(schema, field, words, slop)


def _text_query(schema: tantivy.Schema, text: str, slop: int, is_term: bool) -> tantivy.Query | None:
    # A word that every stemmed chain drops (a stop word) is neutral, as in Elasticsearch. A word
    # that only one language drops ("les", "the") is neutral for documents in that language only.
    if is_term and is_neutral(text):
        return None
    clauses = []
    for field, (chain, boost) in TEXT_FIELDS.items():
        q = _field_query(schema, field, chain, text, slop)
        if q is None and chain != "exact":
            q = tantivy.Query.const_score_query(tantivy.Query.term_query(schema, "language", chain), 0.0)
        elif q is not None and boost != 1.0:
            q = tantivy.Query.boost_query(q, boost)
        if q is not None:
            clauses.append((Occur.Should, q))
    # the whole query text may be another spelling of a place or actor the document mentions
    key = fold_phrase(text)
    if key:
        alias = tantivy.Query.term_query(schema, "alias_key", key)
        clauses.append((Occur.Should, tantivy.Query.boost_query(alias, ALIAS_BOOST)))
    if not clauses:
        return None
    return tantivy.Query.boolean_query(clauses)


def to_query(schema: tantivy.Schema, node: Node) -> tantivy.Query | None:
    """The tantivy query for a tree node; None for a node that constrains nothing."""
    if isinstance(node, MatchAll):
        return tantivy.Query.all_query()
    if isinstance(node, Term):
        return _text_query(schema, node.text, 0, is_term=True)
    if isinstance(node, Phrase):
        if not any(True for _ in iter_raw_tokens(node.text)):
            return None
        return _text_query(schema, node.text, node.slop, is_term=False)
    if isinstance(node, Wildcard):
        regex = wildcard_regex(node.pattern)
        return tantivy.Query.boolean_query(
            [
                (Occur.Should, tantivy.Query.boost_query(tantivy.Query.regex_query(schema, field, regex), boost))
                for field, (chain, boost) in TEXT_FIELDS.items()
                if chain == "exact"
            ]
        )
    if isinstance(node, Not):
        inner = to_query(schema, node.child)
        if inner is None:
            return None
        return tantivy.Query.boolean_query([(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, inner)])
    if isinstance(node, And):
        clauses = []
        positive = False
        for child in node.children:
            if isinstance(child, Not):
                inner = to_query(schema, child.child)
                if inner is not None:
                    clauses.append((Occur.MustNot, inner))
                continue
            q = to_query(schema, child)
            if q is not None:
                clauses.append((Occur.Must, q))
                positive = True
        if not clauses:
            return None
        if not positive:
            clauses.append((Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)
    if isinstance(node, Or):
        shoulds = [(Occur.Should, q) for child in node.children if (q := to_query(schema, child)) is not None]
        if not shoulds:
            return None
        return tantivy.Query.boolean_query(shoulds)
    if isinstance(node, Boost):
        inner = to_query(schema, node.child)
        return None if inner is None else tantivy.Query.boost_query(inner, node.factor)
    raise TypeError(f"unknown node {node!r}")


def filter_clauses(
    schema: tantivy.Schema,
    filters: tuple[FieldFilter, ...],
    ranges: tuple[DateRange, ...],
    permission: Permission,
) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for f in filters:
        q = tantivy.Query.term_set_query(schema, KEYWORD_FIELD[f.field], list(f.values))
        clauses.append((Occur.MustNot if f.negate else Occur.Must, q))
    for r in ranges:
        if r.field == "events":
            field = "event_month"
            lo = month_number(r.gte) if r.gte else None
            hi = month_number(r.lte) if r.lte else None
        else:
            field = f"{r.field}_day"
            lo = day_number(r.gte) if r.gte else None
            hi = day_number(r.lte) if r.lte else None
        if lo is None and hi is None:
            continue
        clauses.append((Occur.Must, tantivy.Query.range_query(schema, field, tantivy.FieldType.Integer, lo, hi)))
    clauses.extend(permission_clauses(schema, permission))
    return clauses


def permission_clauses(schema: tantivy.Schema, permission: Permission) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """Hide case documents of every case the user may not see (need-to-know)."""
    if permission.case_ids is None:
        return []
    case_docs = tantivy.Query.term_query(schema, "kind", "case_document")
    if permission.case_ids:
        allowed = tantivy.Query.term_set_query(schema, "case_id", sorted(permission.case_ids))
        forbidden = tantivy.Query.boolean_query([(Occur.Must, case_docs), (Occur.MustNot, allowed)])
    else:
        forbidden = case_docs
    return [(Occur.MustNot, forbidden)]
