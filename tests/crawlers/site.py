"""A small real web site on 127.0.0.1 for crawl tests: pages that can change, ETag / Last-Modified with
304 answers, robots.txt, redirects, and a log of every request it received."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # for redirects
    last_modified: str = "Mon, 02 Nov 2026 10:00:00 GMT"
    delay_s: float = 0.0  # answers this late (timeouts)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Site:
    host: str = "127.0.0.1"
    pages: dict[str, Page] = field(default_factory=dict)
    log: list[dict[str, str]] = field(default_factory=list)  # path, method, status, headers
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def paths(self, status: int | None = None) -> list[str]:
        return [r["path"] for r in self.log if status is None or int(r["status"]) == status]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            page = site.pages.get(self.path)
            if page is not None and page.delay_s:
                time.sleep(page.delay_s)
            status = 404 if page is None else page.status
            if page is not None and status == 200 and self.headers.get("If-None-Match") == page.etag:
                status = 304
            site.log.append(
                {"path": self.path, "status": str(status), "raw": str(self.requestline), **dict(self.headers)}
            )
            self.send_response(status)
            if page is not None and page.location:
                self.send_header("Location", page.location)
            if page is not None and status in (200, 304):
                self.send_header("ETag", page.etag)
                self.send_header("Last-Modified", page.last_modified)
                self.send_header("Cache-Control", "max-age=3600")  # the crawler revalidates anyway
            body = page.body if page is not None and status == 200 else b""
            self.send_header("Content-Type", page.content_type if page else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer((site.host, 0), _handler(site))
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
