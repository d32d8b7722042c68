"""Batch search: a list of queries (names, places, acronyms — pasted lines or a CSV file) run one by one
with the same optional filters; per query the total and the top hits with their snippet. A query that
cannot run (bad syntax, too costly) marks only its own line failed, with the reason; the others run.

Every query runs as the user (``search_as``: their permission filter; case hits audited).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from services.errors import InvalidInput
from services.search import SearchParams, search_as
from store.index.errors import BadQuery
from store.index.query import FILTER_FIELDS

if TYPE_CHECKING:
    from services.auth import Principal
    from services.context import AppContext

QUERY_COLUMNS = ("query", "q", "requete", "requête", "recherche", "nom", "name")
_MARK = re.compile(r"</?mark>")


@dataclasses.dataclass(frozen=True)
class BatchLine:
    line: int  # 1-based, in the text or file as given
    query: str
    label: str = ""
    filters: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # from the CSV's own columns


class BatchHit(BaseModel):
    id: str
    kind: str
    title: str
    source: str
    published: str | None
    snippet: str  # HTML-escaped, <mark> around the words found


class BatchRow(BaseModel):
    line: int
    query: str
    label: str
    status: str  # ok | failed
    total: int = 0
    hits: list[BatchHit] = []
    error: str | None = None  # a message key, when failed
    error_params: dict[str, Any] = {}


class BatchResult(BaseModel):
    rows: list[BatchRow]
    ok: int
    failed: int


def parse_lines(text: str, filename: str | None = None) -> list[BatchLine]:
    """Lines of queries, or a CSV (by its name, or a first line naming a query column). In a CSV, a column
    named like a filter (country, kind, source, doc_type, language, place, actor, topic) filters that line;
    several values are separated by ``|``. Empty lines and lines starting with ``#`` are skipped."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [h.strip().lower() for h in first.split(delimiter)]
    is_csv = (filename or "").lower().endswith(".csv") or any(h in QUERY_COLUMNS for h in header)
    if not is_csv:
        return [
            BatchLine(i, line.strip())
            for i, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return []
    names = [h.strip().lower() for h in rows[0]]
    has_header = any(h in QUERY_COLUMNS for h in names)
    qcol = next((i for i, h in enumerate(names) if h in QUERY_COLUMNS), 0) if has_header else 0
    lcol = names.index("label") if has_header and "label" in names else None
    fcols = {i: h for i, h in enumerate(names) if has_header and h in FILTER_FIELDS}
    out: list[BatchLine] = []
    for number, row in enumerate(rows[1:] if has_header else rows, start=2 if has_header else 1):
        if not row or qcol >= len(row) or not row[qcol].strip() or row[qcol].lstrip().startswith("#"):
            continue
        filters = {
            name: [v.strip() for v in row[i].split("|") if v.strip()]
            for i, name in fcols.items()
            if i < len(row) and row[i].strip()
        }
        label = row[lcol].strip() if lcol is not None and lcol < len(row) else ""
        out.append(BatchLine(number, row[qcol].strip(), label, filters))
    return out


def run_batch(
    ctx: AppContext,
    user: Principal,
    lines: list[BatchLine],
    base: SearchParams,
    top: int = 3,
) -> BatchResult:
    if not lines:
        raise InvalidInput("batch_empty")
    if len(lines) > ctx.settings.batch_max_queries:
        raise InvalidInput("batch_too_many", max=ctx.settings.batch_max_queries)
    if not 1 <= top <= 20:
        raise InvalidInput("batch_top_range", max=20)
    rows: list[BatchRow] = []
    for bl in lines:
        filters = {**base.filters, **bl.filters}
        params = dataclasses.replace(base, q=bl.query, filters=filters, size=top, cursor=None, facets="none")
        try:
            found = search_as(ctx, user, params)
        except BadQuery as exc:
            rows.append(
                BatchRow(
                    line=bl.line,
                    query=bl.query,
                    label=bl.label,
                    status="failed",
                    error=exc.code,
                    error_params={k: v for k, v in exc.params.items() if isinstance(v, str | int)},
                )
            )
            continue
        hits = [
            BatchHit(
                id=h.id,
                kind=h.kind,
                title=h.title,
                source=h.source,
                published=h.published.isoformat() if h.published else None,
                snippet=h.snippets[0] if h.snippets else "",
            )
            for h in found.hits
        ]
        rows.append(BatchRow(line=bl.line, query=bl.query, label=bl.label, status="ok", total=found.total, hits=hits))
    failed = sum(1 for r in rows if r.status == "failed")
    return BatchResult(rows=rows, ok=len(rows) - failed, failed=failed)


CSV_COLUMNS = (
    "line",
    "query",
    "label",
    "status",
    "error",
    "total",
    "rank",
    "id",
    "kind",
    "title",
    "source",
    "published",
    "snippet",
)


def batch_csv(result: BatchResult, error_text: dict[int, str]) -> Iterator[str]:
    """One row per hit (a query without hits or failed: one row), UTF-8 with BOM for spreadsheets."""
    buf = io.StringIO()
    w = csv.writer(buf)
    buf.write("\ufeff")
    w.writerow(CSV_COLUMNS)
    for r in result.rows:
        base = [r.line, safe_cell(r.query), safe_cell(r.label), r.status, error_text.get(r.line, ""), r.total]
        if not r.hits:
            w.writerow([*base, "", "", "", "", "", "", ""])
        for rank, h in enumerate(r.hits, start=1):
            snippet = _MARK.sub("", h.snippet)
            w.writerow([*base, rank, h.id, h.kind, safe_cell(h.title), h.source, h.published or "", safe_cell(snippet)])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection: =, +, -, @ first)."""
    import html

    value = html.unescape(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
