"""US Department of State — Country Reports on Human Rights Practices, www.state.gov.

Structure (public pages of www.state.gov, a WordPress site): the year's index
``/reports/<year>-country-reports-on-human-rights-practices/`` links to one page per country at
``/reports/<year>-country-reports-on-human-rights-practices/<country-slug>/``; a country page has the
country in its ``h1``, the report text in the page body (sections "Executive Summary", "Section 1. ..."),
and ``article:published_time`` / ``article:modified_time`` meta tags. Some years also link a PDF.
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


class UsdosSpider(SourceSpider):
    name = "usdos"

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
        country = clean(response.css("h1::text").get()) or response.meta.get("country")
        country = self.require(country, "the country (h1)", response)
        text = " ".join(response.css("p::text").getall())
        self.require(len(text) > 200, "the report text", response)
        published = iso_date(response.css('meta[property="article:published_time"]::attr(content)').get())
        item = self.item(
            response,
            title=f"{m.group(1)} Country Reports on Human Rights Practices: {country}",
            published=published or self.page_metadata(response).get("published"),
            language="en",
            countries=countries_named(country),
            author="United States Department of State, Bureau of Democracy, Human Rights, and Labor",
        )
        if item is not None:
            yield item
