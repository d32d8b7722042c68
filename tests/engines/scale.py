"""The at-scale configuration in tests: OpenSearch (Elasticsearch API) + PostgreSQL, started by
``tests/engines/servers start`` (CI does it in ``.ci/run``).

``COIDESK_TEST_ES_URL`` and ``COIDESK_TEST_PG_URL`` say where the servers are. With
``COIDESK_TEST_CONFIG=scale``, every store the tests open (``tests.conftest.make_settings``) gets its own
fresh PostgreSQL database and its own index prefix on the search server, so the same tests run unchanged
in that configuration.
"""

from __future__ import annotations

import itertools
import os
import uuid

NODE_CLASS = "tests.engines.opensearch_compat.OpenSearchTestNode"
_counter = itertools.count()


def es_url() -> str | None:
    return os.environ.get("COIDESK_TEST_ES_URL") or os.environ.get("COIDESK_ES_URL") or None


def pg_url() -> str | None:
    return os.environ.get("COIDESK_TEST_PG_URL") or None


def scale_mode() -> bool:
    return os.environ.get("COIDESK_TEST_CONFIG") == "scale"


def es_client_options() -> dict[str, object]:
    """Options for ``ElasticsearchIndex.from_url`` against the test server (none for a real Elasticsearch)."""
    if os.environ.get("COIDESK_TEST_ES_URL"):
        from tests.engines.opensearch_compat import OpenSearchTestNode

        return {"node_class": OpenSearchTestNode}
    return {}


def fresh_database() -> str:
    """A new empty PostgreSQL database on the test cluster; its SQLAlchemy URL."""
    import psycopg

    base = pg_url()
    assert base, "COIDESK_TEST_PG_URL is not set: run tests/engines/servers start"
    name = f"t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(base.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def scale_overrides() -> dict[str, object]:
    """Settings of one store in the at-scale configuration."""
    url = es_url()
    assert url and pg_url(), "the at-scale configuration needs COIDESK_TEST_ES_URL and COIDESK_TEST_PG_URL"
    options: dict[str, object] = {
        "database_url": fresh_database(),
        "search_backend": "elasticsearch",
        "es_url": url,
        "es_index_prefix": f"t{os.getpid()}-{next(_counter)}-{uuid.uuid4().hex[:6]}",
    }
    if os.environ.get("COIDESK_TEST_ES_URL"):
        options["es_node_class"] = NODE_CLASS
    return options
