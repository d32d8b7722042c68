"""A node class for the official client that records every request and answers from a script.

The same technique as elasticsearch-py's own tests (a ``BaseNode`` subclass): the real client
builds and serialises the requests, nothing is mocked above the transport.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders, NodeConfig
from elastic_transport._node import NodeApiResponse

from store.index.elasticsearch_index import ElasticsearchIndex


class CaptureNode(BaseNode):
    """Answers with scripted (status, body) pairs in order; records (method, target, body)."""

    calls: ClassVar[list[dict[str, Any]]] = []
    script: ClassVar[list[tuple[int, Any]]] = []
    fail_with: ClassVar[Exception | None] = None

    def __init__(self, config: NodeConfig) -> None:
        super().__init__(config)

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):  # type: ignore[no-untyped-def]
        if CaptureNode.fail_with is not None:
            raise CaptureNode.fail_with
        parsed: Any = None
        if body:
            text = body.decode()
            if target.split("?")[0].endswith("/_bulk"):
                parsed = [json.loads(line) for line in text.strip().splitlines()]
            else:
                parsed = json.loads(text)
        CaptureNode.calls.append({"method": method, "target": target, "body": parsed})
        status, payload = CaptureNode.script.pop(0) if CaptureNode.script else (200, {})
        meta = ApiResponseMeta(
            status=status,
            headers=HttpHeaders({"X-elastic-product": "Elasticsearch", "content-type": "application/json"}),
            http_version="1.1",
            duration=0.0,
            node=self.config,
        )
        data = b"" if method == "HEAD" else json.dumps(payload).encode()
        return NodeApiResponse(meta, data)


def captured_index(
    script: list[tuple[int, Any]] | None = None, fail_with: Exception | None = None
) -> ElasticsearchIndex:
    CaptureNode.calls = []
    CaptureNode.script = list(script or [])
    CaptureNode.fail_with = fail_with
    index = ElasticsearchIndex.from_url(
        "http://127.0.0.1:9200", prefix="coidesk", node_class=CaptureNode, max_retries=0, retry_on_timeout=False
    )
    return index
