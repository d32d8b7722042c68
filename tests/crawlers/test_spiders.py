"""Each spider against saved pages of its site (juriscraper's habit): the requests and items it yields
must equal ``<page>.expected.json``. A missing expected file is written by the test, which then fails
asking for review. No live web."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from config.sources import Source, sources
from crawlers.items import CrawledFile, LayoutError
from crawlers.spiders import SPIDERS

EXAMPLES = Path(__file__).parent / "examples"
CASES = [
    (spider_dir.name, case)
    for spider_dir in sorted(EXAMPLES.iterdir())
    if spider_dir.is_dir()
    for case in json.loads((spider_dir / "cases.json").read_text())
]


def _response(path: Path, url: str, meta: dict[str, Any]) -> Response:
    body = path.read_bytes()
    request = scrapy.Request(url, meta=meta)
    name = path.name.removesuffix(".broken").lower()
    if ".json" in name:
        return TextResponse(url, body=body, request=request, headers={"Content-Type": "application/json"})
    if ".xml" in name or ".rss" in name or ".atom" in name:
        return XmlResponse(url, body=body, request=request)
    if name.endswith(".pdf"):
        return Response(url, body=body, request=request, headers={"Content-Type": "application/pdf"})
    return HtmlResponse(url, body=body, request=request, encoding="utf-8")


def _source(spider: str, case: dict[str, Any]) -> Source:
    if "source" in case:
        return Source.model_validate(case["source"])
    if "source_id" in case:
        return sources()[case["source_id"]]
    return next(s for s in sources().values() if s.crawl and s.crawl.spider == spider)


def _plain(value: Any) -> Any:
    if isinstance(value, scrapy.Request):
        callback = getattr(value.callback, "__name__", None)
        return {"request": value.url, "callback": callback, "meta": {k: _plain(v) for k, v in value.meta.items()}}
    if isinstance(value, CrawledFile):
        out = {k: v for k, v in dataclasses.asdict(value).items() if k != "body" and v not in (None, [], "")}
        out["body_sha256"] = hashlib.sha256(value.body).hexdigest()[:16]
        return {"item": out}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def run_case(spider_name: str, case: dict[str, Any]) -> list[Any]:
    source = _source(spider_name, case)
    spider = SPIDERS[spider_name](source=source, since=None)
    problems: list[tuple[str, str, str]] = []
    spider._report = lambda url, kind, message: problems.append((url, kind, message))
    response = _response(EXAMPLES / spider_name / case["file"], case["url"], case.get("meta", {}))
    out = [_plain(x) for x in getattr(spider, case["callback"])(response) or []]
    return out + [{"problem": {"url": u, "kind": k, "message": m}} for u, k, m in problems]


@pytest.mark.parametrize(("spider", "case"), CASES, ids=[f"{s}:{c['file']}" for s, c in CASES])
def test_spider_extracts_what_its_site_shows(spider: str, case: dict[str, Any]) -> None:
    if case.get("raises"):
        with pytest.raises(LayoutError):
            run_case(spider, case)
        return
    got = run_case(spider, case)
    expected_path = EXAMPLES / spider / case.get("expected", case["file"] + ".expected.json")
    if not expected_path.exists():
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n")
        pytest.fail(f"{expected_path.name} written: review it, then commit it")
    assert got == json.loads(expected_path.read_text())
    assert got, "an example page must yield something"


def test_every_spider_has_examples_and_a_docstring() -> None:
    covered = {spider for spider, _ in CASES}
    assert covered == set(SPIDERS), set(SPIDERS) - covered
    for name, cls in SPIDERS.items():
        doc = (cls.__module__ and __import__(cls.__module__, fromlist=["x"]).__doc__) or ""
        assert "Structure" in doc or name == "generic", f"{name}: say what the site's structure is based on"


def test_every_crawlable_source_has_a_spider() -> None:
    for source in sources().values():
        if source.crawl is not None:
            assert source.crawl.spider in SPIDERS, source.id


def test_listing_reaches_the_decisions_juriscraper_finds_on_the_real_bia_page() -> None:
    """The real justice.gov page: our listing settings reach exactly the 90 decisions juriscraper lists."""
    case = {"file": "bia-volume28.html", "url": "https://www.justice.gov/eoir/volume-28", "meta": {"listing": 0}}
    got = run_case("generic", case | {"callback": "parse_listing", "source_id": "us-bia"})
    reference = json.loads((EXAMPLES / "generic" / "bia-volume28.juriscraper.json").read_text())
    assert {r["request"] for r in got} == {r["download_urls"] for r in reference}
    titles = {r["request"]: r["meta"]["fields"]["title"] for r in got}
    for ref in reference:
        assert ref["citations"] in titles[ref["download_urls"]]  # "28 I&N Dec. 788" in the row's title
