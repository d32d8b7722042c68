"""Search backends behind one interface (``SearchIndex``) and the factory that picks one."""

from __future__ import annotations

import importlib
from typing import Any

from config.settings import Settings
from store.index.base import IndexedDoc, SearchIndex
from store.index.errors import BadQuery, IndexBusy, IndexUnavailable, SearchError


def _client_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if settings.es_api_key:
        options["api_key"] = settings.es_api_key
    elif settings.es_username and settings.es_password:
        options["basic_auth"] = (settings.es_username, settings.es_password)
    if settings.es_ca_certs:
        options["ca_certs"] = str(settings.es_ca_certs)
    if settings.es_node_class:
        module, _, name = settings.es_node_class.rpartition(".")
        options["node_class"] = getattr(importlib.import_module(module), name)
    return options


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
            **_client_options(settings),
        )
    from store.index.tantivy_index import TantivyIndex

    return TantivyIndex(
        settings.index_dir,
        writer_heap_bytes=settings.writer_heap_bytes,
        max_relevance_depth=settings.max_relevance_depth,
    )


__all__ = ["BadQuery", "IndexBusy", "IndexUnavailable", "IndexedDoc", "SearchError", "SearchIndex", "open_index"]
