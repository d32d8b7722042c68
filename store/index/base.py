"""The search-backend interface (see design/STYLE.md) and the record an index holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from store.index.query import SearchQuery, SearchResult
from textnorm import fold_phrase

EPOCH = dt.date(1600, 1, 1)
SEQ_BITS = 32


@dataclass
class IndexedDoc:
    """What the search index needs of a stored document."""

    id: str
    seq: int
    kind: str
    title: str
    text: str
    language: str | None = None
    countries: list[str] = field(default_factory=list)
    source: str = ""
    doc_type: str | None = None
    published: dt.date | None = None
    added: dt.date | None = None
    case_id: str | None = None
    url: str | None = None
    # from enrichment (analyzers), merged with users' corrections
    places: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # every spelling of the places and actors found
    event_months: list[int] = field(default_factory=list)  # year * 12 + month - 1, for each month covered

    @property
    def year(self) -> int | None:
        return self.published.year if self.published else None

    def alias_keys(self) -> list[str]:
        """Folded whole names ("muqdisho", "forces de soutien rapide") a query can match exactly."""
        return sorted({k for k in (fold_phrase(a) for a in self.aliases) if k})

    def published_key(self) -> int:
        return sort_key(self.published, self.seq)

    def added_key(self) -> int:
        return sort_key(self.added, self.seq)


def sort_key(day: dt.date | None, seq: int) -> int:
    """A unique, totally ordered integer: the date first, then the document's sequence number.

    Both engines sort and page on it (``search_after`` style), so paging by date is stable and deep.
    """
    days = (day - EPOCH).days + 1 if day else 0
    return (days << SEQ_BITS) | (seq & ((1 << SEQ_BITS) - 1))


def month_number(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days + 1


class SearchIndex(Protocol):
    name: str

    def upsert(self, docs: Sequence[IndexedDoc]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self) -> int: ...

    def health(self) -> dict[str, object]: ...

    def ids(self) -> set[str]: ...

    @property
    def version(self) -> str:
        """The live index version: changes when ``rebuild`` swaps in a new one."""
        ...

    def rebuild(
        self, docs: Sequence[IndexedDoc] | None = None, batches: Iterable[Sequence[IndexedDoc]] | None = None
    ) -> None: ...

    def close(self) -> None: ...
