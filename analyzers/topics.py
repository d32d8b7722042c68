"""Topics from the small controlled COI vocabulary (``topics.json`` of the reference data, edited by the research
desk)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analyzers.model import Mention
from config.messages import LOCALES
from config.reference import load_reference, reference


@dataclass(frozen=True)
class Topic:
    id: str
    names: dict[str, str] = field(hash=False)  # by locale: the research desk names each topic in French and English
    pattern: re.Pattern[str]

    def name(self, locale: str) -> str:
        return self.names.get(locale, self.names["en"])


def fold_text(text: str) -> str:
    """Lower-cased, accent-free text of the same length (one character in, one out)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def default_topics() -> tuple[int, tuple[Topic, ...]]:
    """The threshold and the topics of the reference data the settings name, compiled once per folder."""
    return _compiled(reference().directory)


@lru_cache(maxsize=4)
def _compiled(directory: Path) -> tuple[int, tuple[Topic, ...]]:
    data = load_reference(directory).topics
    topics = tuple(
        Topic(
            t["id"],
            {locale: t[locale] for locale in LOCALES},
            re.compile(r"\b(?:" + "|".join(re.escape(fold_text(k)) for k in t["keywords"]) + ")"),
        )
        for t in data["topics"]
    )
    return int(data["min_hits"]), topics


def find_topics(title: str, text: str, locale: str = "fr") -> list[Mention]:
    min_hits, topics = default_topics()
    folded_title, folded_text = fold_text(title), fold_text(text)
    out = []
    for t in topics:
        hits = 3 * len(t.pattern.findall(folded_title)) + len(t.pattern.findall(folded_text))
        if hits >= min_hits:
            out.append(Mention("topic", t.id, t.name(locale), extra={"hits": hits}))
    return sorted(out, key=lambda m: -m.extra["hits"])
