"""The source registry and crawl status in the product: pages and API for all staff; the research desk
starts a crawl (a real ``coidesk crawl`` process against a real site on 127.0.0.1); the schedule."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from config.settings import get_settings
from search_api.app import create_app
from services.citation import long_date
from services.context import AppContext
from store.crawls import CrawlRun
from tests.conftest import PASSWORD, make_settings
from tests.crawlers.site import Site, serve
from tests.crawlers.test_crawl_site import _registry, build_site


@pytest.fixture()
def desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppContext, TestClient, dict[str, str], Site]]:
    with serve(Site()) as site, serve(Site(host="127.0.0.2")) as foreign:
        build_site(site, foreign)
        registry = _registry(tmp_path, site)
        monkeypatch.setenv("COIDESK_SOURCES_FILE", str(registry))
        get_settings.cache_clear()
        settings = make_settings(tmp_path / "data", sources_file=registry, crawl_allow_private=True, crawl_timeout_s=2)
        ctx = AppContext.open(settings)  # the server's crawl settings reach the crawl process
        tokens = {}
        for name, roles, division in (("ra", ["research_assistant"], None), ("sec", ["secretary"], "africa")):
            p = ctx.accounts.create_user(name, PASSWORD, roles, division=division)
            tokens[name] = ctx.accounts.create_token(p.user_id, "t")[1]
        app = create_app(ctx.settings, context=ctx, writer=True)
        try:
            with TestClient(app, base_url="https://testserver") as client:
                yield ctx, client, tokens, site
        finally:
            ctx.crawl_desk.stop()
            ctx.close()
            monkeypatch.delenv("COIDESK_SOURCES_FILE")
            get_settings.cache_clear()


def _h(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_research_desk_starts_a_crawl_and_everyone_sees_its_status(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens, site = desk
    ra, sec = _h(tokens, "ra"), _h(tokens, "sec")

    registry = client.get("/api/sources", headers=sec).json()
    by_id = {s["id"]: s for s in registry}
    assert by_id["cnda"]["type"] == "court" and by_id["cnda"]["crawl"]["spider"] == "cnda"
    assert by_id["edal"]["crawl"] is None and by_id["testsite"]["crawl"]["last_run"] is None

    assert client.post("/api/sources/testsite/crawl", headers=sec).status_code == 403  # not the research desk
    assert client.post("/api/sources/edal/crawl", headers=ra).status_code == 404  # nothing to crawl
    assert client.post("/api/sources/nosuch/crawl", headers=ra).status_code == 404
    assert client.post("/api/sources/testsite/crawl", headers=ra).status_code == 202

    deadline = time.monotonic() + 120
    runs: list[dict] = []
    while time.monotonic() < deadline:
        runs = client.get("/api/crawls", params={"source": "testsite"}, headers=sec).json()
        if runs and runs[0]["status"] != "running" and not ctx.crawl_desk.is_running("testsite"):
            break
        time.sleep(0.5)
    assert runs and runs[0]["status"] == "finished", runs
    assert (runs[0]["new"], runs[0]["failed"]) == (3, 3)  # 500, 404 and the slow page (3 s late, 2 s timeout)
    assert {e["message"] for e in runs[0]["errors"]} >= {"HTTP 500", "HTTP 404", "no answer in time"}

    page = client.get("/sources", headers=sec).text
    assert "Observatoire de test" in page and "nouveaux 3" in page
    cnda = client.get("/sources/cnda", headers=sec).text  # the registry page of a publisher
    assert "Méthodologie" in cnda and "26 novembre 2026" in cnda and "Cour nationale du droit d&#39;asile" in cnda
    detail = client.get("/sources/testsite", headers=sec).text
    assert "HTTP 500" in detail and "publications/broken.html" in detail

    # a crawled document cites its retrieval date as the accessed date
    hits = client.get("/api/search", params={"q": "Massalit"}, headers=sec).json()
    deadline = time.monotonic() + 30
    while not hits["hits"] and time.monotonic() < deadline:  # the server's writer indexes what the crawl stored
        time.sleep(0.3)
        hits = client.get("/api/search", params={"q": "Massalit"}, headers=sec).json()
    doc = client.get(f"/api/documents/{hits['hits'][0]['id']}", params={"lang": "fr"}, headers=sec).json()
    today = dt.datetime.now(dt.UTC).date()
    assert doc["retrieved"][:10] == today.isoformat()
    assert doc["citation"].startswith(
        "Observatoire de test, Soudan : violences au Darfour occidental, 1er octobre 2026"
    )
    assert doc["citation"].endswith(f"[consulté le {long_date(today, 'fr')}]")


def test_a_run_with_pages_of_an_unknown_layout_warns_the_desk_on_the_source_page(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens, _ = desk
    run = ctx.crawls.start("testsite")
    ctx.crawls.error(run, "http://127.0.0.1/a", "layout", "no case number in the title block")
    ctx.crawls.error(run, "http://127.0.0.1/b", "http", "HTTP 500")
    ctx.crawls.finish(run, "finished")
    for lang, words in (("fr", "Mise en page du site changée\u202f? 1 page"), ("en", "Site layout changed? 1 page")):
        page = client.get(f"/sources/testsite?lang={lang}", headers=_h(tokens, "sec")).text
        assert words in page and page.count('class="warning layout-changed"') == 1
    clean = ctx.crawls.start("testsite")
    ctx.crawls.error(clean, "http://127.0.0.1/c", "http", "HTTP 500")
    ctx.crawls.finish(clean, "finished")
    page = client.get("/sources/testsite", headers=_h(tokens, "sec")).text
    assert page.count('class="warning layout-changed"') == 1  # the run with only an HTTP error has none


def test_schedule_starts_what_is_due(fresh_ctx: AppContext) -> None:
    desk = fresh_ctx.crawl_desk
    now = dt.datetime(2026, 11, 26, 12, 0)
    due = set(desk.due(now))
    assert {"cnda", "ukhomeoffice", "usdos"} <= due and "amnesty" not in due  # no schedule: on demand only
    with fresh_ctx.db.session() as s:
        s.add(CrawlRun(source="cnda", started=now - dt.timedelta(hours=23), status="finished", errors=[]))
        s.add(CrawlRun(source="usdos", started=now - dt.timedelta(days=2), status="finished", errors=[]))
        s.add(CrawlRun(source="ukhomeoffice", started=now - dt.timedelta(days=2), status="finished", errors=[]))
    due = set(desk.due(now))
    assert "cnda" not in due  # daily, crawled 23 hours ago
    assert "usdos" not in due  # weekly, crawled 2 days ago
    assert "ukhomeoffice" in due  # daily, crawled 2 days ago
