"""Search backends behind one interface (``SearchIndex``) and the factory that picks one."""

from __future__ import annotations

from config.settings import Settings
from store.index.base import IndexedDoc, SearchIndex
from store.index.errors import BadQuery, IndexBusy, IndexUnavailable, SearchError


def open_index(settings: Settings) -> SearchIndex:
    if settings.search_backend == "elasticsearch":
        from store.index.elasticsearch_index import ElasticsearchIndex

        if settings.es_url is None:
            raise IndexUnavailable("COIDESK_ES_URL is required with the elasticsearch backend")
        return ElasticsearchIndex.from_url(
            str(settings.es_url),
            prefix=settings.es_index_prefix,
            timeout=settings.es_timeout_s,
            max_relevance_depth=settings.max_relevance_depth,
        )
    from store.index.tantivy_index import TantivyIndex

    return TantivyIndex(
        settings.index_dir,
        writer_heap_bytes=settings.writer_heap_bytes,
        max_relevance_depth=settings.max_relevance_depth,
    )


__all__ = ["BadQuery", "IndexBusy", "IndexUnavailable", "IndexedDoc", "SearchError", "SearchIndex", "open_index"]
