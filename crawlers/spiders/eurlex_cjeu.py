"""Court of Justice of the EU — judgments on asylum, read on EUR-Lex by CELEX number (eur-lex.europa.eu).

Structure (EUR-Lex's documented public addresses): a judgment's text is at
``/legal-content/<LANG>/TXT/HTML/?uri=CELEX:<celex>``; the CELEX number of a Court of Justice judgment is
``6`` + year of the case + ``CJ`` + four-digit case number (C-621/21 → 62021CJ0621). The text opens with
"ARRÊT DE LA COUR (grande chambre)" and the date ("16 janvier 2024"), names the case ("Dans l'affaire
C-621/21") and carries its ECLI ("ECLI:EU:C:2024:47"). A EUR-Lex search results page links each hit with
``?uri=CELEX:<celex>``.
Collected: the judgments listed in the registry (``celex``) and those found on the search pages
(``start_urls``), one decision each, in the registry's language.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, long_date

_CELEX = re.compile(r"CELEX[:%3A]+(6\d{4}C[JC]\d{4})", re.I)
_ECLI = re.compile(r"ECLI:EU:C:\d{4}:\d+")
_CASE = re.compile(r"\bC-\d{1,4}/\d{2}\b")
_DATE_TEXT = re.compile(r"\b\d{1,2}(?:er)?\s+[A-Za-zéûÉÛ]+\s+\d{4}\b")
_HEADING = re.compile(r"(ARR[ÊE]T DE LA COUR|JUDGMENT OF THE COURT)\s*(\([^)]*\))?", re.I)


def text_url(celex: str, language: str) -> str:
    return f"https://eur-lex.europa.eu/legal-content/{language}/TXT/HTML/?uri=CELEX:{celex}"


class EurlexCjeuSpider(SourceSpider):
    name = "eurlex_cjeu"

    @property
    def language(self) -> str:
        return (self.crawl.language or "FR").upper()

    async def start(self) -> AsyncIterator[Any]:
        for celex in self.crawl.celex:
            yield self.request(text_url(celex, self.language), self.parse_judgment, celex=celex)
        for url in self.start_urls_for(self.crawl.start_urls):
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response: Response) -> Iterable[Any]:
        """A search results page: every judgment it links to."""
        assert isinstance(response, TextResponse)
        found = []
        for href in response.css("a[href]::attr(href)").getall():
            m = _CELEX.search(href)
            if m and m.group(1).upper() not in found:
                found.append(m.group(1).upper())
        self.require(found, "links to judgments (CELEX)", response)
        for celex in found:
            yield self.request(text_url(celex, self.language), self.parse_judgment, celex=celex)

    def parse_judgment(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        text = clean(" ".join(response.css("body ::text").getall())) or ""
        heading = self.require(_HEADING.search(text), "the judgment's heading", response)
        dated = _DATE_TEXT.search(text[heading.end() : heading.end() + 200])
        date = long_date(dated.group(0)) if dated else None
        case = _CASE.search(text)
        ecli = _ECLI.search(text)
        formation = clean((heading.group(2) or "").strip("()"))
        label = "Arrêt de la Cour" if self.language == "FR" else "Judgment of the Court"
        title_parts = [label + (f" ({formation.lower()})" if formation else "")]
        if dated and date:
            title_parts.append(dated.group(0))  # as the Court writes it: "16 janvier 2024"
        if case:
            title_parts.append(case.group(0))
        item = self.item(
            response,
            title=", ".join(title_parts),
            published=date,
            language=self.language.lower(),
            court="CJUE" if self.language == "FR" else "CJEU",
            decision_date=date,
            file_number=case.group(0) if case else None,
            ecli=ecli.group(0) if ecli else None,
        )
        if item is not None:
            item.filename = f"{response.meta.get('celex') or 'judgment'}.html"
            yield item
