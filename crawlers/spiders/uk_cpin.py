"""UK Home Office — Country Policy and Information Notes (CPIN), www.gov.uk.

Structure (GOV.UK Content API, public and documented at content-api.publishing.service.gov.uk; every
page's JSON is at ``/api/content`` + its path):
- the collection ``/government/collections/country-policy-and-information-notes`` lists, in
  ``links.documents``, one publication per country ("Sudan: country policy and information notes");
- each publication lists its notes in ``details.attachments``; ``attachment_type: "html"`` is the
  accessible HTML version of a note (its path under the publication), ``"file"`` the PDF of the same note;
- each HTML note (schema ``html_publication``) carries the note's text in ``details.body`` (govspeak HTML),
  ``title``, ``first_published_at`` and ``public_updated_at``.
Collected: one COI document per HTML note, with the country from the publication title; the PDF's
address is kept with it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

from scrapy.http import Response

from crawlers.spiders.base import SourceSpider, clean, countries_named, iso_date

API = "https://www.gov.uk/api/content"


class UkCpinSpider(SourceSpider):
    name = "uk_cpin"

    def parse(self, response: Response) -> Iterable[Any]:
        """The collection: one publication per country."""
        data = json.loads(response.body)
        documents = self.require(data.get("links", {}).get("documents"), "links.documents", response)
        for doc in documents:
            api_url = doc.get("api_url") or (API + doc["base_path"] if doc.get("base_path") else None)
            if not api_url or doc.get("withdrawn"):
                continue
            country = (doc.get("title") or "").split(":")[0]
            yield self.request(api_url, self.parse_publication, countries=countries_named(country))

    def parse_publication(self, response: Response) -> Iterable[Any]:
        """A country's publication: its HTML notes, each with the PDF of the same note when there is one."""
        data = json.loads(response.body)
        attachments = self.require(data.get("details", {}).get("attachments"), "details.attachments", response)
        pdfs = {clean(a.get("title")): a.get("url") for a in attachments if a.get("content_type") == "application/pdf"}
        for a in attachments:
            if a.get("attachment_type") != "html" or not a.get("url"):
                continue
            title = clean(a.get("title")) or ""
            pdf = pdfs.get(title.removesuffix(" (accessible)"))
            yield self.request(
                API + a["url"], self.parse_note, countries=response.meta.get("countries", []), pdf_url=pdf
            )

    def parse_note(self, response: Response) -> Iterable[Any]:
        data = json.loads(response.body)
        body = self.require(data.get("details", {}).get("body"), "details.body", response)
        title = clean(self.require(data.get("title"), "title", response)) or ""
        web_url = data.get("web_url") or ("https://www.gov.uk" + data.get("base_path", ""))
        published = iso_date(data.get("first_published_at")) or iso_date(data.get("public_updated_at"))
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
        )
        if item is not None:
            item.filename = (data.get("base_path") or "note").rsplit("/", 1)[-1] + ".html"
            yield item
