"""European Union Agency for Asylum — COI publications (euaa.europa.eu).

Structure (public pages of euaa.europa.eu, a Drupal site): the COI publications listing shows one
``views-row`` per publication with a link to its page, and a pager (``li.pager__item--next``); a
publication page has the title in ``h1``, the publication date in a ``time[datetime]`` element and links
to the report's PDF under ``/sites/default/files/publications/``.
The listing address is in the registry (``start_urls``) so a move of the page is a configuration change.
The EUAA now also publishes many COI reports as HTML pages (the report's chapters on the page itself, no
PDF, or the PDF beside them): a publication page without a report PDF but with the report's text (at least
``_HTML_REPORT_CHARS`` characters in the main content) is kept as the document itself; one with neither is a
``layout`` error for that page. Only PDFs in the main content count (not a footer's privacy notice), the
publications folder first.
Collected: one COI report per publication, its text from the PDF, or the HTML report page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, countries_named, iso_date, long_date, normalise_dashes

_HTML_REPORT_CHARS = 3000


def _report_pdf(main: Any) -> str | None:
    links = [h for h in main.css("a[href]::attr(href)").getall() if urlsplit(h).path.lower().endswith(".pdf")]
    return next((h for h in links if "/publications/" in h), None) or (links[0] if links else None)


class EuaaSpider(SourceSpider):
    name = "euaa"
    expected_fields = ("title", "published")

    def parse(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        rows = response.css(".views-row")
        self.require(rows, "publication rows (.views-row)", response)
        for row in rows:
            href = row.css("a[href]::attr(href)").get()
            if href:
                yield self.request(response.urljoin(href), self.parse_publication)
        page = int(response.meta.get("page", 1))
        next_href = response.css("li.pager__item--next a::attr(href)").get()
        if next_href and page < self.crawl.max_pages:
            yield self.request(response.urljoin(next_href), self.parse, page=page + 1)

    def parse_publication(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        title = self.require(clean(" ".join(response.css("h1 ::text").getall())), "the title (h1)", response)
        published = iso_date(response.css("time::attr(datetime)").get()) or long_date(
            " ".join(response.css("main ::text").getall())
        )
        country = normalise_dashes(title).split(" - ")[0].split(":")[0]
        fields = {
            "title": title,
            "published": published,
            "language": "en",
            "countries": countries_named(country.strip()),
            "author": "EUAA",
        }
        main = response.css("main") or response.css("article") or response
        main_text = clean(" ".join(main.xpath(".//text()[not(ancestor::nav) and not(ancestor::footer)]").getall()))
        pdf = _report_pdf(main)
        if pdf:
            yield self.request(response.urljoin(pdf), self.parse_file, fields=fields, doc_url=response.url)
            return
        if len(main_text or "") < _HTML_REPORT_CHARS:
            self.require(None, "a link to the report's PDF, or the report's text on the page", response)
        self.report(response.url, "notice", "no PDF: the report is the HTML page itself")
        item = self.item(response, **fields)
        if item is not None:
            yield item
