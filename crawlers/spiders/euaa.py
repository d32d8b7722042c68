"""European Union Agency for Asylum — COI publications (euaa.europa.eu).

Structure (public pages of euaa.europa.eu, a Drupal site): the COI publications listing shows one
``views-row`` per publication with a link to its page, and a pager (``li.pager__item--next``); a
publication page has the title in ``h1``, the publication date in a ``time[datetime]`` element and links
to the report's PDF under ``/sites/default/files/publications/``.
The listing address is in the registry (``start_urls``) so a move of the page is a configuration change.
Collected: one COI report per publication, its text from the PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, countries_named, iso_date, long_date


class EuaaSpider(SourceSpider):
    name = "euaa"

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
        country = title.split("–")[0].split(" - ")[0].split(":")[0]
        fields = {
            "title": title,
            "published": published,
            "language": "en",
            "countries": countries_named(country.strip()),
            "author": "EUAA",
        }
        pdf = response.css('a[href$=".pdf"]::attr(href)').get()
        pdf = self.require(pdf, "a link to the report's PDF", response)
        yield self.request(response.urljoin(pdf), self.parse_file, fields=fields, doc_url=response.url)
