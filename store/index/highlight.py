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
from textnorm import TOKEN_RE, fold, iter_raw_tokens

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
MAX_SCAN_CHARS = 400_000


MAX_SPANS = 400


def _fold_table() -> dict[int, str]:
    """Each accented Latin letter to its one ASCII letter ("é" -> "e"): the scanner's character classes."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        folded = fold(chr(code))
        if folded and folded.isascii():
            table[code] = folded[0]
    return table


_FOLD = _fold_table()
_VARIANTS: dict[str, str] = {}  # ASCII letter -> the letters that fold to it ("e" -> "eéèêë…")
for _code, _letter in _FOLD.items():
    _VARIANTS[_letter] = _VARIANTS.get(_letter, _letter) + chr(_code)
SNIPPET_SPANS = 48  # matches enough to choose three fragments; the scan stops there, however long the text


def _prefix_pattern(prefixes: set[str]) -> str:
    """One pattern for the word starts of ``prefixes``, over the raw text (no folded copy of it is made):
    accents by character classes, case by re.I, and the alternatives grouped by their first letter so that
    each word of the text tries only the prefixes that can start it (Python's re does not factor them)."""
    by_first: dict[str, list[str]] = {}
    for p in sorted(prefixes, key=len, reverse=True):
        by_first.setdefault(p[0], []).append(_accent_blind(p[1:]))
    firsts = "".join(_VARIANTS.get(f, f) for f in sorted(by_first))
    # a pattern that starts with one character class lets re skip, in C, every character no prefix starts
    # with; then "not inside a word" (the \b before it) and the prefixes of that first letter
    groups = [f"(?<=[{re.escape(_VARIANTS.get(f, f))}])(?:{'|'.join(rests)})" for f, rests in sorted(by_first.items())]
    return f"[{re.escape(firsts)}]" + r"(?<!\w.)(?:" + "|".join(groups) + ")"


def _accent_blind(prefix: str) -> str:
    """A pattern matching ``prefix`` (folded) in raw text, whatever its accents (case is left to re.I)."""
    return "".join(f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c) for c in prefix)


@dataclass
class Matcher:
    terms: dict[Chain, set[str]] = field(default_factory=lambda: {"fr": set(), "en": set(), "exact": set()})
    wildcards: list[re.Pattern[str]] = field(default_factory=list)
    prefixes: set[str] = field(default_factory=set)  # what a matching token's folded form starts with
    _scan: re.Pattern[str] | None = None

    def scanner(self) -> re.Pattern[str]:
        """One regular expression over the folded text (run in C) that finds every place a matching token
        may start, so the Python work grows with the matches, not with the length of the document."""
        if self._scan is None:
            long = {p for p in self.prefixes if len(p) >= 3}
            chosen = long or self.prefixes  # two-letter words only when the query has nothing longer
            self._scan = re.compile(_prefix_pattern({p for p in chosen if p}), re.IGNORECASE)
        return self._scan

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
                    # stemmers strip or rewrite the end ("country" -> "countri"): a shorter prefix is safe
                    m.prefixes.add(term[: max(3, len(term) - 2)] if len(term) > 3 else term)
    elif isinstance(node, Wildcard):
        m.wildcards.append(re.compile(wildcard_regex(node.pattern)))
        m.prefixes.add(node.pattern[: min(i for i, c in enumerate(node.pattern + "*") if c in "*?")])
    elif isinstance(node, And | Or):
        for child in node.children:
            _collect(child, m)
    elif isinstance(node, Boost):
        _collect(node.child, m)
    elif isinstance(node, Not):
        return


def match_spans(
    text: str, language: str | None, matcher: Matcher, limit: int = MAX_SPANS, scan_chars: int = MAX_SCAN_CHARS
) -> list[tuple[int, int]]:
    """Offsets of the tokens the query matches, in text order: the snippets' marks and the viewer's hits."""
    spans: list[tuple[int, int]] = []
    if not text or matcher.empty():
        return spans
    chain = chain_for_language(language)
    scope = text[:scan_chars]
    seen = -1
    for candidate in matcher.scanner().finditer(scope):
        start = candidate.start()
        while (
            start > 0 and start > candidate.start() - 30 and (scope[start - 1].isalnum() or scope[start - 1] in ".'’")
        ):
            start -= 1  # back to the start of the token ("l'excision")
        token = TOKEN_RE.match(scope, start)
        if token is None or token.start() <= seen:
            continue
        seen = token.start()
        if matcher.matches(token.group(), chain):
            spans.append((token.start(), token.end()))
            if len(spans) >= limit:
                break
    return spans


def snippets(text: str, language: str | None, matcher: Matcher) -> list[str]:
    """Up to three escaped fragments around the densest matches, or the opening of the text."""
    if not text:
        return []
    spans = match_spans(text, language, matcher, limit=SNIPPET_SPANS)
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
