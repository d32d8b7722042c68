"""Page timings in Chromium: navigation start to the end of the load event, per kind of page.

    .venv/bin/python bench/pages_bench.py [--data-dir DIR] [--runs 20]

Without --data-dir, the demo corpus is loaded into a temporary directory first (``coidesk ingest demo/corpus``,
``coidesk enrich``, ``coidesk decisions``, as ``make demo`` does). With --data-dir, no server may be running on
that directory (the index has one writer). An account is created, ``coidesk serve`` is started on a free
127.0.0.1 port, Chromium logs in and loads each page kind --runs times: search (several real queries),
a document page (COI and decisions in turn), the verification page (GET, then one statement run), harmonisation
and a report page. The time is ``performance.getEntriesByType('navigation')[0].loadEventEnd``; the very first
page load after login is not counted. Prints p50/p95/max per page kind.
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
QUERIES = ["Darfour", "Massalit", "torture détention", "Port Sudan", "Zaghawa", "Afghanistan talibans"]
STATEMENT = (
    "Le demandeur déclare que les Forces de soutien rapide ont pris El Fasher en octobre 2024. "
    "Il ajoute que son oncle vit à Kadugli."
)
LOAD_END = "() => { const e = performance.getEntriesByType('navigation')[0]; return e ? e.loadEventEnd : 0; }"
TARGET_P95_MS = 300.0


def coidesk(env: dict[str, str], *args: str, stdin: str | None = None, timeout: int = 1800) -> str:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        input=stdin,
        text=True,
        timeout=timeout,
    ).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def load_time(page: Any) -> float:
    page.wait_for_function(f"({LOAD_END})() > 0")
    return float(page.evaluate(LOAD_END))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="a loaded coidesk data directory (default: the demo, loaded)")
    parser.add_argument("--runs", type=int, default=20, help="loads per page kind (default 20)")
    args = parser.parse_args()

    tmp: Path | None = None
    if args.data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="coidesk-pages-bench-"))
        data = tmp / "data"
    else:
        data = args.data_dir.resolve()
    env = {
        **os.environ,
        "COIDESK_DATA_DIR": str(data),
        "COIDESK_ENRICH_IN_SERVER": "false",  # no background work while measuring
        "COIDESK_EMBED_IN_SERVER": "false",
    }
    proc: subprocess.Popen[bytes] | None = None
    try:
        if tmp is not None:
            for step in (["ingest", str(ROOT / "demo" / "corpus")], ["enrich"], ["decisions"]):
                t0 = time.perf_counter()
                coidesk(env, *step)
                print(f"coidesk {step[0]}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        user = f"bench-{secrets.token_hex(3)}"
        coidesk(env, "users", "create", user, "--role", "research_assistant", "--password-stdin", stdin=PASSWORD + "\n")
        token = coidesk(env, "users", "token", user, "--name", "pages-bench").strip()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open((tmp or data) / "pages-bench-server.log", "w")  # open for the server's life
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise SystemExit(f"the server exited; see {log.name}")
            time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")

        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120)

        def first_ids(**params: str) -> list[str]:
            r = api.get("/api/search", params={"size": "5", **params})
            r.raise_for_status()
            return [x["id"] for x in r.json()["hits"]]

        docs = first_ids(q="Darfour", kind="coi")[:3] + first_ids(q="Darfour", kind="decision")[:3]
        if not docs:
            raise SystemExit("no document found for 'Darfour': is the data directory loaded?")
        r = api.post("/api/reports", json={"title": "Bench : Soudan", "country": "SDN", "questions": ["Q ?"]})
        r.raise_for_status()
        report = r.json()["id"]
        section = api.post(f"/api/reports/{report}/sections", json={"title": "Darfour", "text": "Synthèse."}).json()[
            "id"
        ]
        for doc in docs[:3]:  # a few footnotes: quote a sentence of each COI document
            text = api.get(f"/api/documents/{doc}").json().get("text", "")
            sentence = next((s.strip() + "." for s in text.split(".") if 60 < len(s.strip()) < 300), None)
            if sentence:
                api.post(
                    f"/api/reports/{report}/citations",
                    json={"section_id": section, "document_id": doc, "quote": sentence},
                )

        from playwright.sync_api import sync_playwright

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        times: dict[str, list[float]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.set_default_timeout(120_000)  # the first statement checked loads the verifier's models
            page.goto(base + "/login")
            page.fill("#username", user)
            page.fill("#password", PASSWORD)
            page.click("#login-button")
            page.wait_for_selector("#whoami")
            load_time(page)  # the first page load (cold): not counted

            def goto(path: str) -> float:
                page.goto(base + path)
                return load_time(page)

            def verify_run() -> float:
                goto("/verify")
                page.fill("#statements", STATEMENT)
                if page.locator("#country").evaluate("e => e.tagName") == "SELECT":
                    page.select_option("#country", "SDN")
                else:
                    page.fill("#country", "SDN")
                with page.expect_navigation():
                    page.click("#split-facts")
                page.wait_for_selector("#facts-form")
                with page.expect_navigation():
                    page.click("#run-verify")
                return load_time(page)

            kinds: dict[str, Callable[[int], float]] = {
                "search": lambda i: goto(f"/?q={QUERIES[i % len(QUERIES)]}"),
                "document": lambda i: goto(f"/documents/{docs[i % len(docs)]}"),
                "verify (GET)": lambda i: goto("/verify"),
                "verify (run 1 statement)": lambda i: verify_run(),
                "harmonisation": lambda i: goto("/harmonisation"),
                "report": lambda i: goto(f"/reports/{report}"),
            }
            for i in range(args.runs):  # interleaved, so that no kind gets all the warm caches
                for kind, load in kinds.items():
                    times.setdefault(kind, []).append(load(i))
            browser.close()

        print(f"\nPage load (navigation start → loadEventEnd), {args.runs} runs per kind, ms")
        print(f"{'page':<26}{'n':>4}{'p50':>9}{'p95':>9}{'max':>9}")
        worst = 0.0
        for kind, values in times.items():
            p95 = percentile(values, 0.95)
            worst = max(worst, p95)
            print(f"{kind:<26}{len(values):>4}{percentile(values, 0.5):>9.0f}{p95:>9.0f}{max(values):>9.0f}")
        verdict = "met" if worst <= TARGET_P95_MS else "NOT met"
        print(f"\ntarget p95 ≤ {TARGET_P95_MS:.0f} ms after the first page: {verdict} (worst p95 {worst:.0f} ms)")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
