"""The search grammar users know from ecoi.net, parsed once for both engines.

    query    := or_expr
    or_expr  := and_expr (("OR" | "OU") and_expr)*
    and_expr := unary (["AND" | "ET"] unary)*          -- AND is the default
    unary    := ("NOT" | "SAUF" | "-") unary | ["+"] primary
    primary  := "(" or_expr ")" | '"' words '"' ["~" N] | word   -- word may hold * and ?

Operators are recognised in capitals only, so "or" and "not" stay ordinary words. Errors raise
``BadQuery`` with a code that the API turns into a clear, translated message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.index.errors import BadQuery
from store.index.query import And, MatchAll, Node, Not, Or, Phrase, Term, Wildcard
from store.index.query_cost import Budget, check_cost
from textnorm import fold, normalize

_OR = {"OR", "OU", "||"}
_AND = {"AND", "ET", "&&"}
_NOT = {"NOT", "SAUF"}
_LEX_RE = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<q>"(?P<phrase>[^"]*)(?P<qend>"?)(?:~(?P<slop>\d+))?)|(?P<word>[^\s()"]+))'
)
MAX_DEPTH = 8
MAX_SLOP = 50
MIN_WILDCARD_PREFIX = 2


@dataclass(frozen=True)
class Limits:
    max_chars: int = 1000
    max_clauses: int = 64
    max_wildcards: int = 4
    budget: Budget = Budget()


@dataclass
class _Tok:
    kind: str  # lp rp phrase word op
    value: str
    slop: int = 0


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _LEX_RE.match(text, pos)
        if m is None:  # pragma: no cover - the pattern accepts any non-space run
            raise BadQuery("syntax")
        pos = m.end()
        if m.group("lp"):
            toks.append(_Tok("lp", "("))
        elif m.group("rp"):
            toks.append(_Tok("rp", ")"))
        elif m.group("q") is not None:
            if not m.group("qend"):
                raise BadQuery("unclosed_quote")
            slop = int(m.group("slop") or 0)
            if slop > MAX_SLOP:
                raise BadQuery("slop_too_large", max=MAX_SLOP)
            toks.append(_Tok("phrase", m.group("phrase"), slop))
        else:
            word = m.group("word")
            if word in _OR or word in _AND or word in _NOT:
                toks.append(_Tok("op", word))
                continue
            # leading signs, read one by one without recursion: "-x" excludes, "+x" is x, "--x" is x
            negations = 0
            while word[:1] in ("-", "+"):
                negations += word[0] == "-"
                word = word[1:]
            if negations % 2:
                toks.append(_Tok("op", "NOT"))
            word = _strip_punctuation(word)
            if word:
                toks.append(_Tok("word", word))
            elif negations % 2 and text[pos : pos + 1] not in ('"', "("):
                toks.pop()  # a lone sign is punctuation; right before a phrase or a group it excludes it
    return toks


_EDGE_PUNCT = "«»“”„\"'’‘.,;:!?…¿¡"


def _strip_punctuation(word: str) -> str:
    """Sentence punctuation around a word is not part of it: "Érythrée ?", "retour?", "«viol»", "preuves…".

    A ``?`` or ``*`` is a wildcard only inside a word or, for ``*``, at its end ("réfug*"): a ``?`` that
    ends a word (the question mark of a question) is punctuation, as are ``!``, ``:``, ellipses and quotes.
    """
    end = len(word)
    while end and word[end - 1] in _EDGE_PUNCT:
        end -= 1
    start = 0
    while start < end and word[start] in _EDGE_PUNCT:
        start += 1
    return word[start:end]


class _Parser:
    def __init__(self, toks: list[_Tok], limits: Limits) -> None:
        self.toks = toks
        self.i = 0
        self.limits = limits
        self.clauses = 0
        self.wildcards = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr(0)
        if self.peek() is not None:
            raise BadQuery("unbalanced_parenthesis")
        return node

    def or_expr(self, depth: int) -> Node:
        parts = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in _OR:
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind == "rp" or (nxt.kind == "op" and nxt.value in _OR | _AND):
                raise BadQuery("dangling_operator", operator=tok.value)
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self, depth: int) -> Node:
        parts: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "rp" or (tok.kind == "op" and tok.value in _OR):
                break
            if tok.kind == "op" and tok.value in _AND:
                self.take()
                nxt = self.peek()
                if not parts or nxt is None or nxt.kind == "rp" or (nxt.kind == "op" and nxt.value in _OR | _AND):
                    raise BadQuery("dangling_operator", operator=tok.value)
                continue
            parts.append(self.unary(depth))
        if not parts:
            raise BadQuery("empty_group")
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        negations = 0  # a run of NOTs is counted, not recursed into: NOT NOT x is x
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in _NOT:
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("rp",) or (nxt.kind == "op" and nxt.value in _OR | _AND):
                raise BadQuery("dangling_operator", operator=tok.value)
            negations += 1
        node = self.primary(depth)
        return Not(node) if negations % 2 else node

    def primary(self, depth: int) -> Node:
        tok = self.take()
        if tok.kind == "lp":
            if depth + 1 > MAX_DEPTH:
                raise BadQuery("too_deep", max=MAX_DEPTH)
            if (nxt := self.peek()) is not None and nxt.kind == "rp":
                raise BadQuery("empty_group")
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != "rp":
                raise BadQuery("unbalanced_parenthesis")
            self.take()
            return node
        if tok.kind == "rp":
            raise BadQuery("unbalanced_parenthesis")
        self._count()
        if tok.kind == "phrase":
            words = tok.value.strip()
            if not words:
                raise BadQuery("empty_phrase")
            return Phrase(words, tok.slop)
        word = tok.value
        if "*" in word or "?" in word:
            return self._wildcard(word)
        return Term(word)

    def _wildcard(self, word: str) -> Wildcard:
        self.wildcards += 1
        if self.wildcards > self.limits.max_wildcards:
            raise BadQuery("too_many_wildcards", max=self.limits.max_wildcards)
        folded = fold(word)
        first = min(i for i, c in enumerate(folded) if c in "*?")
        if first < MIN_WILDCARD_PREFIX:
            raise BadQuery("wildcard_prefix", min=MIN_WILDCARD_PREFIX)
        if not re.fullmatch(r"[\w*?.'’-]+", folded):
            raise BadQuery("wildcard_chars")
        return Wildcard(folded)

    def _count(self) -> None:
        self.clauses += 1
        if self.clauses > self.limits.max_clauses:
            raise BadQuery("too_many_clauses", max=self.limits.max_clauses)


def parse(text: str | None, limits: Limits | None = None) -> Node:
    """Parse a user query into a tree; an empty query matches every document."""
    limits = limits or Limits()
    if text is None:
        return MatchAll()
    if len(text) > limits.max_chars:
        raise BadQuery("query_too_long", max=limits.max_chars)
    if "\x00" in text:
        raise BadQuery("syntax")
    text = normalize(text).strip()
    if not text:
        return MatchAll()
    toks = _lex(text)
    if not toks:
        return MatchAll()
    tree = _Parser(toks, limits).parse()
    check_cost(tree, limits.budget)
    return tree


def wildcard_regex(pattern: str) -> str:
    """A folded wildcard pattern as an anchored regular expression over indexed terms."""
    out = []
    for c in pattern:
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        else:
            out.append(re.escape(c))
    return "".join(out)
