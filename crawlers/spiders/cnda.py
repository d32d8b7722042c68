"""Cour nationale du droit d'asile — décisions jurisprudentielles, www.cnda.fr.

Structure (public pages of www.cnda.fr, the Conseil d'État's site template; the same layout that the
worldwidelaw/legal-sources CNDA fetcher reads):
- the listing ``/decisions-de-justice/jurisprudence/decisions-jurisprudentielles`` (``?page=N``, about 30
  decisions a page) links to one page per decision; the link wraps an ``h3`` with the decision's heading;
- a decision page gives the heading (``h1``), the date of publication ("23 mars 2026"), an abstract
  (paragraphs of the main content), the file number ("n° 23012345") and a link to the decision's PDF
  under ``/Media/`` ("Voir la décision").
Public code written against the live site shows the PDF's address under ``/Media/`` without a ``.pdf``
suffix and naming the decision ("/Media/mediatheque-cnda/images/2026/cnda-12-mai-2026-m.y.-n-26006334-c": the
date read and the file number), while other ``/Media/`` addresses on the page are the site's images (its
logo among them). The decision's link is the ``/Media/`` link outside the header, navigation and footer,
not an image, that names the decision (its text, its file number or a dated slug); the decision's date
and number are read from that address when the page does not give them.
Collected: one decision per page, its text from the PDF (the page's abstract is kept as the headnote);
without a PDF, the page itself (reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawlers.spiders.base import SourceSpider, clean, countries_named, long_date

_DECISION_LINK = "/decisions-jurisprudentielles/"
_FILE_NUMBER = re.compile(r"\bn[°o]\s*(\d{6,10})\b")
_CITED_AS = re.compile(r"\bCNDA,?\s+(\d{1,2}(?:er)?\s+\w+\s+\d{4})")  # "CNDA 18 décembre 2025 M. C. n° ..."
_PAGE = re.compile(r"[?&]page=(\d+)")
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|ico|bmp)$", re.I)
_SLUG_DATE = re.compile(r"-(\d{1,2})(?:er)?-([a-zéû]+)-(\d{4})-", re.I)
_SLUG_NUMBER = re.compile(r"-n-(\d{6,10})(?:-|$)")
_FR_MONTHS = {"fevrier": "février", "aout": "août", "decembre": "décembre"}


def _decision_link(response: TextResponse, number: str | None) -> str | None:
    """The decision's PDF among the page's links (not the site's logo or other images)."""
    best: tuple[int, str] | None = None
    for a in response.css("a[href]"):
        href = a.attrib["href"]
        path = urlsplit(href).path
        if a.xpath("ancestor::header | ancestor::nav | ancestor::footer"):
            continue
        if _IMAGE.search(path) or not ("/Media/" in path or path.lower().endswith(".pdf")):
            continue
        text = (clean(" ".join(a.css("::text").getall())) or "").lower()
        if not text and a.css("img"):
            continue  # an image link
        score = (2 if "décision" in text or "decision" in text else 0) + (2 if number and number in path else 0)
        score += 1 if _SLUG_DATE.search(path) or path.lower().endswith(".pdf") else 0
        if score and (best is None or score > best[0]):
            best = (score, href)
    return best[1] if best else None


class CndaSpider(SourceSpider):
    name = "cnda"
    expected_fields = ("title", "published")

    def parse(self, response: Response) -> Iterable[Any]:
        """A listing page: decision pages, then the next listing pages (up to ``max_pages``)."""
        assert isinstance(response, TextResponse)
        titles: dict[str, str] = {}
        for a in response.css(f'a[href*="{_DECISION_LINK}"]'):
            href = a.attrib["href"]
            if "?page=" in href or href.rstrip("/").endswith("decisions-jurisprudentielles"):
                continue
            url = response.urljoin(href)
            title = clean(" ".join(a.css("h3 ::text").getall())) or clean(" ".join(a.css("::text").getall()))
            if title and len(title) > len(titles.get(url, "")):
                titles[url] = title
        self.require(titles, "links to decisions", response)
        for url, title in titles.items():
            yield self.request(url, self.parse_decision, title=title)
        pages = {response.urljoin(a.attrib["href"]) for a in response.css('a[href*="page="]')}
        for url in sorted(pages):
            m = _PAGE.search(url)
            if m and 1 < int(m.group(1)) <= self.crawl.max_pages:
                yield self.request(url, self.parse)

    def parse_decision(self, response: Response) -> Iterable[Any]:
        assert isinstance(response, TextResponse)
        title = clean(" ".join(response.css("h1 ::text").getall())) or response.meta.get("title")
        title = self.require(title, "the heading (h1)", response)
        main = response.css("main") or response.css("article") or response
        paragraphs = [clean(" ".join(p.css("::text").getall())) or "" for p in main.css("p")]
        abstract = "\n\n".join(p for p in paragraphs if len(p) > 30)[:20_000] or None
        page_text = " ".join(main.css("::text").getall())
        number = _FILE_NUMBER.search(page_text)
        country = title.split(":")[0] if ":" in title[:60] else None
        fields = {
            "title": title,
            "published": long_date(page_text),
            "language": "fr",
            "countries": countries_named(country),
            "court": "CNDA",
            "file_number": number.group(1) if number else None,
            "decision_date": long_date(cited.group(1)) if (cited := _CITED_AS.search(page_text)) else None,
            "headnote": abstract,
        }
        pdf = _decision_link(response, fields["file_number"])
        if pdf:
            path = urlsplit(pdf).path
            if not fields["decision_date"] and (d := _SLUG_DATE.search(path)):
                month = _FR_MONTHS.get(d.group(2).lower(), d.group(2).lower())
                fields["decision_date"] = long_date(f"{d.group(1)} {month} {d.group(3)}")
            if not fields["file_number"] and (n := _SLUG_NUMBER.search(path)):
                fields["file_number"] = n.group(1)
            yield self.request(response.urljoin(pdf), self.parse_file, fields=fields, doc_url=response.url)
            return
        self.report(response.url, "notice", "no link to the decision's PDF: the page itself is kept")
        item = self.item(response, **fields)
        if item is not None:
            yield item
