"""UK Home Office — Country Policy and Information Notes (CPIN), www.gov.uk.

Structure (GOV.UK Content API, public and documented at content-api.publishing.service.gov.uk; every
page's JSON is at ``/api/content`` + its path):
- the collection ``/government/collections/country-policy-and-information-notes`` lists, in
  ``links.documents``, one publication per country ("Sudan: country policy and information notes");
- each publication lists its notes in ``details.attachments``; ``attachment_type: "html"`` is the
  accessible HTML version of a note (its path under the publication), ``"file"`` the PDF of the same note;
- each HTML note (schema ``html_publication``) carries the note's text in ``details.body`` (govspeak HTML),
  ``title``, ``first_published_at`` and ``public_updated_at``.
Real examples (``tests/fixtures/crawl_pages/uk_cpin/PROVENANCE.md``) show the variants handled: country names
with qualifiers ("Myanmar (Burma): …", read through the country reference), notes published only as a PDF,
withdrawn items (``withdrawn`` in ``links.documents``, ``withdrawn_notice`` on a note), older publications
without ``details.attachments``.
Collected: one COI document per HTML note, with the country from the publication title; the PDF's
address is kept with it; a PDF-only note is fetched as its PDF. A withdrawn note is recorded as withdrawn
(a ``withdrawn`` notice with the run; kept flagged ``withdrawn`` when it still has its text, not stored
when only the removal notice is left).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response

from crawlers.spiders.base import SourceSpider, clean, countries_named, iso_date

API = "https://www.gov.uk/api/content"


_REMOVED = re.compile(r"\b(?:content|page|publication|document) has been (?:removed|withdrawn)\b", re.I)


def _note_title(raw: str | None) -> str:
    """The note's title without the format label GOV.UK adds to the HTML version."""
    return re.sub(r"\s*\(accessible\)$", "", clean(raw) or "")


class UkCpinSpider(SourceSpider):
    name = "uk_cpin"
    expected_fields = ("title",)  # a PDF-only note has no date of its own: checked on HTML notes only

    def parse(self, response: Response) -> Iterable[Any]:
        """The collection: one publication per country."""
        data = json.loads(response.body)
        documents = self.require(data.get("links", {}).get("documents"), "links.documents", response)
        for doc in documents:
            api_url = doc.get("api_url") or (API + doc["base_path"] if doc.get("base_path") else None)
            title = clean(doc.get("title")) or ""
            if not api_url:
                self.report(response.url, "layout", f"links.documents: no api_url or base_path for {title!r}")
                continue
            if doc.get("withdrawn"):
                self.report(api_url, "withdrawn", f"publication withdrawn from the collection: {title}")
                continue
            name, colon, _ = title.partition(":")
            countries = countries_named(name) if colon else []
            if colon and not countries:
                self.report(api_url, "notice", f"no country of the reference named {name!r}")
            yield self.request(api_url, self.parse_publication, countries=countries)

    def parse_publication(self, response: Response) -> Iterable[Any]:
        """A country's publication: its HTML notes, each with the PDF of the same note when there is one, and
        the notes published only as a PDF (fetched as files). A publication in another layout (an older item
        without ``details.attachments``) is reported and skipped; the crawl goes on."""
        data = json.loads(response.body)
        details = data.get("details") or {}
        countries = response.meta.get("countries", [])
        attachments = details.get("attachments")
        if not attachments:
            links = [
                href
                for snippet in details.get("documents") or []
                for href in Selector(text=str(snippet)).css("a[href]::attr(href)").getall()
                if urlsplit(href).path.lower().endswith(".pdf")
            ]
            if not links:
                self.report(
                    response.url, "layout", "details.attachments missing (and no linked PDF): publication skipped"
                )
                return
            attachments = [{"attachment_type": "file", "content_type": "application/pdf", "url": u} for u in links]
        html_titles = {_note_title(a.get("title")) for a in attachments if a.get("attachment_type") == "html"}
        pdfs = {
            _note_title(a.get("title")): a.get("url")
            for a in attachments
            if a.get("content_type") == "application/pdf" and a.get("url")
        }
        for a in attachments:
            title = _note_title(a.get("title"))
            if a.get("attachment_type") == "html" and a.get("url"):
                yield self.request(API + a["url"], self.parse_note, countries=countries, pdf_url=pdfs.get(title))
            elif a.get("content_type") == "application/pdf" and a.get("url") and title not in html_titles:
                # a note that exists only as a PDF
                fields = {"title": title or None, "countries": countries, "author": "Home Office"}
                yield self.request(a["url"], self.parse_file, fields=fields, doc_url=a["url"])

    def parse_note(self, response: Response) -> Iterable[Any]:
        data = json.loads(response.body)
        body = self.require(data.get("details", {}).get("body"), "details.body", response)
        title = _note_title(self.require(data.get("title"), "title", response))
        web_url = data.get("web_url") or ("https://www.gov.uk" + data.get("base_path", ""))
        published = iso_date(data.get("first_published_at")) or iso_date(data.get("public_updated_at"))
        if not published:
            self.report(web_url, "layout", "no first_published_at or public_updated_at (the item's layout changed?)")
        withdrawn = data.get("withdrawn_notice") or {}
        withdrawn_at = iso_date(withdrawn.get("withdrawn_at")) if withdrawn else None
        if withdrawn:
            explanation = clean(
                " ".join(Selector(text=withdrawn.get("explanation") or "<p></p>").css("::text").getall())
            )
            self.report(web_url, "withdrawn", f"withdrawn on {withdrawn_at or '?'}: {explanation or 'no explanation'}")
            body_text = clean(" ".join(Selector(text=body).css("::text").getall())) or ""
            if len(body_text) < 500 and (_REMOVED.search(body_text) or _REMOVED.search(title)):
                return  # nothing left but the notice: no document to keep
        page = (
            f'<!DOCTYPE html><html lang="{html.escape(data.get("locale") or "en")}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
        )
        item = self.item(
            response.replace(body=page.encode("utf-8")),
            url=web_url,
            title=title,
            published=published,
            language=data.get("locale") or "en",
            countries=response.meta.get("countries", []),
            author="Home Office",
            pdf_url=response.meta.get("pdf_url"),
            **({"doc_type": "withdrawn", "withdrawn": withdrawn_at or "unknown"} if withdrawn else {}),
        )
        if item is not None:
            item.filename = (data.get("base_path") or "note").rsplit("/", 1)[-1] + ".html"
            yield item
