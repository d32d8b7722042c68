"""Spiders on pages the real sites served (``tests/fixtures/crawl_pages/``): every field right against the
hand-written expected files, dash variants and cited cases on real EUR-Lex bodies, and a real crawl over
127.0.0.1 serving real GOV.UK items, where a page in another layout is reported and the crawl goes on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse

from config.settings import Settings
from config.sources import sources
from crawlers.items import LayoutError
from crawlers.spiders import SPIDERS
from crawlers.spiders.base import DASHES, country_of, normalise_dashes
from services.context import AppContext
from store.documents import make_document_id
from tests.crawlers.real_pages import PAGES, eurlex_results, summary, uk_cpin_results
from tests.crawlers.site import Page, Site, serve
from tests.crawlers.test_crawl_site import crawl, text_pdf

EURLEX = PAGES / "eurlex_cjeu"
MENGESTEAB = EURLEX / "ECLI_EU_C_2017_587.body.html"


def _wrong(results: list[tuple[str, dict[str, bool]]]) -> dict[str, list[str]]:
    return {name: [f for f, ok in checks.items() if not ok] for name, checks in results if not all(checks.values())}


def test_eurlex_every_real_page_gives_its_own_title_date_case_ecli_kind_and_language() -> None:
    results = eurlex_results()
    assert len(results) == 86  # 43 real pages, each by its ECLI address and by its CELEX address
    assert _wrong(results) == {}
    assert summary(results)["pages_all_right"] == 86


def test_uk_cpin_every_real_item_gives_what_a_correct_crawl_gives() -> None:
    results = uk_cpin_results()
    assert len(results) == 8
    assert _wrong(results) == {}


def _judgment(body: bytes, url: str) -> tuple[list[Any], list[tuple[str, str]]]:
    spider = SPIDERS["eurlex_cjeu"](source=sources()["cjeu"], since=None)
    problems: list[tuple[str, str]] = []
    spider._report = lambda u, kind, message: problems.append((kind, message))
    response = HtmlResponse(url, body=body, encoding="utf-8", request=scrapy.Request(url))
    return list(spider.parse_judgment(response)), problems


CELEX_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:62016CJ0670"
ECLI_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=ecli:ECLI%3AEU%3AC%3A2017%3A587"


@pytest.mark.parametrize("dash", list(DASHES), ids=[f"U+{ord(d):04X}" for d in DASHES])
def test_case_number_is_read_whatever_dash_the_page_uses(dash: str) -> None:
    text = MENGESTEAB.read_text(encoding="utf-8")
    assert "C\u2011670/16" in text  # the real page: a non-breaking hyphen
    items, _ = _judgment(text.replace("\u2011", dash).encode(), ECLI_URL)
    assert [i.file_number for i in items] == ["C-670/16"]
    assert items[0].title == "Judgment of the Court (Grand Chamber), 26 July 2017, C-670/16"


def test_dash_normalisation_covers_every_variant_and_only_dashes() -> None:
    assert normalise_dashes("C\u2010670/16 C\u2012670 C\u2013670 C\u2014670 C\u2212670 C\uff0d670 C\ufe63670") == (
        "C-670/16 C-670 C-670 C-670 C-670 C-670 C-670"
    )
    assert normalise_dashes("soft\u00adhyphen C‑1/17 ‘quoted’") == "softhyphen C-1/17 ‘quoted’"


def test_case_number_is_never_a_case_cited_in_the_text() -> None:
    text = MENGESTEAB.read_text(encoding="utf-8")
    cited = set(re.findall(r"C\u2011\d+/\d\d", text)) - {"C\u2011670/16"}
    assert len(cited) >= 3  # the judgment cites other cases
    # without the title block's "In Case C‑670/16,", no cited case may take its place
    stripped = re.sub(r"<p class=\"normal\">In Case C\u2011670/16,</p>", "", text)
    assert stripped != text
    items, problems = _judgment(stripped.encode(), CELEX_URL)
    assert [i.file_number for i in items] == ["C-670/16"]  # from the CELEX number, and said so
    assert ("notice", "case number not in the title block: C-670/16, from the CELEX number") in problems
    with pytest.raises(LayoutError, match="case number"):
        _judgment(stripped.encode(), ECLI_URL)  # nothing to derive it from: a layout error, no item


def test_joined_cases_and_ppu_are_read_whole() -> None:
    items, _ = _judgment(
        (EURLEX / "ECLI_EU_C_2017_229.html").read_bytes(), CELEX_URL.replace("62016CJ0670", "62015CJ0497")
    )
    assert items[0].file_number == "C-497/15, C-498/15"
    items, _ = _judgment(
        (EURLEX / "ECLI_EU_C_2017_173.html").read_bytes(), CELEX_URL.replace("62016CJ0670", "62016CJ0638")
    )
    assert items[0].file_number == "C-638/16 PPU"


def test_language_is_the_pages_not_the_registrys() -> None:
    assert sources()["cjeu"].crawl.language == "FR"  # type: ignore[union-attr]
    body = MENGESTEAB.read_bytes()
    items, _ = _judgment(body, CELEX_URL.replace("/EN/", "/FR/"))  # asked in French, served in English
    assert (items[0].language, items[0].court) == ("en", "CJEU")
    declared = b'<html lang="de">' + body.split(b"?>", 1)[1] + b"</html>"
    items, problems = _judgment(declared, CELEX_URL)
    assert items[0].language == "en"  # the document's words, not a lang attribute that disagrees with them
    assert ("notice", "page declares lang='de', the document is in 'en'") in problems
    french = PAGES.parent.parent / "crawlers" / "examples" / "eurlex_cjeu" / "judgment-62021CJ0621.reconstructed.html"
    items, problems = _judgment(french.read_bytes(), CELEX_URL.replace("/EN/", "/FR/"))
    assert (items[0].language, items[0].court, problems) == ("fr", "CJUE", [])


def test_an_unknown_heading_is_a_layout_error_not_an_item() -> None:
    text = MENGESTEAB.read_text(encoding="utf-8").replace("JUDGMENT OF THE COURT", "ROZSUDEK SOUDNÍHO DVORA")
    with pytest.raises(LayoutError, match="heading"):
        _judgment(text.encode(), ECLI_URL)


def test_an_ecli_cited_in_the_text_is_not_taken_for_the_pages() -> None:
    text = MENGESTEAB.read_text(encoding="utf-8").replace(
        "In Case C\u2011670/16,", "In Case C\u2011670/16, (see judgment of 7 June 2016, ECLI:EU:C:2016:409),"
    )
    items, _ = _judgment(text.encode(), CELEX_URL)
    assert items[0].ecli is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Myanmar (Burma)", "MMR"),
        ("Burma (Myanmar)", "MMR"),
        ("Iraq (KRI)", "IRQ"),
        ("Gambia, The", "GMB"),
        ("Korea, North", "PRK"),
        ("Côte d’Ivoire", "CIV"),
        ("Guinea\u2011Bissau", "GNB"),
        ("Trinidad and Tobago", "TTO"),
        ("Financial sanctions, Somalia", None),
        ("", None),
    ],
)
def test_country_names_with_qualifiers_go_through_the_country_reference(name: str, code: str | None) -> None:
    assert country_of(name) == code


# ---- a real crawl over HTTP ----------------------------------------------------------------------------------
CPIN = PAGES / "uk_cpin"
API = "/api/content/government/publications/"


def _gov_site(site: Site) -> None:
    def page(path: str, name: str) -> None:
        site.pages[path] = Page((CPIN / name).read_bytes(), "application/json")

    page(
        "/api/content/government/collections/country-policy-and-information-notes",
        "cpin-explorer_collection.trimmed.json",
    )
    # Myanmar: an older publication without details.attachments (GOV.UK's own example): reported, skipped
    page(
        API + "burma-country-policy-and-information-notes", "alphagov_publication_frontend_best-practice-guidance.json"
    )
    # Palestine: the site fails this one
    site.pages[API + "palestine-country-policy-and-information-notes"] = Page(b"", status=500)
    # Trinidad and Tobago: a publication whose only note is a PDF (GOV.UK's example)
    page(
        API + "trinidad-and-tobago-country-policy-and-information-notes",
        "alphagov_publication_frontend_publication-with-featured-attachments.json",
    )
    site.pages["/government/uploads/system/uploads/attachment_data/file/315163/PUBLIC_1392629965.pdf"] = Page(
        text_pdf("Number of ex-regular service personnel now part of FR20. Reservists and the Caribbean."),
        "application/pdf",
    )
    # Sudan: the real note, and a withdrawn note of which only the removal notice is left
    note = json.loads((CPIN / "cpin-explorer_sudan_security_july2026_note.trimmed.json").read_text())
    withdrawn = json.loads((CPIN / "alphagov_html_publication_frontend_withdrawn.json").read_text())
    publication = {
        "title": "Sudan: country policy and information notes",
        "details": {
            "attachments": [
                {"attachment_type": "html", "title": note["title"], "url": note["base_path"]},
                {"attachment_type": "html", "title": withdrawn["title"], "url": withdrawn["base_path"]},
            ]
        },
    }
    site.pages[API + "sudan-country-policy-and-information-notes"] = Page(
        json.dumps(publication).encode(), "application/json"
    )
    site.pages["/api/content" + note["base_path"]] = Page(json.dumps(note).encode(), "application/json")
    site.pages["/api/content" + withdrawn["base_path"]] = Page(json.dumps(withdrawn).encode(), "application/json")


def test_a_crawl_of_real_gov_uk_items_reports_each_odd_page_and_goes_on(tmp_path: Path) -> None:
    registry = tmp_path / "sources.json"
    entry = next(
        s for s in json.loads((Path("config/sources.json")).read_text())["sources"] if s["id"] == "ukhomeoffice"
    )
    entry["crawl"]["delay_s"] = 0
    registry.write_text(json.dumps({"sources": [entry]}))
    data = tmp_path / "data"
    with serve(Site()) as site:
        _gov_site(site)
        done = crawl(data, registry, "ukhomeoffice", "--base-url", site.url, check=False)
    assert done.returncode == 0, done.stderr
    ctx = AppContext.open(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]
    try:
        run = ctx.crawls.recent("ukhomeoffice")[0]
        assert run.status == "finished" and (run.new, run.updated) == (2, 0), (run.errors, done.stderr)
        errors = {(e["kind"], e["url"].rsplit("/", 1)[-1]): e["message"] for e in run.errors}
        assert "details.attachments" in errors[("layout", "burma-country-policy-and-information-notes")]
        assert ("http", "palestine-country-policy-and-information-notes") in errors
        withdrawn = errors[("withdrawn", "this-content-has-been-removed-as-it-is-out-of-date")]
        assert withdrawn.startswith("withdrawn on 2019-11-19")
        note = ctx.store.get(
            make_document_id(
                "ukhomeoffice",
                "https://www.gov.uk/government/publications/sudan-country-policy-and-information-notes/"
                "country-policy-and-information-note-security-situation-sudan-july-2026-accessible",
            )
        )
        assert note.title == "Country policy and information note: security situation, Sudan, July 2026"
        assert note.countries == ["SDN"] and str(note.published) == "2026-07-23"
        pdf_url = (
            "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/"
            "file/315163/PUBLIC_1392629965.pdf"
        )
        pdf = ctx.store.get(make_document_id("ukhomeoffice", pdf_url))
        assert pdf.countries == ["TTO"] and "Reservists" in pdf.text
        assert pdf.title == "Number of ex-regular service personnel now part of FR20"
        assert ctx.store.count() == 2  # the removal notice was not stored as a report
    finally:
        ctx.close()


def test_every_real_page_folder_names_its_sources() -> None:
    for folder in (p for p in PAGES.iterdir() if p.is_dir()):
        provenance = (folder / "PROVENANCE.md").read_text()
        expected = json.loads((folder / "expected.json").read_text())
        names = set(expected.get("pages", expected)) - {"_comment"}
        assert names == {p.name for p in folder.iterdir() if p.suffix in (".html", ".json")} - {"expected.json"}
        assert re.search(r"[0-9a-f]{40}", provenance), folder.name  # repository commit named


def test_an_item_missing_an_expected_field_is_kept_and_its_layout_reported() -> None:
    note = json.loads((CPIN / "cpin-explorer_sudan_security_july2026_note.trimmed.json").read_text())
    for key in ("first_published_at", "public_updated_at"):
        note.pop(key)
    url = "https://www.gov.uk/api/content" + note["base_path"]
    spider = SPIDERS["uk_cpin"](source=sources()["ukhomeoffice"], since=None)
    problems: list[tuple[str, str, str]] = []
    spider._report = lambda u, kind, message: problems.append((u, kind, message))
    response = scrapy.http.TextResponse(
        url, body=json.dumps(note).encode(), request=scrapy.Request(url, meta={"countries": ["SDN"]})
    )
    items = list(spider.parse_note(response))
    assert [i.published for i in items] == [None]  # kept, without a made-up date
    assert [(k, m.split(" (")[0]) for _, k, m in problems] == [("layout", "no first_published_at or public_updated_at")]
    assert problems[0][0].startswith("https://www.gov.uk/government/publications/sudan-")
