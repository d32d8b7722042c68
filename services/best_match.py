"""Best-match ranking for plain queries (words only, no operator): ranked results whenever documents match
part of the query, documents with all the words, the words close together or the exact phrase first.

A plain query ``w1 w2 ... wn`` becomes, before either engine sees it::

    OR( BOOST(AND(w1 ... wn), 2),  BOOST("w1 ... wn"~slop, 1.5),  w1, ..., wn )

Both engines score a disjunction as the sum of the clauses that match, so a document with every word
gets the AND clause on top of the single words, one with them close together the proximity clause too, and
a document with only some of the words still comes, lower. Built on the query tree, so the embedded engine
and Elasticsearch run the same query. A query with operators (``ET``/``AND``, ``OU``/``OR``, ``SAUF``,
``-``, quotes, ``~N``, wildcards, groups) keeps its exact boolean meaning and never comes here.
"""

from __future__ import annotations

import re

from config.analysis import QUESTION_WORDS
from store.index.query import And, Boost, Node, Or, Phrase, Term
from textnorm import fold

ALL_WORDS_BOOST = 2.0
PROXIMITY_BOOST = 1.5


_OPERATORS = re.compile(r"""(?:^|\s)(?:AND|ET|OR|OU|NOT|SAUF|&&|\|\|)(?=\s|$)|["()]|(?:^|\s)[-+]\w""")


def is_plain(text: str | None, tree: Node) -> bool:
    """Words only, typed without any operator: a single term, or terms joined by the implicit AND."""
    if not text or _OPERATORS.search(text):
        return False
    return isinstance(tree, Term) or (isinstance(tree, And) and all(isinstance(c, Term) for c in tree.children))


# French interrogative inversion: "risque-t-il", "peuvent-ils", "est-elle", "peut-on" -> the verb alone
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous|ce)$", re.IGNORECASE)


def drop_question_words(tree: Node) -> Node:
    """Without the words of the question itself ("quels", "est-il", "does") and with inverted verbs
    unhyphenated ("risque-t-il" is "risque"), unless nothing would be left."""
    terms = [tree] if isinstance(tree, Term) else list(tree.children) if isinstance(tree, And) else None
    if terms is None:
        return tree
    kept: list[Node] = []
    for c in terms:
        if isinstance(c, Term):
            word = _INVERSION.sub("", c.text)
            if fold(c.text) in QUESTION_WORDS or fold(word) in QUESTION_WORDS or not word:
                continue
            c = Term(word) if word != c.text else c
        kept.append(c)
    if not kept:
        return tree
    return kept[0] if len(kept) == 1 else And(tuple(kept))


def best_match(words: list[str], clauses: tuple[Node, ...], max_sloppy_words: int) -> Node:
    """The best-match tree of a plain query; ``clauses`` are its words, possibly expanded (thesaurus)."""
    parts: list[Node] = [Boost(And(clauses), ALL_WORDS_BOOST)]
    folded = [fold(w) for w in words]
    if 1 < len(words) <= max_sloppy_words and max(folded.count(w) for w in folded) <= 2:
        parts.append(Boost(Phrase(" ".join(words), min(2 * len(words), 12)), PROXIMITY_BOOST))
    parts.extend(clauses)
    return Or(tuple(parts))
