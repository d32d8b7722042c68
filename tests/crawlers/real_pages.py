"""Spiders against the real pages in ``tests/fixtures/crawl_pages/`` (saved from the live sites by other public
projects, see each folder's PROVENANCE), compared field by field with the hand-written ``expected.json`` next to
them. Used by ``test_real_pages.py`` and, to print the counts per field, by
``.venv/bin/python -m tests.crawlers.real_pages``."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, TextResponse

from config.sources import sources
from crawlers.items import CrawledFile
from crawlers.spiders import SPIDERS

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "crawl_pages"
EURLEX_FIELDS = ("title", "decision_date", "file_number", "ecli", "doc_type", "language")


def _run(spider_name: str, source_id: str, callback: str, response: Any) -> tuple[list[Any], list[tuple[str, str]]]:
    spider = SPIDERS[spider_name](source=sources()[source_id], since=None)
    problems: list[tuple[str, str]] = []
    spider._report = lambda url, kind, message: problems.append((kind, message))
    try:
        out = list(getattr(spider, callback)(response) or [])
    except Exception as exc:  # noqa: BLE001 - a measurement: any failure counts as a wrong page
        problems.append(("exception", f"{type(exc).__name__}: {exc}"))
        out = []
    return out, problems


def _celex(file_number: str) -> str:
    m = re.match(r"C-(\d+)/(\d{2})", file_number)
    assert m, file_number
    year = int(m.group(2))
    return f"6{1900 + year if year > 50 else 2000 + year}CJ{int(m.group(1)):04d}"


def eurlex_results() -> list[tuple[str, dict[str, bool]]]:
    """Each page twice: addressed by its ECLI (EUR-Lex's ``?uri=ecli:`` form: the ECLI must be found) and by
    its CELEX (no ECLI anywhere on the page or in the address: it must stay empty, never be guessed)."""
    folder = PAGES / "eurlex_cjeu"
    expected = json.loads((folder / "expected.json").read_text())["pages"]
    results = []
    for name, want in sorted(expected.items()):
        body = (folder / name).read_bytes()
        addresses = {
            "ecli": (f"https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=ecli:{want['ecli']}", want["ecli"]),
            "celex": (
                f"https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:{_celex(want['file_number'])}",
                None,
            ),
        }
        for how, (url, ecli) in addresses.items():
            response = HtmlResponse(url, body=body, encoding="utf-8", request=scrapy.Request(url))
            out, _problems = _run("eurlex_cjeu", "cjeu", "parse_judgment", response)
            items = [x for x in out if isinstance(x, CrawledFile)]
            got = items[0] if len(items) == 1 else None
            checks = {}
            for field in EURLEX_FIELDS:
                value = want[field] if field != "ecli" else ecli
                checks[field] = got is not None and getattr(got, field) == value
            results.append((f"{name} ({how})", checks))
    return results


def _request_summary(request: scrapy.Request) -> dict[str, Any]:
    meta = request.meta
    fields = meta.get("fields") or {}
    return {
        "url": request.url,
        "countries": meta.get("countries", fields.get("countries", [])),
        "pdf_url": meta.get("pdf_url"),
        "file": getattr(request.callback, "__name__", "") == "parse_file",
        "title": fields.get("title"),
    }


def uk_cpin_results() -> list[tuple[str, dict[str, bool]]]:
    folder = PAGES / "uk_cpin"
    expected = json.loads((folder / "expected.json").read_text())
    results = []
    for name, want in sorted(expected.items()):
        if name.startswith("_"):
            continue
        url = "https://www.gov.uk/api/content/" + name
        response = TextResponse(
            url,
            body=(folder / name).read_bytes(),
            headers={"Content-Type": "application/json"},
            request=scrapy.Request(url, meta=want.get("meta", {})),
        )
        out, problems = _run("uk_cpin", "ukhomeoffice", want["callback"], response)
        checks: dict[str, bool] = {}
        kinds = sorted({k for k, _ in problems})
        checks["problems"] = kinds == sorted(want.get("problems", []))
        if "requests" in want:
            got = [_request_summary(r) for r in out if isinstance(r, scrapy.Request)]
            for i, w in enumerate(want["requests"]):
                match = next((g for g in got if g["url"] == w["url"]), None)
                checks[f"request {i + 1}"] = match is not None and all(
                    match.get(k) == v for k, v in w.items() if k != "url"
                )
            checks["no other request"] = len(got) == len(want["requests"])
        if "item" in want:
            items = [x for x in out if isinstance(x, CrawledFile)]
            if want["item"] is None:
                checks["no report stored"] = not items
            else:
                got_item = items[0] if len(items) == 1 else None
                for field, value in want["item"].items():
                    checks[field] = got_item is not None and getattr(got_item, field) == value
        results.append((name, checks))
    return results


def summary(results: list[tuple[str, dict[str, bool]]]) -> dict[str, Any]:
    fields: Counter[str] = Counter()
    for _, checks in results:
        for field, ok in checks.items():
            fields[re.sub(r"^request \d+$", "requests", field)] += ok
    return {
        "pages": len(results),
        "pages_all_right": sum(all(c.values()) for _, c in results),
        "fields_right": dict(fields),
    }


def main() -> None:
    import logging
    import sys

    logging.disable(logging.WARNING)
    for site, results in (("eurlex_cjeu", eurlex_results()), ("uk_cpin", uk_cpin_results())):
        sys.stdout.write(f"{site}: {json.dumps(summary(results))}\n")
        for name, checks in results:
            wrong = [f for f, ok in checks.items() if not ok]
            if wrong:
                sys.stdout.write(f"  {name}: wrong {', '.join(wrong)}\n")


if __name__ == "__main__":
    main()
