"""What every spider shares: its registry entry, the allowed domains, ``--base-url`` (a mirror or a test
site standing in for the real one), ``--since``, problem reports, and turning a response into a file item."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
import trafilatura
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.http import Response, TextResponse
from twisted.internet.error import (
    ConnectError,
    ConnectionRefusedError,  # noqa: A004
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.python.failure import Failure

from analyzers.gazetteer import country_code
from config.sources import Source
from crawlers.items import CrawledFile, LayoutError

Report = Callable[[str, str, str], None]
_FILE_TYPES = ("application/pdf", "application/msword", "application/vnd.openxmlformats", "application/vnd.oasis")
_MONTHS_FR = {
    m: i + 1
    for i, m in enumerate(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    )
}
_MONTHS_EN = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:er)?\s+([A-Za-zéûÉÛ]+)\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Z][a-z]+)\s+(\d{1,2}),\s+(\d{4})\b")


def long_date(text: str | None) -> str | None:
    """ISO date of the first "12 juillet 2024", "5 March 2024" or "March 5, 2024" in the text."""
    if not text:
        return None
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = _MONTHS_FR.get(m.group(2).lower()) or _MONTHS_EN.get(m.group(2).lower())
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(1))).isoformat()
            except ValueError:
                continue
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = _MONTHS_EN.get(m.group(1).lower())
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(2))).isoformat()
            except ValueError:
                continue
    return None


def iso_date(value: str | None) -> str | None:
    """The date part of an ISO date or timestamp ("2026-03-02T10:50:51+00:00")."""
    if value and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


# every Unicode dash a publisher may put in a number ("C‑670/16" with U+2011 on EUR-Lex): hyphen, non-breaking
# hyphen, figure dash, en and em dash, horizontal bar, minus sign, small and full-width hyphen-minus
DASHES = "\u002d\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{DASHES[1:]}]")
_QUALIFIER = re.compile(r"\(([^()]*)\)")


def normalise_dashes(text: str) -> str:
    """Every dash variant as the ASCII hyphen-minus, soft hyphens removed."""
    return _DASH.sub("-", text.replace("\u00ad", ""))


def country_of(name: str | None) -> str | None:
    """ISO alpha-3 code of a country as publishers write it, through the project's country reference: the
    name itself, then without its qualifier or the qualifier alone ("Myanmar (Burma)", "Iraq (KRI)"), then
    the inverted forms of official lists ("Gambia, The", "Korea, North")."""
    name = clean(normalise_dashes(name or "").replace("\u2019", "'"))
    if not name:
        return None
    candidates = [name, _QUALIFIER.sub("", name), *_QUALIFIER.findall(name)]
    for candidate in list(candidates):
        head, sep, tail = candidate.partition(",")
        if sep:
            candidates += [f"{tail} {head}", head]
    for candidate in candidates:
        candidate = clean(candidate) or ""
        code = country_code(candidate) or (
            country_code(candidate[4:]) if candidate.lower().startswith("the ") else None
        )
        if code:
            return code
    return None


def countries_named(*names: str | None) -> list[str]:
    out: list[str] = []
    for name in names:
        code = country_of(name)
        if code and code not in out:
            out.append(code)
    return out


def declared_language(response: TextResponse) -> str | None:
    """The language the page declares: ``<html lang>``, ``xml:lang`` of its root, or a Content-Language
    meta tag (two-letter code, lower case)."""
    for value in (
        response.xpath("/html/@lang").get(),
        response.xpath("/*/@*[local-name()='lang']").get(),
        response.css('meta[http-equiv="content-language" i]::attr(content)').get(),
        response.css('meta[name="language" i]::attr(content)').get(),
    ):
        code = (value or "").strip().lower()[:2]
        if re.fullmatch(r"[a-z]{2}", code):
            return code
    return None


def clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


def is_file(response: Response) -> bool:
    """A document file (PDF, Word, ...) rather than a web page, by its bytes first, then its type."""
    if response.body[:5] == b"%PDF-":
        return True
    ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return any(ctype.startswith(t) for t in _FILE_TYPES)


def file_name(url: str, default: str) -> str:
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return name or default


class SourceSpider(scrapy.Spider):
    """Base of every spider. Subclasses set ``name`` and implement ``parse`` (the start pages)."""

    name = "base"
    # the fields every item of this site must carry: an item without one is kept, and a ``layout`` problem
    # naming the field is recorded with the crawl run (the first sign of a changed site)
    expected_fields: tuple[str, ...] = ("title",)

    def __init__(
        self,
        source: Source,
        base_url: str | None = None,
        since: dt.date | None = None,
        report: Report | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if source.crawl is None:
            raise ValueError(f"source {source.id} has no crawl settings")
        self.source = source
        self.crawl = source.crawl
        self.since = since
        self._report = report
        self._origin_domains = list(self.crawl.allowed_domains)
        self.base = urlsplit(base_url) if base_url else None
        self.allowed_domains = [self.base.hostname or ""] if self.base else list(self._origin_domains)
        self.log_to = logging.getLogger(f"coidesk.crawl.{source.id}")

    # ---- addresses --------------------------------------------------------------------------------
    def rebase(self, url: str) -> str:
        """With ``--base-url``, addresses of the source's domains point to the stand-in site instead."""
        if self.base is None:
            return url
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host and not any(host == d or host.endswith("." + d) for d in self._origin_domains):
            return url  # a foreign address stays foreign (and is refused by the guard)
        return urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))

    def canonical(self, url: str) -> str:
        """The source's own address for a page fetched from the stand-in site, so a document keeps one
        identity whether it came from a mirror or from the publisher."""
        if self.base is None or urlsplit(url).netloc != self.base.netloc:
            return url
        parts = urlsplit(url)
        return urlunsplit(("https", self._origin_domains[0], parts.path, parts.query, ""))

    def start_urls_for(self, urls: Iterable[Any]) -> list[str]:
        return [self.rebase(str(u)) for u in urls]

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls_for(self.crawl.start_urls):
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    # ---- problems ---------------------------------------------------------------------------------
    def report(self, url: str, kind: str, message: str) -> None:
        """A problem with one page: logged for this source and kept with the crawl run."""
        self.log_to.warning("%s %s: %s", kind, url, message)
        if self._report is not None:
            self._report(url, kind, message)

    def failed(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        response = getattr(failure.value, "response", None)
        if response is not None:
            self.report(url, "http", f"HTTP {response.status}")
        elif failure.check(scrapy.exceptions.IgnoreRequest):
            return  # refused by robots.txt or the guard: already recorded
        elif failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
            self.report(url, "timeout", "no answer in time")
        elif failure.check(CannotResolveHostError, DNSLookupError):  # Scrapy's wrapping of Twisted's, and it
            self.report(url, "dns", "unknown host")
        elif failure.check(DownloadConnectionRefusedError, ConnectionRefusedError, ConnectError):
            self.report(url, "connection", "the site refused the connection")
        else:
            self.report(url, failure.type.__name__ if failure.type else "error", str(failure.value)[:300])

    def request(self, url: str, callback: Callable[..., Any], **meta: Any) -> scrapy.Request:
        return scrapy.Request(self.rebase(url), callback=callback, errback=self.failed, meta=meta)

    # ---- items ------------------------------------------------------------------------------------
    def too_old(self, published: str | None) -> bool:
        return bool(self.since and published and published < self.since.isoformat())

    def item(self, response: Response, url: str | None = None, **fields: Any) -> CrawledFile | None:
        """The response as a file item (None when older than ``--since``)."""
        if self.too_old(fields.get("published")):
            return None
        fields.setdefault("kind", self.crawl.kind)
        fields.setdefault("doc_type", self.crawl.doc_type)
        fields = {k: v for k, v in fields.items() if v is not None}
        doc_url = self.canonical(url or response.url)
        missing = [f for f in self.expected_fields if not fields.get(f)]
        if missing:
            self.report(doc_url, "layout", f"no {', no '.join(missing)} found (the page's layout changed?)")
        fetched = self.canonical(response.url)
        return CrawledFile(
            source=self.source.id,
            url=doc_url,
            body=response.body,
            filename=file_name(response.url, "page.html"),
            file_url=fetched if fetched != doc_url else None,
            **fields,
        )

    def page_metadata(self, response: TextResponse) -> dict[str, Any]:
        """Title, date, author and language as the page states them (trafilatura reads meta tags,
        JSON-LD and common markup)."""
        meta = trafilatura.extract_metadata(response.text, default_url=response.url)
        if meta is None:
            return {}
        return {
            "title": clean(meta.title),
            "published": iso_date(meta.date),
            "author": clean(meta.author),
        }

    def parse_file(self, response: Response) -> Iterable[Any]:
        """A linked file (PDF, ...): the metadata travel in ``meta['fields']``."""
        fields = dict(response.meta.get("fields") or {})
        doc_url = response.meta.get("doc_url") or response.url
        if not is_file(response):
            self.report(response.url, "layout", "a document file was expected, a web page came")
            return
        item = self.item(response, url=doc_url, **fields)
        if item is not None:
            yield item

    def require(self, value: Any, what: str, response: Response) -> Any:
        if not value:
            raise LayoutError(f"{what} not found on {response.url}")
        return value
