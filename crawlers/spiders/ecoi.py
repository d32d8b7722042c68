"""ecoi.net — documents by country (www.ecoi.net, run by ACCORD at the Austrian Red Cross).

Structure (public pages of www.ecoi.net): a country page ``/en/countries/<country>/`` lists the latest
documents, each linked at ``/en/document/<id>.html``; a document page has the title in ``h1`` and a
definition list of metadata (``<dt>Source:</dt><dd>...``, "Published:", "Document type:", "Language:",
"Country:", "Document ID:", "Original link:"); the text is either on the page or in a file kept by
ecoi.net at ``/en/file/local/<id>/...`` (usually a PDF).
Collected: one COI document per document page, from the local file when there is one, with the original
publisher kept ("publisher") since ecoi.net only republishes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, countries_named, long_date

_DOCUMENT = re.compile(r"/[a-z]{2}/(?:document|dokument)/\d+\.html$")
_LANGUAGES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "russian": "ru",
    "arabic": "ar",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "turkish": "tr",
    "persian": "fa",
    "farsi": "fa",
    "dari": "fa",
    "pashto": "ps",
    "ukrainian": "uk",
    "chinese": "zh",
    "kurdish": "ku",
    "urdu": "ur",
    "tigrinya": "ti",
    "amharic": "am",
    "somali": "so",
    "georgian": "ka",
    "armenian": "hy",
    "albanian": "sq",
    "serbian": "sr",
    "bengali": "bn",
    "hungarian": "hu",
    "polish": "pl",
    "greek": "el",
    "swedish": "sv",
}


class EcoiSpider(SourceSpider):
    name = "ecoi"
    expected_fields = ("title", "published", "publisher")

    def parse(self, response: Response) -> Iterable[Any]:
        """A country page: its documents, then further pages (up to ``max_pages``)."""
        assert isinstance(response, TextResponse)
        links = [response.urljoin(h) for h in response.css("a[href]::attr(href)").getall()]
        docs = list(dict.fromkeys(u for u in links if _DOCUMENT.search(u.split("?")[0])))
        self.require(docs, "links to documents", response)
        for url in docs:
            yield self.request(url, self.parse_document)
        page = int(response.meta.get("page", 1))
        next_href = response.css('a[rel="next"]::attr(href)').get()
        if next_href and page < self.crawl.max_pages:
            yield self.request(response.urljoin(next_href), self.parse, page=page + 1)

    def parse_document(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        title = self.require(clean(" ".join(response.css("h1 ::text").getall())), "the title (h1)", response)
        facts: dict[str, str] = {}
        for dt_ in response.css("dl dt"):
            label = (clean(" ".join(dt_.css("::text").getall())) or "").rstrip(":").lower()
            value = clean(" ".join(dt_.xpath("following-sibling::dd[1]//text()").getall()))
            if label and value:
                facts[label] = value
        self.require(facts.get("published") or facts.get("source"), "the metadata list (dl)", response)
        countries = countries_named(*(facts.get("country") or "").split(";"))
        fields = {
            "title": title,
            "published": long_date(facts.get("published")),
            "language": _LANGUAGES.get((facts.get("language") or "").lower()),
            "countries": countries,
            "doc_type": (facts.get("document type") or "").lower() or None,
            "publisher": facts.get("source"),
            "author": facts.get("source"),
        }
        local = response.css('a[href*="/file/local/"]::attr(href)').get()
        if local:
            yield self.request(response.urljoin(local), self.parse_file, fields=fields, doc_url=response.url)
            return
        item = self.item(response, **fields)
        if item is not None:
            yield item
