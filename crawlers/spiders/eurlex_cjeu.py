"""Court of Justice of the EU — judgments, orders and Advocate General opinions on asylum, read on EUR-Lex
(eur-lex.europa.eu) by CELEX number.

Structure (EUR-Lex's documented public addresses, and real pages saved by public projects: see
``tests/fixtures/crawl_pages/eurlex_cjeu/PROVENANCE.md``):
- a document's text is at ``/legal-content/<LANG>/TXT/HTML/?uri=CELEX:<celex>`` (or ``?uri=ecli:<ECLI>``); the
  CELEX number of a Court of Justice document is ``6`` + year of the case + ``CJ`` (judgment), ``CO`` (order)
  or ``CC`` (Advocate General opinion) + four-digit case number (C-621/21 → 62021CJ0621);
- the text opens with a title block: the heading ("JUDGMENT OF THE COURT (Grand Chamber)" / "ARRÊT DE LA COUR
  (grande chambre)", "ORDER OF THE COURT" / "ORDONNANCE DE LA COUR", "OPINION OF ADVOCATE GENERAL X delivered
  on …" / "CONCLUSIONS DE L'AVOCAT GÉNÉRAL M. X présentées le …"), the date, then the case ("In Case C‑670/16,",
  "In Joined Cases C‑497/15 and C‑498/15,", "Dans l'affaire C‑621/21,", "Case C‑670/16" in opinions). EUR-Lex
  writes case numbers with a non-breaking hyphen (U+2011); the body goes on to cite other cases' numbers;
- the ECLI is not in the body of older texts (2017–2018 pages have none): it is taken from the address
  (``uri=ecli:``), a meta tag, or a paragraph holding only the ECLI (newer texts), and left empty otherwise;
- a quick-search results page links each hit with ``?uri=CELEX:<celex>``.
Collected: the documents listed in the registry (``celex``) and those found on the search pages
(``start_urls``), one decision each, typed (``doc_type``: judgment, order, opinion), in the language the document
is written in (its heading's; a different ``lang`` on the page is reported), requested in the registry's
language (French first).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import unquote

import scrapy
from scrapy.http import Response, TextResponse

from crawlers.items import LayoutError
from crawlers.spiders.base import DASHES, SourceSpider, clean, declared_language, long_date, normalise_dashes

_CELEX = re.compile(r"CELEX[:%3A]+(6\d{4}C[JCO]\d{4})", re.I)
_ECLI = re.compile(r"ECLI:EU:[CTF]:\d{4}:\d+")
_DATE_TEXT = re.compile(r"\b\d{1,2}(?:er)?\s+[A-Za-zéûÉÛ]+\s+\d{4}\b")
_SUFFIX = r"(?:\s(?:PPU|P|R|DEP|REC|SA|OP|AJ|TO|INT|RENV|REV)\b)?"
_ONE_CASE = rf"[CTF]\s?[{DASHES}]\s?\d{{1,4}}/\d{{2}}{_SUFFIX}"
_CASE_LIST = rf"{_ONE_CASE}(?:(?:\s?,\s?|\s+(?:and|et|und|y|e)\s+){_ONE_CASE})*"
# where the title block names the case, in the languages the office reads most
_CASE_INTRO = re.compile(
    rf"(?:\bIn\s+(?:Joined\s+)?Cases?|\bJoined\s+Cases|\bCases?|Dans\s+l['’]affaire|Dans\s+les\s+affaires\s+jointes"
    rf"|\bAffaires?(?:\s+jointes)?|\bIn\s+der\s+Rechtssache|\bIn\s+den\s+verbundenen\s+Rechtssachen)\s+({_CASE_LIST})"
)
_ONE = re.compile(_ONE_CASE)
# heading → (kind, language); uppercase as EUR-Lex prints them, looked for only at the top of the text
_HEADINGS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"JUDGMENT OF THE COURT\s*(?:\(([^)]*)\))?"), "judgment", "en"),
    (re.compile(r"ARR[ÊE]T DE LA COUR\s*(?:\(([^)]*)\))?"), "judgment", "fr"),
    (re.compile(r"URTEIL DES GERICHTSHOFS\s*(?:\(([^)]*)\))?"), "judgment", "de"),
    (re.compile(r"SENTENZA DELLA CORTE\s*(?:\(([^)]*)\))?"), "judgment", "it"),
    (re.compile(r"SENTENCIA DEL TRIBUNAL DE JUSTICIA\s*(?:\(([^)]*)\))?"), "judgment", "es"),
    (
        re.compile(r"ORDER OF THE (?:COURT|PRESIDENT OF THE COURT|VICE-PRESIDENT OF THE COURT)\s*(?:\(([^)]*)\))?"),
        "order",
        "en",
    ),
    (
        re.compile(
            r"ORDONNANCE D(?:E LA COUR|U PR[ÉE]SIDENT DE LA COUR|U VICE-PR[ÉE]SIDENT DE LA COUR)"
            r"\s*(?:\(([^)]*)\))?"
        ),
        "order",
        "fr",
    ),
    (re.compile(r"OPINION OF ADVOCATE GENERAL\s+(.+?)\s+delivered on\b"), "opinion", "en"),
    (re.compile(r"CONCLUSIONS DE L['’]AVOCATE? G[ÉE]N[ÉE]RALE?\s+(.+?)\s+pr[ée]sent[ée]es le\b"), "opinion", "fr"),
    (re.compile(r"SCHLUSSANTR[ÄA]GE DES GENERALANWALTS\s+(.+?)\s+vom\b"), "opinion", "de"),
]
_LABELS = {
    ("judgment", "fr"): "Arrêt de la Cour",
    ("judgment", "de"): "Urteil des Gerichtshofs",
    ("judgment", "it"): "Sentenza della Corte",
    ("judgment", "es"): "Sentencia del Tribunal de Justicia",
    ("judgment", "en"): "Judgment of the Court",
    ("order", "fr"): "Ordonnance de la Cour",
    ("order", "en"): "Order of the Court",
    ("opinion", "fr"): "Conclusions de l'avocat général",
    ("opinion", "de"): "Schlussanträge des Generalanwalts",
    ("opinion", "en"): "Opinion of Advocate General",
}
_TOP = 400  # characters of text where the heading must be (the body cites "judgment of the Court" later)
_TITLE_BLOCK = 4000  # characters after the heading where the title block names the case


def text_url(celex: str, language: str) -> str:
    return f"https://eur-lex.europa.eu/legal-content/{language}/TXT/HTML/?uri=CELEX:{celex}"


def case_from_celex(celex: str) -> str | None:
    """ "62016CJ0670" → "C-670/16" (without the P / PPU suffix and the joined cases a CELEX cannot carry)."""
    m = re.fullmatch(r"6(\d{4})C[JCO](\d{4})", celex)
    return f"C-{int(m.group(2))}/{m.group(1)[2:]}" if m else None


def _case_list(text: str) -> str:
    """ "C‑497/15 and C‑498/15" → "C-497/15, C-498/15"."""
    return ", ".join(re.sub(r"\s?-\s?", "-", clean(normalise_dashes(m.group(0))) or "") for m in _ONE.finditer(text))


def _name(raw: str) -> str:
    """ "SHARPSTON" → "Sharpston", "MME JULIANE KOKOTT" → "Mme Juliane Kokott" (names are printed in capitals)."""
    return " ".join("-".join(p.capitalize() if p.isupper() else p for p in w.split("-")) for w in raw.split())


def _heading(*places: str) -> tuple[re.Match[str], str, str] | None:
    for pattern, kind, language in _HEADINGS:
        for place in places:
            if m := pattern.search(place):
                return m, kind, language
    return None


class EurlexCjeuSpider(SourceSpider):
    name = "eurlex_cjeu"
    expected_fields = ("title", "decision_date", "file_number")

    @property
    def language(self) -> str:
        return (self.crawl.language or "FR").upper()

    async def start(self) -> AsyncIterator[Any]:
        for celex in self.crawl.celex:
            yield self.request(text_url(celex, self.language), self.parse_judgment, celex=celex)
        for url in self.start_urls_for(self.crawl.start_urls):
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response: Response) -> Iterable[Any]:
        """A search results page: every judgment, order and opinion it links to."""
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
        """A judgment, order or opinion. Missing heading, date or case number: a ``layout`` error for this
        page (the crawl goes on), never an item with a guessed field."""
        assert isinstance(response, TextResponse)
        title_block = response.css("p.sum-title-1, p.coj-sum-title-1, .C19Centre")
        text = normalise_dashes(clean(" ".join(response.css("body ::text").getall())) or "")
        top = normalise_dashes(clean(" ".join(title_block.css("::text").getall())) or "") or text[:_TOP]
        found_heading = _heading(top, text[:_TOP])
        if found_heading is None:
            raise LayoutError(f"the document's heading (judgment, order or opinion) not found on {response.url}")
        heading, kind, heading_language = found_heading
        start = text.find(heading.group(0))
        after = text[start + len(heading.group(0)) if start >= 0 else 0 :]
        dated = _DATE_TEXT.search(after[:200])
        date = long_date(dated.group(0)) if dated else None
        if not date:
            raise LayoutError(f"the date under the heading not found on {response.url}")
        url = unquote(response.url)
        found = _CELEX.search(url)
        celex = found.group(1).upper() if found else response.meta.get("celex")
        named = _CASE_INTRO.search(after[:_TITLE_BLOCK])
        case = _case_list(named.group(1)) if named else None
        if not case and celex:
            case = case_from_celex(celex)
            self.report(response.url, "notice", f"case number not in the title block: {case}, from the CELEX number")
        if not case:
            raise LayoutError(f"the case number in the title block not found on {response.url}")
        language = heading_language  # the document's own words; the page's lang may be the site's interface
        declared = declared_language(response)
        if declared and declared != language:
            self.report(response.url, "notice", f"page declares lang={declared!r}, the document is in {language!r}")
        ecli = self._ecli(response, url)
        qualifier = clean(heading.group(1) or "") if heading.groups() else None
        label = _LABELS.get((kind, language)) or _LABELS[(kind, "en")]
        if kind == "opinion":
            if language == "fr" and "AVOCATE" in heading.group(0):
                label = "Conclusions de l'avocate générale"
            label += f" {_name(qualifier or '')}" if qualifier else ""
        elif qualifier:
            label += f" ({qualifier})"  # the formation as the Court writes it: "(Grand Chamber)", "(grande chambre)"
        item = self.item(
            response,
            title=f"{label}, {dated.group(0)}, {case}" if dated else f"{label}, {case}",
            published=date,
            language=language,
            court="CJUE" if language == "fr" else "CJEU",
            decision_date=date,
            file_number=case,
            ecli=ecli,
            doc_type=kind,
        )
        if item is not None:
            item.filename = f"{celex or response.meta.get('celex') or kind}.html"
            yield item

    @staticmethod
    def _ecli(response: TextResponse, url: str) -> str | None:
        """The document's own ECLI: in its address, a meta tag, or a paragraph holding only it — never one
        cited in the text."""
        m = re.search(r"uri=ecli:(ECLI:EU:[CTF]:\d{4}:\d+)", url, re.I)
        if m:
            return m.group(1).upper()
        for content in response.css("meta::attr(content)").getall():
            if (m := _ECLI.fullmatch(content.strip())) is not None:
                return m.group(0)
        for element in response.css("p, div, span"):
            own = clean(" ".join(element.css("::text").getall()))
            if own and _ECLI.fullmatch(own):
                return own
        return None
