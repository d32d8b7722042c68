"""Any site with an RSS/Atom feed, a sitemap or a listing page, driven by its registry entry alone.

- ``feeds``: RSS 2.0 or Atom, read with feedparser; each entry's link is fetched with the entry's title,
  date and author.
- ``sitemaps``: ``sitemap.xml`` or a sitemap index (Scrapy's sitemap reader: no external entities);
  ``lastmod`` before ``--since`` is skipped.
- ``listings``: a page whose links (CSS selector) lead to documents; the link's title comes from an XPath
  relative to the link (default: its text); ``next_page`` (CSS) is followed up to ``max_pages``.
Pages are kept as HTML (the main text is extracted at ingest, by trafilatura); title, date and author
come from the page's metadata (trafilatura) unless the feed or listing gave them. PDFs and other files
linked from a page are fetched and ingested as documents of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap

from crawlers.spiders.base import SourceSpider, clean, file_name, is_file, iso_date

_FILE_SUFFIXES = (".pdf", ".docx", ".odt", ".doc")


def _entry_date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]).isoformat() if parsed else None


class GenericSpider(SourceSpider):
    name = "generic"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls_for(self.crawl.feeds):
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.failed)
        for url in self.start_urls_for(self.crawl.sitemaps):
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed)
        for i, listing in enumerate(self.crawl.listings):
            yield scrapy.Request(
                self.rebase(str(listing.url)), callback=self.parse_listing, errback=self.failed, meta={"listing": i}
            )
        for url in self.start_urls_for(self.crawl.start_urls):
            yield scrapy.Request(url, callback=self.parse_page, errback=self.failed)

    def parse(self, response: Response) -> Iterable[Any]:
        return self.parse_page(response)

    def parse_feed(self, response: Response) -> Iterable[Any]:
        feed = feedparser.parse(response.body)
        self.require(feed.entries, "feed entries", response)
        for n, entry in enumerate(feed.entries, 1):
            link = entry.get("link")
            if not link:
                self.report(
                    response.url, "layout", f"feed entry {n} ({clean(entry.get('title')) or 'untitled'}): no link"
                )
                continue
            fields = {
                "title": clean(entry.get("title")),
                "published": _entry_date(entry),
                "author": clean(entry.get("author")),
            }
            if self.too_old(fields["published"]):
                continue
            yield self.request(response.urljoin(link), self.parse_page, fields=fields)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        sitemap = Sitemap(response.body)
        entries = list(sitemap)
        self.require(entries, "sitemap entries", response)
        for n, entry in enumerate(entries, 1):
            loc = entry.get("loc")
            if not loc:
                self.report(response.url, "layout", f"sitemap entry {n}: no loc")
                continue
            if sitemap.type == "sitemapindex":
                yield self.request(loc, self.parse_sitemap)
            elif not self.too_old(iso_date(entry.get("lastmod"))):
                yield self.request(loc, self.parse_page)

    def parse_listing(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        listing = self.crawl.listings[int(response.meta["listing"])]
        links = response.css(listing.links)
        self.require(links, f"links ({listing.links})", response)
        for n, a in enumerate(links, 1):
            href = a.attrib.get("href")
            if not href:
                self.report(response.url, "layout", f"listing link {n} ({listing.links}): no href")
                continue
            if listing.title:  # the title the registry points at wins over the page's own
                fields = {"title": clean(a.xpath(listing.title).get())}
            else:  # the link's text only stands in for a title the page does not give
                fields = {"link_text": clean(" ".join(a.css("::text").getall()))}
            yield self.request(response.urljoin(href), self.parse_page, fields=fields)
        page = int(response.meta.get("page", 1))
        next_href = response.css(listing.next_page).attrib.get("href") if listing.next_page else None
        if next_href and page < self.crawl.max_pages:
            yield self.request(
                response.urljoin(next_href), self.parse_listing, listing=response.meta["listing"], page=page + 1
            )

    def parse_page(self, response: Response) -> Iterable[Any]:
        given = {k: v for k, v in (response.meta.get("fields") or {}).items() if v}
        link_text = given.pop("link_text", None)
        if is_file(response):
            item = self.item(response, **({"title": link_text} | given))
            if item is not None:
                yield item
            return
        if not isinstance(response, TextResponse):
            self.report(response.url, "layout", "neither a web page nor a document file")
            return
        fields = {"title": link_text} | {k: v for k, v in self.page_metadata(response).items() if v} | given
        self.require(fields.get("title"), "a title", response)
        item = self.item(response, **fields)
        if item is not None:
            yield item
        for a in response.css("a[href]"):
            url = response.urljoin(a.attrib["href"])
            if url.split("?")[0].lower().endswith(_FILE_SUFFIXES):
                title = clean(" ".join(a.css("::text").getall())) or file_name(url, "document")
                yield self.request(url, self.parse_page, fields={"link_text": title})
