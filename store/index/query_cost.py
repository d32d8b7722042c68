"""What a query tree will cost an engine, checked before any engine runs it.

Both engines do work that grows with the shape of a query, not with the number of results: a sloppy
phrase of many (or repeated) words makes the engine try every arrangement of their positions — twenty
repetitions of "de" with a slop of 50 took a server to 23 GB — a wildcard unions the postings of every
term it expands to, and every phrase and term is highlighted in every hit. ``check_cost`` prices a tree
with one scale and refuses, with a clear ``BadQuery``, a tree over the budget, so an expensive query
fails alone and fast instead of taking the process down.

Prices (units of "one term looked up in the fields of both languages"):
- term: 1;
- exact phrase of n tokens: n;
- sloppy phrase of n tokens with slop s: n × (1 + s) × (the largest number of times one token repeats),
  and at most ``max_sloppy_tokens`` tokens;
- wildcard: 50 with a two-letter prefix, 25 with three, 10 with a longer one;
- a negated subtree costs what the subtree costs; boosts are free.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from store.index.errors import BadQuery
from store.index.query import And, Boost, MatchAll, Node, Not, Or, Phrase, Term, Wildcard
from textnorm import fold, iter_raw_tokens


@dataclass(frozen=True)
class Budget:
    max_cost: int = 1500
    max_sloppy_tokens: int = 12
    max_phrase_tokens: int = 48
    max_sloppy_cost: int = 600


def _phrase_tokens(text: str) -> list[str]:
    return [fold(tok) for tok, _, _ in iter_raw_tokens(text)]


def _wildcard_cost(pattern: str) -> int:
    prefix = min((i for i, c in enumerate(pattern) if c in "*?"), default=len(pattern))
    return 50 if prefix <= 2 else 25 if prefix == 3 else 10


def node_cost(node: Node, budget: Budget) -> int:
    """The price of ``node``; raises ``BadQuery`` as soon as one part alone is too expensive."""
    total = 0
    stack: list[Node] = [node]
    while stack:  # iterative: a tree of any depth cannot exhaust the interpreter's stack
        n = stack.pop()
        if isinstance(n, Term):
            total += 1
        elif isinstance(n, Phrase):
            tokens = _phrase_tokens(n.text)
            if len(tokens) > budget.max_phrase_tokens:
                raise BadQuery("phrase_too_long", max=budget.max_phrase_tokens)
            if n.slop and len(tokens) > 1:
                if len(tokens) > budget.max_sloppy_tokens:
                    raise BadQuery("proximity_too_long", max=budget.max_sloppy_tokens)
                repeat = max(Counter(tokens).values())
                cost = len(tokens) * (1 + n.slop) * repeat
                if cost > budget.max_sloppy_cost:
                    raise BadQuery("query_too_costly")
                total += cost
            else:
                total += len(tokens)
        elif isinstance(n, Wildcard):
            total += _wildcard_cost(n.pattern)
        elif isinstance(n, And | Or):
            stack.extend(n.children)
        elif isinstance(n, Not | Boost):
            stack.append(n.child)
        elif isinstance(n, MatchAll):
            total += 1
        if total > budget.max_cost:
            raise BadQuery("query_too_costly")
    return total


def check_cost(node: Node, budget: Budget | None = None) -> int:
    return node_cost(node, budget or Budget())
