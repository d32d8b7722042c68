"""The Elasticsearch backend (with PostgreSQL for records) for offices that outgrow one machine.

The only module that imports the Elasticsearch client. ``to_body`` is a pure function from a
``SearchQuery`` to a request body, built with the typed ``elasticsearch.dsl`` classes. Indexes are
versioned (``<prefix>-documents-v<stamp>``) behind read and write aliases, so ``rebuild`` fills a new
index and swaps both aliases in one atomic call: search never goes down during a reindex.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import query as dq
from elasticsearch.helpers import streaming_bulk

from config.es_mappings import index_template
from store.index.analysis import analyze, chain_for_language, is_neutral
from store.index.base import IndexedDoc, month_number
from store.index.errors import BadQuery, IndexUnavailable
from store.index.query import (
    ENGINE_FILTER_FIELDS,
    FACET_FIELDS,
    And,
    Boost,
    Cursor,
    FacetBucket,
    Hit,
    MatchAll,
    Node,
    Not,
    Or,
    Permission,
    Phrase,
    SearchQuery,
    SearchResult,
    Term,
    Wildcard,
    next_page,
)
from textnorm import fold_phrase, iter_raw_tokens, normalize

log = logging.getLogger(__name__)
# the client logs whole request bodies (queries, verified statements: case data) at DEBUG; like SQLAlchemy for
# its SQL, keep its loggers at INFO (method, URL, status) unless an operator set a level on purpose
_transport_log = logging.getLogger("elastic_transport")
if _transport_log.level == logging.NOTSET:
    _transport_log.setLevel(logging.INFO)

# field -> boost; same weights as the embedded engine
STEMMED_FIELDS = {"content_fr": 1.0, "content_en": 1.0}
EXACT_FIELDS = {"content_fr.exact": 0.4, "content_en.exact": 0.4, "content_other": 0.4, "title": 2.0}
ALIAS_BOOST = 0.3
FILTER_FIELD = {name: name for name in ENGINE_FILTER_FIELDS}
FRAGMENT_CHARS = 220
SOURCE_FIELDS = [
    "id",
    "kind",
    "title",
    "source",
    "country",
    "language",
    "doc_type",
    "published",
    "added",
    "published_key",
    "added_key",
]


def _phrase(field: str, text: str, slop: int, boost: float) -> dq.Query:
    return dq.MatchPhrase(**{field: {"query": text, "slop": slop, "boost": boost}})


def _text_query(text: str, slop: int, is_term: bool) -> dq.Query | None:
    # Same neutrality rules as the embedded engine (see tantivy_translate._text_query).
    if is_term and is_neutral(text):
        return None
    shoulds: list[dq.Query] = []
    for field, boost in STEMMED_FIELDS.items():
        chain = field.removeprefix("content_")
        if analyze(text, chain):  # type: ignore[arg-type]
            shoulds.append(_phrase(field, text, slop, boost))
        else:
            shoulds.append(dq.ConstantScore(filter=dq.Term(language=chain), boost=0.0))
    shoulds += [_phrase(f, text, slop, b) for f, b in EXACT_FIELDS.items()]
    key = fold_phrase(text)
    if key:
        shoulds.append(dq.Term(alias_key={"value": key, "boost": ALIAS_BOOST}))
    return dq.Bool(should=shoulds, minimum_should_match=1)


def tree_query(node: Node) -> dq.Query | None:
    """The query for a tree node; None for a node that constrains nothing (a lone stop word)."""
    if isinstance(node, MatchAll):
        return dq.MatchAll()
    if isinstance(node, Term):
        return _text_query(node.text, 0, is_term=True)
    if isinstance(node, Phrase):
        if not any(True for _ in iter_raw_tokens(node.text)):
            return None
        return _text_query(node.text, node.slop, is_term=False)
    if isinstance(node, Wildcard):
        shoulds: list[dq.Query] = [
            dq.Wildcard(**{f: {"value": node.pattern, "boost": b}}) for f, b in EXACT_FIELDS.items()
        ]
        return dq.Bool(should=shoulds, minimum_should_match=1)
    if isinstance(node, Not):
        inner = tree_query(node.child)
        return None if inner is None else dq.Bool(must=[dq.MatchAll()], must_not=[inner])
    if isinstance(node, And):
        must: list[dq.Query] = []
        must_not: list[dq.Query] = []
        for child in node.children:
            if isinstance(child, Not):
                q = tree_query(child.child)
                if q is not None:
                    must_not.append(q)
            elif (q := tree_query(child)) is not None:
                must.append(q)
        if not must and not must_not:
            return None
        return dq.Bool(must=must or [dq.MatchAll()], must_not=must_not)
    if isinstance(node, Or):
        parts = [q for child in node.children if (q := tree_query(child)) is not None]
        return dq.Bool(should=parts, minimum_should_match=1) if parts else None
    if isinstance(node, Boost):
        inner = tree_query(node.child)
        return None if inner is None else dq.Bool(must=[inner], boost=node.factor)
    raise TypeError(f"unknown node {node!r}")


def permission_filter(permission: Permission) -> list[dq.Query]:
    if permission.case_ids is None:
        return []
    case_docs: dq.Query = dq.Term(kind="case_document")
    if permission.case_ids:
        forbidden: dq.Query = dq.Bool(must=[case_docs], must_not=[dq.Terms(case_id=sorted(permission.case_ids))])
    else:
        forbidden = case_docs
    return [forbidden]


def base_query(query: SearchQuery) -> dq.Query:
    main = tree_query(query.tree) or dq.MatchAll()
    filters: list[dq.Query] = []
    must_not: list[dq.Query] = permission_filter(query.permission)
    for f in query.filters:
        clause: dq.Query = dq.Terms(**{FILTER_FIELD[f.field]: list(f.values)})  # type: ignore[arg-type]
        (must_not if f.negate else filters).append(clause)
    for r in query.ranges:
        bounds: dict[str, str | int] = {}
        if r.field == "events":
            if r.gte:
                bounds["gte"] = month_number(r.gte)
            if r.lte:
                bounds["lte"] = month_number(r.lte)
            if bounds:
                filters.append(dq.Range(event_month=bounds))
            continue
        if r.gte:
            bounds["gte"] = r.gte.isoformat()
        if r.lte:
            bounds["lte"] = r.lte.isoformat()
        if bounds:
            filters.append(dq.Range(**{r.field: bounds}))
    return dq.Bool(must=[main], filter=filters, must_not=must_not)


def to_body(query: SearchQuery, max_relevance_depth: int = 10_000) -> dict[str, Any]:
    """The search request body for a query (pure: testable by equality without a server)."""
    cursor = query.cursor or Cursor()
    body: dict[str, Any] = {
        "query": base_query(query).to_dict(),
        "size": query.limit,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }
    if query.sort == "relevance":
        if cursor.offset + query.limit > max_relevance_depth:
            raise BadQuery("page_too_deep", max=max_relevance_depth)
        body["from"] = cursor.offset
        body["sort"] = [{"_score": "desc"}, {"published_key": "desc"}]
    else:
        body["sort"] = [{f"{query.sort}_key": "desc" if query.descending else "asc"}]
        if cursor.after_key is not None:
            body["search_after"] = [cursor.after_key]
    if query.facets:
        body["aggs"] = {
            name: {"terms": {"field": name, "size": query.facet_size}} for name in query.facets if name in FACET_FIELDS
        }
    if query.highlight:
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                f: {"fragment_size": FRAGMENT_CHARS, "number_of_fragments": 3, "no_match_size": FRAGMENT_CHARS}
                for f in ("content_fr", "content_en", "content_other")
            },
        }
    return body


def to_source(d: IndexedDoc) -> dict[str, Any]:
    """The indexed JSON of one document."""
    title, text = normalize(d.title or ""), normalize(d.text or "")
    chain = chain_for_language(d.language)
    content_field = f"content_{chain}" if chain else "content_other"
    return {
        "id": d.id,
        "seq": d.seq,
        "kind": d.kind,
        "source": d.source,
        "doc_type": d.doc_type,
        "language": d.language,
        "country": d.countries,
        "case_id": d.case_id,
        "url": d.url,
        "published": d.published.isoformat() if d.published else None,
        "added": d.added.isoformat() if d.added else None,
        "year": d.year,
        "published_key": d.published_key(),
        "added_key": d.added_key(),
        "title": title,
        content_field: f"{title}\n{text}",
        "text": text,
        "place": d.places,
        "actor": d.actors,
        "topic": d.topics,
        "event_month": d.event_months,
        "alias_key": d.alias_keys(),
    }


class ElasticsearchIndex:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, prefix: str = "coidesk", max_relevance_depth: int = 10_000) -> None:
        self.client = client
        self.prefix = prefix
        self.read_alias = f"{prefix}-documents-read"
        self.write_alias = f"{prefix}-documents-write"
        self.max_relevance_depth = max_relevance_depth
        self._ready = False

    @classmethod
    def from_url(
        cls,
        url: str,
        prefix: str = "coidesk",
        timeout: float = 10.0,
        max_relevance_depth: int = 10_000,
        **client_options: Any,
    ) -> ElasticsearchIndex:
        options: dict[str, Any] = {"retry_on_timeout": True, "max_retries": 2, **client_options}
        client = Elasticsearch(url, request_timeout=timeout, **options)
        return cls(client, prefix, max_relevance_depth)

    # ---- setup ----------------------------------------------------------------------------------
    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ApiError as exc:
            if exc.meta.status == 400:
                log.warning("elasticsearch rejected %s: %s", what, exc.message)
                raise BadQuery("engine_rejected") from exc
            log.error("elasticsearch error on %s: %s %s", what, exc.meta.status, exc.message)
            raise IndexUnavailable(f"elasticsearch {what} failed with status {exc.meta.status}") from exc
        except TransportError as exc:
            log.error("elasticsearch unreachable on %s: %s", what, exc)
            raise IndexUnavailable(f"elasticsearch unreachable: {exc}") from exc

    def _new_index_name(self) -> str:
        return f"{self.prefix}-documents-v{time.strftime('%Y%m%d%H%M%S')}{time.time_ns() % 1000:03d}"

    def ensure(self) -> None:
        """Install the index template and create the first index with both aliases if needed."""
        if self._ready:
            return
        self._call(
            "put template",
            self.client.indices.put_index_template,
            name=f"{self.prefix}-documents",
            **index_template(self.prefix),
        )
        exists = self._call("alias check", self.client.indices.exists_alias, name=self.read_alias)
        if not exists:
            name = self._new_index_name()
            self._call(
                "create index",
                self.client.indices.create,
                index=name,
                aliases={self.read_alias: {}, self.write_alias: {"is_write_index": True}},
            )
        self._ready = True

    # ---- writes ---------------------------------------------------------------------------------
    def _bulk(self, actions: Iterable[dict[str, Any]], index: str, refresh: bool = True) -> int:
        failures: list[str] = []
        n = 0
        try:
            for ok, item in streaming_bulk(
                self.client,
                actions,
                index=index,
                raise_on_error=False,
                raise_on_exception=False,
                chunk_size=500,
                max_retries=2,
            ):
                n += 1
                op, result = next(iter(item.items()))
                if not ok and not (op == "delete" and result.get("status") == 404):
                    failures.append(f"{result.get('_id')}: {result.get('status')} {result.get('error')}")
        except TransportError as exc:
            raise IndexUnavailable(f"elasticsearch unreachable: {exc}") from exc
        if failures:
            log.error("elasticsearch bulk: %d item(s) failed, first: %s", len(failures), failures[0])
            raise IndexUnavailable(f"{len(failures)} document(s) were not indexed: {failures[0]}")
        if refresh:
            self._call("refresh", self.client.indices.refresh, index=index)
        return n

    def upsert(self, docs: Sequence[IndexedDoc]) -> None:
        self.ensure()
        self._bulk(({"_op_type": "index", "_id": d.id, "_source": to_source(d)} for d in docs), self.write_alias)

    def delete(self, ids: Sequence[str]) -> None:
        self.ensure()
        self._bulk(({"_op_type": "delete", "_id": i} for i in ids), self.write_alias)

    def rebuild(
        self, docs: Sequence[IndexedDoc] | None = None, batches: Iterable[Sequence[IndexedDoc]] | None = None
    ) -> None:
        self.ensure()
        new = self._new_index_name()
        self._call("create index", self.client.indices.create, index=new)
        source = [docs] if docs is not None else (batches or [])
        self._bulk(
            ({"_op_type": "index", "_id": d.id, "_source": to_source(d)} for batch in source for d in batch), new
        )
        current = self._call("get alias", self.client.indices.get_alias, name=self.read_alias)
        old = list(current.body.keys())
        actions: list[dict[str, Any]] = [
            {"remove": {"index": o, "alias": a}} for o in old for a in (self.read_alias, self.write_alias)
        ]
        actions += [
            {"add": {"index": new, "alias": self.read_alias}},
            {"add": {"index": new, "alias": self.write_alias, "is_write_index": True}},
        ]
        self._call("swap aliases", self.client.indices.update_aliases, actions=actions)
        for o in old:
            self._call("delete old index", self.client.indices.delete, index=o)

    @property
    def version(self) -> str:
        """The concrete index behind the read alias (``<prefix>-documents-v<stamp>``)."""
        self.ensure()
        current = self._call("get alias", self.client.indices.get_alias, name=self.read_alias)
        return ",".join(sorted(current.body.keys()))

    # ---- reads ----------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        self.ensure()
        body = to_body(query, self.max_relevance_depth)
        resp = self._call("search", self.client.search, index=self.read_alias, body=body)
        return parse_response(resp.body if hasattr(resp, "body") else resp, query, self.max_relevance_depth)

    def count(self) -> int:
        self.ensure()
        resp = self._call("count", self.client.count, index=self.read_alias)
        return int(resp["count"])

    def ids(self) -> set[str]:
        self.ensure()
        out: set[str] = set()
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"size": 1000, "sort": [{"id": "asc"}], "_source": False, "query": {"match_all": {}}}
            if after:
                body["search_after"] = after
            resp = self._call("list ids", self.client.search, index=self.read_alias, body=body)
            hits = resp["hits"]["hits"]
            if not hits:
                return out
            out.update(h["_id"] for h in hits)
            after = hits[-1]["sort"]

    def health(self) -> dict[str, object]:
        try:
            info = self.client.cluster.health()
            return {
                "backend": self.name,
                "ok": info["status"] in ("green", "yellow"),
                "status": info["status"],
                "documents": self.count(),
            }
        except (ApiError, TransportError, IndexUnavailable) as exc:
            return {"backend": self.name, "ok": False, "error": str(exc)}

    def close(self) -> None:
        self.client.close()


def parse_response(body: dict[str, Any], query: SearchQuery, max_relevance_depth: int = 10_000) -> SearchResult:
    hits: list[Hit] = []
    for h in body["hits"]["hits"]:
        s = h["_source"]
        snippets: list[str] = []
        for field in ("content_fr", "content_en", "content_other"):
            snippets.extend(h.get("highlight", {}).get(field, []))
        sort_key = s["added_key"] if query.sort == "added" else s["published_key"]
        hits.append(
            Hit(
                id=s["id"],
                kind=s["kind"],
                title=s["title"],
                source=s["source"],
                countries=s.get("country") or [],
                language=s.get("language"),
                doc_type=s.get("doc_type"),
                published=dt.date.fromisoformat(s["published"]) if s.get("published") else None,
                added=dt.date.fromisoformat(s["added"]) if s.get("added") else None,
                score=float(h.get("_score") or 0.0) if query.sort == "relevance" else 0.0,
                snippets=[" ".join(x.split()) for x in snippets[:3]] if query.highlight else [],
                sort_key=int(sort_key),
            )
        )
    total = int(body["hits"]["total"]["value"])
    facets: dict[str, list[FacetBucket]] = {}
    for name, agg in (body.get("aggregations") or {}).items():
        buckets = [
            FacetBucket(value=str(b["key"]), count=int(b["doc_count"])) for b in agg["buckets"] if b["key"] != ""
        ]
        if name == "year":
            buckets.sort(key=lambda b: b.value, reverse=True)
        facets[name] = buckets
    next_cursor = next_page(query, hits, total, max_relevance_depth)
    return SearchResult(total=total, hits=hits, facets=facets, next_cursor=next_cursor)
