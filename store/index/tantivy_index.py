"""The embedded search engine: tantivy in a local directory, no service to start.

Layout: ``<index_dir>/CURRENT`` names the live version directory (``v<timestamp>``); ``rebuild``
writes a new version beside it and switches ``CURRENT`` atomically, so a reindex never takes search
down (the embedded counterpart of Elasticsearch aliases). tantivy allows one writer process at a
time: a second one gets ``IndexBusy`` at once, and the indexer (ingest/indexer.py) is built for it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import tantivy

from store.index.analysis import Chain, chain_for_language, count_tokens, indexed_terms
from store.index.base import IndexedDoc, day_number
from store.index.errors import BadQuery, IndexBusy, IndexUnavailable
from store.index.highlight import matcher_for, snippets
from store.index.query import (
    FACET_FIELDS,
    Cursor,
    FacetBucket,
    Hit,
    SearchQuery,
    SearchResult,
    next_page,
)
from store.index.tantivy_translate import filter_clauses, to_query
from textnorm import normalize

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4  # 4: content fields tokenized in Rust from analysed terms (same terms, positions, lengths)
KEYWORDS = (
    "id",
    "kind",
    "source",
    "doc_type",
    "language",
    "country",
    "case_id",
    "place",
    "actor",
    "topic",
    "alias_key",
)
NUMBERS = ("published_day", "added_day", "published_key", "added_key", "year", "event_month")


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in KEYWORDS:
        sb.add_text_field(name, stored=False, fast=True, tokenizer_name="raw")
    for name in NUMBERS:
        sb.add_integer_field(name, stored=False, indexed=True, fast=True)
    for name in ("content_fr", "content_en", "content_exact", "title_exact"):
        sb.add_text_field(name, stored=False, tokenizer_name=TERMS_TOKENIZER, index_option="position")
    sb.add_bytes_field("meta", stored=True, indexed=False, fast=False)
    sb.add_bytes_field("text", stored=True, indexed=False, fast=False)
    return sb.build()


# Content fields hold analysed terms separated by spaces; a dropped word (stop word) is written as GAP, which
# the field's tokenizer removes after numbering positions, so phrases keep their gaps and field lengths count
# real words only (as Lucene's stop filter does). Tokenizing in Rust this way costs far less than building
# one Python token object per word.
GAP = "\u241f"
TERMS_TOKENIZER = "coidesk_terms"


def register_tokenizers(index: tantivy.Index) -> tantivy.Index:
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.custom_stopword([GAP]))
    index.register_tokenizer(TERMS_TOKENIZER, analyzer.build())
    return index


Field = tuple[str, str | int | bytes]


def to_fields(d: IndexedDoc) -> list[Field]:
    """Every field of a document, analysed, as (name, value) pairs."""
    title, text = normalize(d.title or ""), normalize(d.text or "")
    fields: list[Field] = [("id", d.id), ("kind", d.kind), ("source", d.source or "")]
    if d.doc_type:
        fields.append(("doc_type", d.doc_type))
    if d.language:
        fields.append(("language", d.language))
    fields += [("country", c) for c in d.countries]
    if d.case_id:
        fields.append(("case_id", d.case_id))
    for field_name, values in (("place", d.places), ("actor", d.actors), ("topic", d.topics)):
        fields += [(field_name, v) for v in values]
    fields += [("event_month", month) for month in d.event_months]
    if d.published:
        fields += [("published_day", day_number(d.published)), ("year", d.published.year)]
    if d.added:
        fields.append(("added_day", day_number(d.added)))
    fields += [("published_key", d.published_key()), ("added_key", d.added_key())]
    chain = chain_for_language(d.language)
    chains: tuple[Chain, ...] = ("exact",) if chain is None else ("exact", chain)
    terms = indexed_terms(f"{title}\n{text}", chains, GAP)
    if chain is not None:
        fields.append((f"content_{chain}", " ".join(terms[chain])))
    fields.append(("content_exact", " ".join(terms["exact"])))
    # the title is the start of the content: its exact terms are the first ones
    fields.append(("title_exact", " ".join(terms["exact"][: count_tokens(title)])))
    fields += [("alias_key", key) for key in d.alias_keys()]
    meta = {
        "id": d.id,
        "kind": d.kind,
        "title": title,
        "source": d.source,
        "countries": d.countries,
        "language": d.language,
        "doc_type": d.doc_type,
        "published": d.published.isoformat() if d.published else None,
        "added": d.added.isoformat() if d.added else None,
        "published_key": d.published_key(),
        "added_key": d.added_key(),
    }
    fields += [("meta", json.dumps(meta).encode()), ("text", text.encode())]
    return fields


def to_tantivy_doc(fields: list[Field]) -> tantivy.Document:
    doc = tantivy.Document()
    for name, value in fields:
        if isinstance(value, bytes):
            doc.add_bytes(name, value)
        elif isinstance(value, int):
            doc.add_integer(name, value)
        else:
            doc.add_text(name, value)
    return doc


class TantivyIndex:
    name = "embedded"

    def __init__(
        self,
        root: Path,
        writer_heap_bytes: int = 128_000_000,
        max_relevance_depth: int = 10_000,
    ) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self.writer_heap_bytes = writer_heap_bytes
        self.max_relevance_depth = max_relevance_depth
        self._lock = threading.RLock()
        self._current_stamp: float = -1.0
        self._index: tantivy.Index | None = None
        self.fresh = False
        self._open_current()

    # ---- versions -------------------------------------------------------------------------------
    @property
    def _current_file(self) -> Path:
        return self.root / "CURRENT"

    def _read_current(self) -> str | None:
        try:
            return self._current_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _write_current(self, version: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(version + "\n")
        os.replace(tmp, self._current_file)

    def _new_version(self) -> Path:
        path = self.root / f"v{SCHEMA_VERSION}-{time.time_ns()}"
        path.mkdir(parents=True)
        return path

    def _open_current(self) -> None:
        with self._lock:
            version = self._read_current()
            outdated = version is not None and not version.startswith(f"v{SCHEMA_VERSION}-")
            if version is None or outdated or not (self.root / version).exists():
                self.fresh = True  # an empty index of this schema: the caller re-queues the store
                path = self._new_version()
                register_tokenizers(tantivy.Index(self.schema, path=str(path)))
                self._write_current(path.name)
                version = path.name
            try:
                self._index = register_tokenizers(tantivy.Index(self.schema, path=str(self.root / version), reuse=True))
            except Exception as exc:  # tantivy raises ValueError for corrupt or incompatible indexes
                raise IndexUnavailable(f"cannot open embedded index {version}: {exc}") from exc
            self._version = version
            self._current_stamp = self._current_file.stat().st_mtime_ns

    def _index_now(self) -> tantivy.Index:
        try:
            stamp = self._current_file.stat().st_mtime_ns
        except FileNotFoundError as exc:
            raise IndexUnavailable("embedded index has no CURRENT version") from exc
        if stamp != self._current_stamp:
            self._open_current()
        assert self._index is not None
        return self._index

    @property
    def version(self) -> str:
        return self._version

    # ---- writes ---------------------------------------------------------------------------------
    def _writer(self, index: tantivy.Index) -> tantivy.IndexWriter:
        try:
            return index.writer(self.writer_heap_bytes, 2)
        except ValueError as exc:
            if "LockBusy" in str(exc):
                raise IndexBusy("another process is writing the embedded index") from exc
            raise IndexUnavailable(str(exc)) from exc

    def _write(self, index: tantivy.Index, docs: Iterable[IndexedDoc], deletes: Sequence[str]) -> int:
        writer = self._writer(index)
        n = 0
        try:
            for doc_id in deletes:
                writer.delete_documents_by_term("id", doc_id)
            for d in docs:
                writer.delete_documents_by_term("id", d.id)
                writer.add_document(to_tantivy_doc(to_fields(d)))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            try:
                writer.rollback()
            finally:
                del writer
            raise
        index.reload()
        return n

    def upsert(self, docs: Sequence[IndexedDoc]) -> None:
        with self._lock:
            self._write(self._index_now(), docs, ())

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            self._write(self._index_now(), (), ids)

    def rebuild(
        self, docs: Sequence[IndexedDoc] | None = None, batches: Iterable[Sequence[IndexedDoc]] | None = None
    ) -> None:
        """Build a new version from scratch, then switch to it; searches keep working meanwhile."""
        with self._lock:
            path = self._new_version()
            index = register_tokenizers(tantivy.Index(self.schema, path=str(path)))
            writer = self._writer(index)
            try:
                source = ([docs] if docs is not None else []) if batches is None else batches
                for batch in source:
                    for d in batch:
                        writer.add_document(to_tantivy_doc(to_fields(d)))
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                del writer
                shutil.rmtree(path, ignore_errors=True)
                raise
            old = self._version
            self._write_current(path.name)
            self._open_current()
            for child in self.root.iterdir():
                if child.is_dir() and child.name not in (path.name, old):
                    shutil.rmtree(child, ignore_errors=True)
            log.info("embedded index switched from %s to %s", old, path.name)

    # ---- reads ----------------------------------------------------------------------------------
    def count(self) -> int:
        index = self._index_now()
        index.reload()
        return int(index.searcher().num_docs)

    def ids(self) -> set[str]:
        index = self._index_now()
        index.reload()
        searcher = index.searcher()
        total = searcher.num_docs
        if total == 0:
            return set()
        result = searcher.search(tantivy.Query.all_query(), limit=total)
        return {json.loads(searcher.doc(addr)["meta"][0])["id"] for _, addr in result.hits}

    def health(self) -> dict[str, object]:
        try:
            n = self.count()
        except Exception as exc:  # reported, not raised: health must answer
            return {"backend": self.name, "ok": False, "error": str(exc)}
        size = sum(f.stat().st_size for f in (self.root / self._version).glob("*") if f.is_file())
        return {"backend": self.name, "ok": True, "documents": n, "version": self._version, "bytes": size}

    def search(self, query: SearchQuery) -> SearchResult:
        index = self._index_now()
        schema = self.schema
        main = to_query(schema, query.tree)
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        clauses.append((tantivy.Occur.Must, main if main is not None else tantivy.Query.all_query()))
        clauses.extend(filter_clauses(schema, query.filters, query.ranges, query.permission))
        base = tantivy.Query.boolean_query(clauses)
        searcher = index.searcher()

        page_query = base
        offset = 0
        cursor = query.cursor or Cursor()
        key_field = None
        if query.sort == "relevance":
            offset = cursor.offset
            if offset + query.limit > self.max_relevance_depth:
                raise BadQuery("page_too_deep", max=self.max_relevance_depth)
        else:
            key_field = f"{query.sort}_key"
            if cursor.after_key is not None:
                lo, hi = (None, cursor.after_key - 1) if query.descending else (cursor.after_key + 1, None)
                page_query = tantivy.Query.boolean_query(
                    [
                        (tantivy.Occur.Must, base),
                        (
                            tantivy.Occur.Must,
                            tantivy.Query.range_query(schema, key_field, tantivy.FieldType.Integer, lo, hi),
                        ),
                    ]
                )
        try:
            if key_field:
                order = tantivy.Order.Desc if query.descending else tantivy.Order.Asc
                result = searcher.search(page_query, limit=query.limit, offset=0, order_by_field=key_field, order=order)
                total = _count(searcher.search(base, limit=1)) if cursor.after_key is not None else _count(result)
            else:
                result = searcher.search(page_query, limit=query.limit, offset=offset)
                total = _count(result)
            facets = self._facets(searcher, base, query) if query.facets else {}
        except ValueError as exc:
            log.warning("embedded search failed: %s", exc)
            raise BadQuery("engine_rejected") from exc

        matcher = matcher_for(query.tree) if query.highlight else None
        hits: list[Hit] = []
        for score, addr in result.hits:
            stored = searcher.doc(addr)
            meta = json.loads(stored["meta"][0])
            snips: list[str] = []
            if matcher is not None:
                snips = snippets(stored["text"][0].decode(), meta["language"], matcher)
            sort_key = meta["published_key"] if query.sort != "added" else meta["added_key"]
            hits.append(
                Hit(
                    id=meta["id"],
                    kind=meta["kind"],
                    title=meta["title"],
                    source=meta["source"],
                    countries=meta["countries"],
                    language=meta["language"],
                    doc_type=meta["doc_type"],
                    published=dt.date.fromisoformat(meta["published"]) if meta["published"] else None,
                    added=dt.date.fromisoformat(meta["added"]) if meta["added"] else None,
                    score=float(score) if query.sort == "relevance" else 0.0,
                    snippets=snips,
                    sort_key=sort_key,
                )
            )
        next_cursor = next_page(query, hits, total, self.max_relevance_depth)
        return SearchResult(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _facets(self, searcher: tantivy.Searcher, q: tantivy.Query, query: SearchQuery) -> dict[str, list[FacetBucket]]:
        spec = {}
        for name in query.facets:
            if name not in FACET_FIELDS:
                continue
            field = "country" if name == "country" else name
            spec[name] = {"terms": {"field": field, "size": query.facet_size}}
        if not spec:
            return {}
        raw = searcher.aggregate(q, spec)
        out: dict[str, list[FacetBucket]] = {}
        for name in spec:
            buckets = raw.get(name, {}).get("buckets", [])
            items = [
                FacetBucket(value=str(int(b["key"])) if name == "year" else str(b["key"]), count=int(b["doc_count"]))
                for b in buckets
                if b["key"] != ""
            ]
            if name == "year":
                items.sort(key=lambda b: b.value, reverse=True)
            out[name] = items
        return out

    def close(self) -> None:
        self._index = None


def _count(result: tantivy.SearchResult) -> int:
    return int(result.count)  # type: ignore[attr-defined]
