"""HTTP cache policy: every cached page is revalidated with a conditional request (If-None-Match /
If-Modified-Since); a 304 answer reuses the cached body, so an unchanged site costs little to re-crawl
and a changed page is always seen."""

from __future__ import annotations

from typing import Any

from scrapy.extensions.httpcache import RFC2616Policy


class RevalidatePolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse: Any, request: Any) -> bool:
        # never trust freshness heuristics: ask the server, cheaply, with the validators it gave
        etag = cachedresponse.headers.get(b"ETag")
        last_modified = cachedresponse.headers.get(b"Last-Modified")
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        return False
