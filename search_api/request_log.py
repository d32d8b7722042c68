"""One log line per request with the route template, never the concrete path or query string.

``/api/cases/{case_id}`` is logged, not the case id; query strings (search terms can name an
applicant) and headers (tokens) are never logged. Uvicorn's own access log is switched off by
``coidesk serve`` for the same reason.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("coidesk.requests")


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or ("/static" if scope["path"].startswith("/static/") else "-")
            log.info("%s %s %s %.1fms", scope["method"], template, status, (time.perf_counter() - start) * 1000)
