"""US Department of State — Country Reports on Human Rights Practices, www.state.gov.

Structure (public pages of www.state.gov, a WordPress site): the year's index
``/reports/<year>-country-reports-on-human-rights-practices/`` links to one page per country at
``/reports/<year>-country-reports-on-human-rights-practices/<country-slug>/``; a country page has the
country in its ``h1``, the report text in the page body (sections "Executive Summary", "Section 1. ..."),
and ``article:published_time`` / ``article:modified_time`` meta tags. Some years also link a PDF.
Public code written against the live site (pipelines that fetch these reports) reads the report from
``section.entry-content`` blocks and finds the country by the address's slug, not by the ``h1``: the ``h1`` may
hold the report's full title ("2023 Country Reports on Human Rights Practices: Burma") or something else
entirely. So the country is taken from the ``h1`` only when the country reference knows it, else from the
part after the colon, the index's link text, then the address's slug; a name the reference does not know
is kept in the title and reported.
Collected: one COI document per country page, titled as USDOS cites it
("2023 Country Reports on Human Rights Practices: Sudan").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, countries_named, iso_date

_REPORT_PATH = re.compile(r"/reports/(\d{4})-country-reports-on-human-rights-practices/([a-z0-9-]+)/?$")


def _slug_name(slug: str) -> str:
    """ "democratic-republic-of-the-congo" → "Democratic Republic of the Congo"."""
    words = slug.split("-")
    return " ".join(w if i and w in ("of", "the", "and") else w.capitalize() for i, w in enumerate(words))


class UsdosSpider(SourceSpider):
    name = "usdos"
    expected_fields = ("title", "published")

    def parse(self, response: Response) -> Iterable[Any]:
        """The year's index: one link per country report."""
        assert isinstance(response, TextResponse)
        seen: set[str] = set()
        for a in response.css("a[href]"):
            url = response.urljoin(a.attrib["href"])
            if _REPORT_PATH.search(urlsplit(url).path) and url not in seen:
                seen.add(url)
                yield self.request(url, self.parse_report, country=clean(" ".join(a.css("::text").getall())))
        self.require(seen, "links to country reports", response)

    def parse_report(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        m = self.require(_REPORT_PATH.search(urlsplit(response.url).path), "a report address", response)
        country, codes = self._country(response, m.group(2))
        body = response.css("section.entry-content, .report__content, article, main") or response
        text = " ".join(body.css("p ::text").getall())
        self.require(len(text) > 200, "the report text", response)
        if not codes:
            self.report(response.url, "notice", f"country {country!r} not in the country reference")
        published = iso_date(response.css('meta[property="article:published_time"]::attr(content)').get())
        item = self.item(
            response,
            title=f"{m.group(1)} Country Reports on Human Rights Practices: {country}",
            published=published or self.page_metadata(response).get("published"),
            language="en",
            countries=codes,
            author="United States Department of State, Bureau of Democracy, Human Rights, and Labor",
        )
        if item is not None:
            yield item

    @staticmethod
    def _country(response: TextResponse, slug: str) -> tuple[str, list[str]]:
        """The country's name (as the page writes it) and code: the first of the ``h1``, the part of the
        ``h1`` after a colon, the index's link text and the address's slug that the reference knows."""
        h1 = clean(" ".join(response.css("h1 ::text").getall())) or ""
        names = [
            h1,
            h1.rpartition(":")[2] if ":" in h1 else "",
            response.meta.get("country") or "",
            _slug_name(slug),
        ]
        for name in (clean(n) for n in names):
            if name and (codes := countries_named(name)):
                return name, codes
        fallback = clean(h1.rpartition(":")[2]) if ":" in h1 else None
        return fallback or response.meta.get("country") or _slug_name(slug), []
