"""Bulk export of a result set, streamed: CSV (metadata) or JSON Lines (metadata and text).

Deep and constant-memory: pages of ``PAGE`` documents in date order with a keyset cursor (``search_after``
on Elasticsearch, a sort-key range on the embedded engine), so an export goes past the 10,000 hits a
relevance page can reach; relevance order cannot be paged that deep, so a search sorted by relevance is
exported newest added first. The permission filter is the user's own (case documents only of the cases
they may read) and each exported case document is audited before it is written (fail closed). The admin
sets the ceiling (``COIDESK_EXPORT_MAX_ROWS``); a user may ask for fewer.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from services.batch import safe_cell
from services.errors import InvalidInput
from services.search import SearchParams, build_query
from store.audit import AuditEntry
from store.exports import ExportRecords
from store.index.query import SearchQuery, SearchResult

if TYPE_CHECKING:
    from services.auth import Principal
    from services.context import AppContext

Format = Literal["csv", "jsonl"]
PAGE = 500
CSV_COLUMNS = (
    "id", "kind", "title", "source", "countries", "published", "added", "language", "doc_type", "url", "version",
)  # fmt: skip


@dataclass
class Export:
    """The first page is run before anything is sent: a bad query is a 400, and the total is known."""

    total: int
    rows: int  # what will be written: min(total, limit)
    order: str
    truncated: bool
    chunks: Iterator[bytes]


def start_export(
    ctx: AppContext, user: Principal, params: SearchParams, fmt: Format, limit: int | None = None
) -> Export:
    if fmt not in ("csv", "jsonl"):
        raise InvalidInput("export_format")
    ceiling = ctx.settings.export_max_rows
    if limit is not None and not 1 <= limit <= ceiling:
        raise InvalidInput("export_limit", max=ceiling)
    limit = limit or ceiling
    order = params.sort if params.sort in ("published", "added") else "added"
    params = dataclasses.replace(params, sort=order, size=1, cursor=None, facets="none")
    query = build_query(
        params, ctx.settings, ctx.cases.search_permission(user), highlight=False, vocabulary=ctx.thesaurus.vocabulary()
    )
    query = dataclasses.replace(query, limit=min(PAGE, limit), semantic_text=None, all_words=None, facets=())
    first = ctx.index.search(query)
    rows = min(first.total, limit)
    return Export(first.total, rows, order, first.total > limit, _chunks(ctx, user, query, first, fmt, limit))


def _chunks(
    ctx: AppContext, user: Principal, query: SearchQuery, page: SearchResult, fmt: Format, limit: int
) -> Iterator[bytes]:
    written = 0
    buf = io.StringIO()
    w = csv.writer(buf)
    if fmt == "csv":
        buf.write("\ufeff")
        w.writerow(CSV_COLUMNS)
    records = ExportRecords(ctx.db)
    while True:
        hits = page.hits[: limit - written]
        docs = records.rows([h.id for h in hits], with_text=fmt == "jsonl")
        cases = [AuditEntry(user.username, "document.export", d["case_id"], i) for i, d in docs.items() if d["case_id"]]
        if cases:
            ctx.audit.append(cases)  # before the rows leave: no audit record, no case document exported
        for h in hits:
            d = docs.get(h.id)
            if d is None:  # deleted since it was indexed
                continue
            published = d["published"].isoformat() if d["published"] else None
            added = d["added"].isoformat(timespec="seconds") if d["added"] else None
            if fmt == "csv":
                w.writerow(
                    [
                        d["id"],
                        d["kind"],
                        safe_cell(d["title"]),
                        d["source"],
                        "|".join(d["countries"] or []),
                        published or "",
                        added or "",
                        d["language"] or "",
                        d["doc_type"] or "",
                        safe_cell(d["url"] or ""),
                        d["version"],
                    ]
                )
            else:
                out = {k: v for k, v in d.items() if k != "case_id"}
                out.update(published=published, added=added, countries=d["countries"] or [])
                buf.write(json.dumps(out, ensure_ascii=False) + "\n")
        written += len(hits)
        yield buf.getvalue().encode()
        buf.seek(0)
        buf.truncate()
        if written >= limit or page.next_cursor is None or not page.hits:
            return
        page = ctx.index.search(dataclasses.replace(query, cursor=page.next_cursor))
