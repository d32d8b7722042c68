"""Search benchmark: N synthetic documents from the real corpus vocabulary, embedded engine.

Prints indexing docs/s, then p50/p95 latency of keyword, phrase, filtered, faceted and highlighted
queries, through the raw engine and through GET /api/search (``coidesk serve`` in its own process on
127.0.0.1, one keep-alive HTTP client).

    python bench/search_bench.py [--docs 100000] [--queries 200] [--long [--extra ../shared/corpus-extra]]

``--long``: real long documents instead of short synthetic ones — the texts of corpus-extra (decisions and
reports, about 33,000 characters on average, up to a few hundred thousand), each copy with its paragraphs
shuffled, so the cost of highlighting and snippets over long texts is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from config.settings import Settings  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.search import SearchParams, build_query  # noqa: E402
from store.index.base import IndexedDoc  # noqa: E402

COUNTRIES = [
    "AFG",
    "SDN",
    "ERI",
    "GIN",
    "COD",
    "CMR",
    "MLI",
    "SOM",
    "SYR",
    "IRQ",
    "IRN",
    "UKR",
    "RUS",
    "TUR",
    "PAK",
    "BGD",
    "NGA",
    "ETH",
    "YEM",
    "HTI",
    "VEN",
    "COL",
    "ALB",
    "GEO",
    "AZE",
]
SOURCES = ["ukhomeoffice", "usdos", "coe-cpt", "un-upr", "cnda", "edal", "un-tb", "lu-ta", "ch-taf"]
DOC_TYPES = ["report", "decision", "query response", "news", "country policy and information note"]


def vocabulary() -> dict[str, list[str]]:
    words: dict[str, list[str]] = {"fr": [], "en": []}
    for _path, item in iter_corpus([ROOT / "demo" / "corpus"]):
        if isinstance(item, RecordError):
            continue
        lang = item.doc.language if item.doc.language in ("fr", "en") else "en"
        words[lang].extend(re.findall(r"\w+", item.doc.text))
    return words


def generate(n: int, seed: int = 42) -> list[IndexedDoc]:
    rng = random.Random(seed)
    vocab = vocabulary()
    docs = []
    start = dt.date(2005, 1, 1)
    for i in range(n):
        lang = "fr" if rng.random() < 0.45 else "en"
        words = vocab[lang]
        at = rng.randrange(len(words) - 600)
        length = rng.randint(150, 500)
        text = " ".join(words[at : at + length])
        title = " ".join(words[at + length : at + length + rng.randint(5, 12)])
        published = start + dt.timedelta(days=rng.randrange(7600))
        docs.append(
            IndexedDoc(
                id=f"{i:020x}",
                seq=i + 1,
                kind=rng.choice(["coi", "coi", "decision"]),
                title=title,
                text=text,
                language=lang,
                countries=rng.sample(COUNTRIES, rng.choice([1, 1, 2])),
                source=rng.choice(SOURCES),
                doc_type=rng.choice(DOC_TYPES),
                published=published,
                added=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
            )
        )
    return docs


def generate_long(n: int, extra: Path, seed: int = 7) -> list[IndexedDoc]:
    import json

    rng = random.Random(seed)
    bases = []
    for path in sorted(extra.rglob("*.json")):
        if path.name == "manifest.json":
            continue
        rec = json.loads(path.read_bytes())
        text = str(rec.get("text") or rec.get("content") or "")
        if len(text) > 2000:
            paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
            bases.append((str(rec.get("title") or path.stem)[:300], paragraphs, rec.get("language") or "en"))
    if not bases:
        raise SystemExit(f"no long texts under {extra}")
    docs = []
    start = dt.date(2005, 1, 1)
    for i in range(n):
        title, paragraphs, lang = bases[i % len(bases)] if i < len(bases) else rng.choice(bases)
        shuffled = paragraphs[:]
        rng.shuffle(shuffled)
        docs.append(
            IndexedDoc(
                id=f"{i:020x}",
                seq=i + 1,
                kind=rng.choice(["coi", "decision"]),
                title=title,
                text="\n\n".join(shuffled),
                language=lang if lang in ("fr", "en") else "en",
                countries=rng.sample(COUNTRIES, rng.choice([1, 1, 2])),
                source=rng.choice(SOURCES),
                doc_type=rng.choice(DOC_TYPES),
                published=start + dt.timedelta(days=rng.randrange(7600)),
                added=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
            )
        )
    return docs


QUERIES = {
    "keyword": [("Darfour", {}), ("asile", {}), ("detention", {}), ("Taliban", {}), ("réfugiés", {}), ("torture", {})],
    "phrase": [('"groupe social"', {}), ('"armed conflict"', {}), ('"droit d\'asile"', {}), ('"security forces"', {})],
    "filtered": [
        ("asile", {"country": ["SDN"]}),
        ("detention", {"kind": ["coi"], "language": ["en"]}),
        ("violence", {"source": ["-usdos"], "country": ["AFG", "SYR"]}),
    ],
    # queries the thesaurus and actor aliases expand (typed words OR weighted alternatives)
    "expanded": [
        ("détention arbitraire", {}),
        ("recrutement forcé d'enfants", {}),
        ("PKK", {}),
        ("traite des êtres humains", {}),
        ("violences sexuelles Darfour", {}),
        ("forced marriage", {}),
    ],
}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--long", action="store_true", help="real long documents (corpus-extra, paragraphs shuffled)")
    ap.add_argument("--extra", type=Path, default=ROOT.parent / "shared" / "corpus-extra")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), _env_file=None)  # type: ignore[call-arg]
        ctx = AppContext.open(settings)
        t0 = time.perf_counter()
        docs = generate_long(args.docs, args.extra) if args.long else generate(args.docs)
        gen_s = time.perf_counter() - t0
        chars = [len(d.text) for d in docs]
        t0 = time.perf_counter()
        ctx.index.rebuild(None, (docs[i : i + 5000] for i in range(0, len(docs), 5000)))
        index_s = time.perf_counter() - t0
        print(
            f"documents: {args.docs} {'long (corpus-extra, shuffled)' if args.long else 'short synthetic'}, "
            f"{statistics.mean(chars):,.0f} characters on average, max {max(chars):,}  (made in {gen_s:.1f} s)"
        )
        print(f"indexing: {args.docs / index_s:,.0f} docs/s  ({index_s:.1f} s, embedded engine, analysis included)")

        cases = {
            "keyword": [(q, f, False, ()) for q, f in QUERIES["keyword"]],
            "phrase": [(q, f, False, ()) for q, f in QUERIES["phrase"]],
            "filtered": [(q, f, False, ()) for q, f in QUERIES["filtered"]],
            "faceted": [
                (q, f, False, ("country", "source", "doc_type", "language", "kind", "year"))
                for q, f in QUERIES["keyword"]
            ],
            "highlighted": [(q, f, True, ()) for q, f in QUERIES["keyword"] + QUERIES["phrase"]],
            "expanded": [(q, f, True, ()) for q, f in QUERIES["expanded"]],
        }
        # the API needs a user: a research assistant's token, as a script would use
        user = ctx.accounts.create_user("bench", "benchmark-password", ["research_assistant"])
        token = ctx.accounts.create_token(user.user_id, "bench")[1]
        ctx.close()
        ctx = AppContext.open(settings)
        server, base = start_server(Path(tmp))
        print(f"{'query type':<12} {'raw p50':>9} {'raw p95':>9} {'api p50':>9} {'api p95':>9} {'api/raw p95':>12}")
        with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
            for name, items in cases.items():
                raw, api = [], []
                for i in range(args.queries):
                    q, filters, highlight, facets = items[i % len(items)]
                    params_ = SearchParams(q=q, filters=filters, size=20, facets=",".join(facets) or "none")
                    query = build_query(params_, settings, highlight=highlight)
                    t = time.perf_counter()
                    ctx.index.search(query)
                    raw.append((time.perf_counter() - t) * 1000)
                    params: list[tuple[str, str]] = [
                        ("q", q),
                        ("size", "20"),
                        ("facets", ",".join(facets) or "none"),
                        ("highlight", str(highlight).lower()),
                    ]
                    for k, vs in filters.items():
                        params += [(k, v) for v in vs]
                    t = time.perf_counter()
                    r = client.get("/api/search", params=params)  # keep-alive connection, like a browser
                    api.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200, r.text
                print(
                    f"{name:<12} {statistics.median(raw):>7.1f}ms {percentile(raw, 95):>7.1f}ms "
                    f"{statistics.median(api):>7.1f}ms {percentile(api, 95):>7.1f}ms "
                    f"{percentile(api, 95) / max(percentile(raw, 95), 1e-9):>11.2f}x"
                )
        ctx.close()
        server.terminate()
        server.wait(timeout=10)


def start_server(data_dir: Path, env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`coidesk serve` in its own process on 127.0.0.1, as users reach it (``env_extra``: more settings)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # no background enrichment: the benchmark index holds generated documents, not stored ones
    env = {**os.environ, "COIDESK_DATA_DIR": str(data_dir), "COIDESK_ENRICH_IN_SERVER": "false", **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("server did not start")


if __name__ == "__main__":
    main()
