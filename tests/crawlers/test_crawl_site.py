"""``coidesk crawl`` against a real HTTP site on 127.0.0.1: robots.txt, a redirect to another host, a PDF,
incremental re-crawls, a changed page, broken pages, and no case data in any request."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from services.case_inputs import ApplicantIn, CaseIn
from services.context import AppContext
from services.search import SearchParams, build_query
from store.documents import make_document_id
from tests.conftest import ROOT
from tests.crawlers.site import Page, Site, serve

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "hostile"))
from make_hostile import text_pdf  # noqa: E402

SECRET_NAME = "Abdelkarim Zorblax"  # an applicant's name: must never leave the office


def _page(title: str, date: str, body: str, extra: str = "") -> bytes:
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<meta name="author" content="Observatoire de test"><meta property="article:published_time" content="{date}T09:00:00Z">
</head><body><header><nav><a href="/">Accueil</a></nav></header><main><article><h1>{title}</h1>
<p>{body}</p><p>{body} Les observateurs ont documenté ces faits auprès de plusieurs témoins.</p>{extra}</article></main>
<footer>Mentions légales</footer></body></html>""".encode()


def build_site(site: Site, foreign: Site) -> None:
    site.pages["/robots.txt"] = Page(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    site.pages["/publications/"] = Page(
        """<html><head><title>Publications</title></head><body><ul class="publications">
<li><a href="/publications/darfour.html">Darfour</a></li>
<li><a href="/publications/kayes.html">Kayes</a></li>
<li><a href="/private/secret.html">Interne</a></li>
<li><a href="/go-away">Partenaire</a></li>
<li><a href="/publications/missing.html">Manquant</a></li>
<li><a href="/publications/broken.html">Cassé</a></li>
<li><a href="/files/rapport-soudan.pdf">Rapport annuel (PDF)</a></li>
<li><a href="/publications/slow.html">Lent</a></li>
</ul></body></html>""".encode()
    )
    site.pages["/publications/darfour.html"] = Page(
        _page(
            "Soudan : violences au Darfour occidental",
            "2026-10-01",
            "En octobre 2026, les Forces de soutien rapide ont attaqué El Geneina, au Darfour occidental, "
            "visant les Massalit.",
        )
    )
    site.pages["/publications/kayes.html"] = Page(
        _page("Mali : la région de Kayes", "2026-09-15", "La région de Kayes connaît des violences armées accrues.")
    )
    site.pages["/private/secret.html"] = Page(_page("Interne", "2026-01-01", "Ne pas collecter."))
    site.pages["/go-away"] = Page(b"", status=302, location=f"{foreign.url}/stolen")
    site.pages["/publications/broken.html"] = Page(b"", status=500)
    site.pages["/publications/slow.html"] = Page(_page("Lent", "2026-01-01", "Trop tard."), delay_s=3)
    site.pages["/files/rapport-soudan.pdf"] = Page(
        text_pdf(
            "Rapport annuel Soudan 2026. Les Zaghawa du Darfour-Nord sont vises par les Forces de soutien rapide."
        ),
        "application/pdf",
    )
    foreign.pages["/stolen"] = Page(_page("Ailleurs", "2026-01-01", "Un autre site."))


def crawl(data: Path, sources_file: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COIDESK_DATA_DIR": str(data),
        "COIDESK_SOURCES_FILE": str(sources_file),
        "COIDESK_CRAWL_ALLOW_PRIVATE": "true",  # the test site is on loopback
        "COIDESK_CRAWL_TIMEOUT_S": "1",  # the slow page times out
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "crawl", *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=300,
        check=check,
    )


@pytest.fixture()
def sites() -> Iterator[tuple[Site, Site]]:
    with serve(Site()) as site, serve(Site(host="127.0.0.2")) as foreign:
        build_site(site, foreign)
        yield site, foreign


def _registry(tmp_path: Path, site: Site) -> Path:
    path = tmp_path / "sources.json"
    entry = {
        "id": "testsite",
        "name": "Observatoire de test",
        "acronym": "OBS",
        "type": "ngo",
        "home": site.url,
        "crawl": {
            "spider": "generic",
            "allowed_domains": ["127.0.0.1"],
            "listings": [{"url": f"{site.url}/publications/", "links": "ul.publications a"}],
            "delay_s": 0,
            "kind": "coi",
            "doc_type": "report",
        },
    }
    path.write_text(json.dumps({"sources": [entry]}))
    return path


def _open(data: Path) -> AppContext:
    return AppContext.open(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]


def test_crawl_stores_searchable_documents_politely_and_incrementally(tmp_path: Path, sites: tuple[Site, Site]) -> None:
    site, foreign = sites
    registry = _registry(tmp_path, site)
    data = tmp_path / "data"
    ctx = _open(data)  # a case exists while the crawl runs: none of it may leave in a request
    try:
        secretary = ctx.accounts.create_user("sec", "correct horse battery staple", ["secretary"], "S", "africa")
        case = ctx.cases.create(
            secretary,
            CaseIn(
                reference="PRIV-2026-7777",
                registered_on=dt.date(2026, 3, 2),
                division="africa",
                applicants=[ApplicantIn(full_name=SECRET_NAME, nationality="SDN")],
            ),
        )
    finally:
        ctx.close()

    first = crawl(data, registry, "testsite", check=False)
    assert first.returncode == 0, first.stderr  # broken pages do not fail the crawl
    assert "testsite" in first.stdout
    assert SECRET_NAME not in first.stdout + first.stderr  # nor in the crawl's own output
    ctx = _open(data)
    try:
        run = ctx.crawls.recent("testsite")[0]
        assert (run.new, run.updated, run.unchanged) == (3, 0, 0), (run.errors, first.stdout, first.stderr)
        kinds = {(e["kind"], e["url"].split(":", 2)[-1].split("/", 1)[-1]) for e in run.errors}
        assert ("http", "publications/broken.html") in kinds and ("http", "publications/missing.html") in kinds
        assert ("timeout", "publications/slow.html") in kinds  # a timeout, logged with the run
        assert run.failed == 3 and run.status == "finished"  # broken pages are logged; the crawl went on

        # what was fetched, and what was not
        assert "/robots.txt" in site.paths()
        assert not [p for p in site.paths() if p.startswith("/private/")]  # disallowed by robots.txt
        assert foreign.log == []  # the redirect to another host was not followed
        assert any(e["kind"] == "offsite" for e in run.errors)
        user_agents = {r.get("User-Agent") for r in site.log}
        assert user_agents == {ctx.settings.crawl_user_agent}
        requests = json.dumps(site.log)
        assert SECRET_NAME not in requests and "PRIV-2026-7777" not in requests and case["id"] not in requests

        # searchable, with the metadata the pages state
        ctx.indexer.drain()
        hits = ctx.index.search(build_query(SearchParams(q="Massalit Geneina"), ctx.settings))
        assert hits.total == 1
        doc = ctx.store.get(hits.hits[0].id)
        assert doc.title == "Soudan : violences au Darfour occidental"
        assert doc.source == "testsite" and doc.url == f"{site.url}/publications/darfour.html"
        assert str(doc.published) == "2026-10-01" and doc.doc_type == "report" and doc.kind == "coi"
        assert dt.datetime.fromisoformat(doc.extra["crawl"]["retrieved"]).date() == dt.datetime.now(dt.UTC).date()
        assert doc.extra["crawl"]["author"] == "Observatoire de test"
        pdf = ctx.store.get(make_document_id("testsite", f"{site.url}/files/rapport-soudan.pdf"))
        assert pdf.extra["media_type"] == "application/pdf" and "Zaghawa" in pdf.text
        assert pdf.title == "Rapport annuel (PDF)"
    finally:
        ctx.close()

    # a second crawl of the unchanged site adds nothing, and asks with conditional requests
    before = len(site.log)
    crawl(data, registry, "testsite", check=False)
    second = site.log[before:]
    assert any(r["path"] == "/publications/darfour.html" and r.get("If-None-Match") for r in second)
    assert any(r["path"] == "/publications/darfour.html" and r["status"] == "304" for r in second)
    ctx = _open(data)
    try:
        run = ctx.crawls.recent("testsite")[0]
        assert (run.new, run.updated, run.unchanged) == (0, 0, 3)
        assert ctx.store.count() == 3
    finally:
        ctx.close()

    # a changed page becomes version 2 of the same document; the old one is kept
    site.pages["/publications/kayes.html"] = Page(
        _page(
            "Mali : la région de Kayes",
            "2026-09-15",
            "La région de Kayes connaît des violences armées accrues. Mise à jour : attaque à Nioro du Sahel.",
        )
    )
    crawl(data, registry, "testsite", check=False)
    ctx = _open(data)
    try:
        run = ctx.crawls.recent("testsite")[0]
        assert (run.new, run.updated, run.unchanged) == (0, 1, 2)
        doc = ctx.store.get(make_document_id("testsite", f"{site.url}/publications/kayes.html"))
        assert doc.version == 2 and "Nioro du Sahel" in doc.text
        old = ctx.store.versions(doc.id)
        assert len(old) == 1 and old[0].version == 1 and "Nioro" not in old[0].text
    finally:
        ctx.close()


def test_unknown_source_and_bad_arguments_are_clear_errors(tmp_path: Path, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    registry = _registry(tmp_path, site)
    out = crawl(tmp_path / "d", registry, "nosuchsource", check=False)
    assert out.returncode == 2 and "nosuchsource" in out.stderr
    out = crawl(tmp_path / "d", registry, "testsite", "--since", "hier", check=False)
    assert out.returncode == 2 and "hier" in out.stderr
    out = crawl(tmp_path / "d", registry, "testsite", "--base-url", "file:///etc", check=False)
    assert out.returncode == 2


def test_a_site_spider_runs_against_a_stand_in_site_with_base_url(tmp_path: Path) -> None:
    """The CNDA spider, unchanged, against its example pages served on 127.0.0.1 (``--base-url``)."""
    examples = ROOT / "tests" / "crawlers" / "examples" / "cnda"
    listing = "/decisions-de-justice/jurisprudence/decisions-jurisprudentielles"
    mali = (
        listing
        + "/mali-la-region-de-kayes-est-en-proie-a-une-situation-de-violence-aveugle-resultant-d-une-situation-de-conflit-arme-interne"
    )
    afghanistan = listing + "/afghanistan-risques-lies-a-un-profil-occidentalise"
    with serve(Site()) as site:
        site.pages["/robots.txt"] = Page(b"User-agent: *\nAllow: /\n", "text/plain")
        site.pages[listing] = Page((examples / "listing.reconstructed.html").read_bytes())
        site.pages[mali] = Page((examples / "decision.reconstructed.html").read_bytes())
        site.pages[afghanistan] = Page((examples / "decision-sans-pdf.reconstructed.html").read_bytes())
        site.pages["/Media/cnda/documents/decisions/cnda-25032534"] = Page(
            (examples / "decision-25032534.pdf").read_bytes(), "application/pdf"
        )
        registry = tmp_path / "none.json"
        registry.write_text('{"sources": []}')
        out = crawl(tmp_path / "d", registry, "cnda", "--base-url", site.url, check=False)
        assert out.returncode == 0, out.stderr
        assert site.paths(404) == [listing + "?page=2"]  # the next listing page, missing on the stand-in
    ctx = _open(tmp_path / "d")
    try:
        run = ctx.crawls.recent("cnda")[0]
        assert (run.new, run.failed) == (2, 1), run.errors  # the missing page 2 is the one failure
        assert {e["kind"] for e in run.errors} == {"http", "notice"}  # the page without a PDF is kept, noted
        doc = ctx.store.get(make_document_id("cnda", "https://www.cnda.fr" + mali))
        assert doc.kind == "decision" and doc.court == "CNDA" and doc.file_number == "25032534"
        assert str(doc.decision_date) == "2025-12-18" and str(doc.published) == "2026-01-16"
        assert doc.countries == ["MLI"] and doc.extra["media_type"] == "application/pdf"
        assert "COUR NATIONALE DU DROIT" in doc.text and doc.headnote and "Kayes" in doc.headnote
        assert doc.extra["crawl"]["file_url"] == "https://www.cnda.fr/Media/cnda/documents/decisions/cnda-25032534"
    finally:
        ctx.close()


def test_loopback_is_refused_unless_the_office_allows_it(tmp_path: Path, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    registry = _registry(tmp_path, site)
    env_off = {k: v for k, v in os.environ.items() if k != "COIDESK_CRAWL_ALLOW_PRIVATE"}
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "crawl", "testsite"],
        env={**env_off, "COIDESK_DATA_DIR": str(tmp_path / "d"), "COIDESK_SOURCES_FILE": str(registry)},
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=300,
    )
    assert site.log == []  # not even robots.txt
    assert "private-address" in out.stderr
