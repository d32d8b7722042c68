"""Tests only: lets the official ``elasticsearch`` client talk to the OpenSearch test server.

Elastic does not publish its analysis module on Maven Central, so CI runs OpenSearch 2.19 (same REST API for
everything coidesk uses, same Lucene analysis filters). Two things differ on the wire, and this transport node
adjusts exactly those, in both directions, for the test server only:

- the client sends ``application/vnd.elasticsearch+json; compatible-with=9``, which OpenSearch refuses:
  the node sends plain ``application/json`` (the same bytes);
- the client checks that every 2xx answer carries ``X-Elastic-Product: Elasticsearch``: the node adds it.

The product code is unchanged: it gets this class through the ``node_class`` option of the client.
"""

from __future__ import annotations

import re
from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node._base import NodeApiResponse

_VENDOR = re.compile(r"application/vnd\.elasticsearch\+([a-z\-]+)(;\s*compatible-with=\d+)?")


class OpenSearchTestNode(Urllib3HttpNode):
    def perform_request(
        self, method: str, target: str, body: bytes | None = None, headers: Any = None, **kw: Any
    ) -> NodeApiResponse:  # type: ignore[override]
        sent = HttpHeaders(headers or {})
        for name in ("accept", "content-type"):
            if name in sent:
                sent[name] = _VENDOR.sub(r"application/\1", sent[name])
        response = super().perform_request(method, target, body=body, headers=sent, **kw)
        received = HttpHeaders(response.meta.headers.items())
        received["x-elastic-product"] = "Elasticsearch"
        response.meta.headers = received
        return response
