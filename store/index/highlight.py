"""Highlighted snippets built from HTML-escaped text, identical in meaning for every engine.

The snippet text is escaped before ``<mark>`` tags are added, so a document that contains
``<script>`` renders it as text (threat 3 in SECURITY.md).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from store.index.analysis import Chain, analyze_word, chain_for_language, is_neutral
from store.index.query import And, Boost, Node, Not, Or, Phrase, Term, Wildcard
from store.index.query_parser import wildcard_regex
from textnorm import iter_raw_tokens

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
MAX_SCAN_CHARS = 400_000


@dataclass
class Matcher:
    terms: dict[Chain, set[str]] = field(default_factory=lambda: {"fr": set(), "en": set(), "exact": set()})
    wildcards: list[re.Pattern[str]] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(self.terms.values()) and not self.wildcards

    def matches(self, raw: str, chain: Chain | None) -> bool:
        exact = analyze_word(raw, "exact")
        if exact is None:
            return False
        if exact in self.terms["exact"]:
            return True
        if chain is not None and analyze_word(raw, chain) in self.terms[chain]:
            return True
        return any(w.fullmatch(exact) for w in self.wildcards)


def matcher_for(tree: Node) -> Matcher:
    m = Matcher()
    _collect(tree, m)
    return m


def _collect(node: Node, m: Matcher) -> None:
    if isinstance(node, Term | Phrase):
        for raw, _, _ in iter_raw_tokens(node.text):
            for chain in ("fr", "en", "exact"):
                term = analyze_word(raw, chain)  # type: ignore[arg-type]
                if term is not None and not (chain == "exact" and is_neutral(raw)):
                    m.terms[chain].add(term)  # type: ignore[index]
    elif isinstance(node, Wildcard):
        m.wildcards.append(re.compile(wildcard_regex(node.pattern)))
    elif isinstance(node, And | Or):
        for child in node.children:
            _collect(child, m)
    elif isinstance(node, Boost):
        _collect(node.child, m)
    elif isinstance(node, Not):
        return


def snippets(text: str, language: str | None, matcher: Matcher) -> list[str]:
    """Up to three escaped fragments around the densest matches, or the opening of the text."""
    if not text:
        return []
    chain = chain_for_language(language)
    spans: list[tuple[int, int]] = []
    if not matcher.empty():
        for raw, start, end in iter_raw_tokens(text[:MAX_SCAN_CHARS]):
            if matcher.matches(raw, chain):
                spans.append((start, end))
    if not spans:
        return [_fragment(text, 0, min(len(text), FRAGMENT_CHARS), [])]
    fragments: list[tuple[int, int, list[tuple[int, int]]]] = []
    i = 0
    while i < len(spans) and len(fragments) < MAX_FRAGMENTS * 4:
        start = max(0, spans[i][0] - FRAGMENT_CHARS // 3)
        end = min(len(text), start + FRAGMENT_CHARS)
        inside = [s for s in spans[i:] if s[1] <= end]
        fragments.append((start, end, inside))
        i += max(1, len(inside))
    best = sorted(fragments, key=lambda f: (-len({text[a:b].lower() for a, b in f[2]}), -len(f[2]), f[0]))
    chosen = sorted(best[:MAX_FRAGMENTS], key=lambda f: f[0])
    return [_fragment(text, s, e, inside) for s, e, inside in chosen]


def _fragment(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    # widen to word boundaries
    while start > 0 and not text[start - 1].isspace() and start > end - FRAGMENT_CHARS - 30:
        start -= 1
    while end < len(text) and not text[end].isspace() and end < start + FRAGMENT_CHARS + 30:
        end += 1
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        out.append(html.escape(text[cursor:a]))
        out.append("<mark>" + html.escape(text[a:b]) + "</mark>")
        cursor = b
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return " ".join("".join(out).split())
