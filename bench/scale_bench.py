"""Scale benchmark: up to a million documents sampled from the real corpora, on the embedded engine and,
side by side, on the Elasticsearch-API server (the at-scale configuration).

    python bench/scale_bench.py [--docs 1000000] [--es-docs 100000] [--es-url http://127.0.0.1:9250]
                                [--extra ../shared/corpus-extra] [--queries 200]

Texts are windows of real documents (demo/corpus, plus corpus-extra with ``--extra``), in the real
documents' languages, with lengths drawn around 500 words (80 to 4,000), real-looking metadata (countries,
sources, types, dates, 2 % case documents spread over 5,000 cases). Prints indexing docs/s, the index size,
then p50/p95 of keyword, phrase, filtered, faceted, highlighted and best-match queries, raw engine and
GET /api/search (``coidesk serve`` in its own process, one keep-alive client, a research assistant's token,
so the permission filter applies). ``--es-url`` without ``--docs`` runs the server only. The server is the
OpenSearch node of ``tests/engines/servers start``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.search_bench import COUNTRIES, DOC_TYPES, QUERIES, SOURCES, percentile, start_server  # noqa: E402
from config.settings import Settings  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.search import SearchParams, build_query  # noqa: E402
from store.index.base import IndexedDoc  # noqa: E402

BATCH = 5_000
BEST_MATCH = [
    "quelle est la situation des Hazaras en Afghanistan",
    "risk of detention for returned asylum seekers",
    "recrutement forcé des enfants par les groupes armés",
    "treatment of women who refuse forced marriage",
    "persécution des opposants politiques après les élections",
    "conditions de détention dans les prisons",
]


def real_texts(extra: Path | None) -> dict[str, list[str]]:
    """Word streams of the real documents, per language (fr, en)."""
    words: dict[str, list[str]] = {"fr": [], "en": []}
    for _path, item in iter_corpus([ROOT / "demo" / "corpus"]):
        if not isinstance(item, RecordError):
            words["fr" if item.doc.language == "fr" else "en"].extend(re.findall(r"\S+", item.doc.text))
    if extra:
        for path in sorted(extra.rglob("*.json")):
            if path.name == "manifest.json":
                continue
            rec = json.loads(path.read_bytes())
            text = rec.get("text") or ""
            lang = "fr" if re.search(r"\b(?:le|la|les|des|du)\b", text[:2000]) else "en"
            words[lang].extend(re.findall(r"\S+", text))
    return words


def documents(n: int, words: dict[str, list[str]], seed: int = 7) -> Iterator[list[IndexedDoc]]:
    """Batches of generated documents, deterministic, never all in memory."""
    start = dt.date(2005, 1, 1)
    for b in range(0, n, BATCH):
        rng = random.Random(seed * 1_000_003 + b)
        batch = []
        for i in range(b, min(n, b + BATCH)):
            lang = "fr" if rng.random() < 0.45 else "en"
            stream = words[lang]
            length = int(min(4000, max(80, rng.lognormvariate(6.2, 0.6))))  # median ~500 words
            at = rng.randrange(max(1, len(stream) - length - 20))
            kind = "case_document" if rng.random() < 0.02 else rng.choice(["coi", "coi", "decision"])
            batch.append(
                IndexedDoc(
                    id=f"{i:020x}",
                    seq=i + 1,
                    kind=kind,
                    title=" ".join(stream[at + length : at + length + rng.randint(5, 14)]),
                    text=" ".join(stream[at : at + length]),
                    language=lang,
                    countries=rng.sample(COUNTRIES, rng.choice([1, 1, 1, 2])),
                    source="upload" if kind == "case_document" else rng.choice(SOURCES),
                    doc_type=rng.choice(DOC_TYPES),
                    published=start + dt.timedelta(days=rng.randrange(7600)),
                    added=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                    case_id=f"CASE-{rng.randrange(5000):05d}" if kind == "case_document" else None,
                )
            )
        yield batch


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


CASES: dict[str, list[tuple[str, dict[str, list[str]], bool, tuple[str, ...]]]] = {
    "keyword": [(q, f, False, ()) for q, f in QUERIES["keyword"]],
    "phrase": [(q, f, False, ()) for q, f in QUERIES["phrase"]],
    "filtered": [(q, f, False, ()) for q, f in QUERIES["filtered"]],
    "faceted": [
        (q, f, False, ("country", "source", "doc_type", "language", "kind", "year")) for q, f in QUERIES["keyword"]
    ],
    "highlighted": [(q, f, True, ()) for q, f in QUERIES["keyword"] + QUERIES["phrase"]],
    "best-match": [(q, {}, True, ()) for q in BEST_MATCH],
}


def run_engine(label: str, n: int, words: dict[str, list[str]], queries: int, env_extra: dict[str, str]) -> dict:
    row: dict = {"engine": label, "docs": n}
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        overrides = {k.removeprefix("COIDESK_").lower(): v for k, v in env_extra.items()}
        settings = Settings(data_dir=Path(tmp), _env_file=None, **overrides)  # type: ignore[call-arg]
        ctx = AppContext.open(settings)
        t0 = time.perf_counter()
        done = 0

        def counted() -> Iterator[list[IndexedDoc]]:
            nonlocal done
            for batch in documents(n, words):
                done += len(batch)
                if done % 100_000 == 0 or done == n:
                    print(f"  {label}: {done:,} documents in {time.perf_counter() - t0:,.0f} s", file=sys.stderr)
                yield batch

        ctx.index.rebuild(None, counted())
        seconds = time.perf_counter() - t0
        row["index_docs_s"] = n / seconds
        row["index_seconds"] = seconds
        row["index_mb"] = size_of(settings.index_dir) / 1e6 if label == "embedded" else None
        user = ctx.accounts.create_user("bench", "benchmark-password", ["research_assistant"])
        token = ctx.accounts.create_token(user.user_id, "bench")[1]
        server, base = start_server(Path(tmp), env_extra)
        try:
            with httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
                for name, items in CASES.items():
                    raw, api = [], []
                    for i in range(queries):
                        q, filters, highlight, facets = items[i % len(items)]
                        params_ = SearchParams(q=q, filters=filters, size=20, facets=",".join(facets) or "none")
                        t = time.perf_counter()
                        ctx.index.search(build_query(params_, settings, highlight=highlight))
                        raw.append((time.perf_counter() - t) * 1000)
                        params = [("q", q), ("size", "20"), ("facets", ",".join(facets) or "none")]
                        params += [("highlight", str(highlight).lower())]
                        params += [(k, v) for k, vs in filters.items() for v in vs]
                        t = time.perf_counter()
                        r = client.get("/api/search", params=params)
                        api.append((time.perf_counter() - t) * 1000)
                        assert r.status_code == 200, r.text
                    row[name] = (
                        statistics.median(raw),
                        percentile(raw, 95),
                        statistics.median(api),
                        percentile(api, 95),
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)
            if label != "embedded":
                ctx.index.client.indices.delete(index=f"{settings.es_index_prefix}-documents-v*")  # type: ignore[attr-defined]
            ctx.close()
    return row


def print_rows(rows: list[dict]) -> None:
    for row in rows:
        size = f", index {row['index_mb']:,.0f} MB" if row["index_mb"] else ""
        print(
            f"\n{row['engine']}: {row['docs']:,} documents, indexing {row['index_docs_s']:,.0f} docs/s "
            f"({row['index_seconds']:,.0f} s{size})"
        )
        print(f"{'query type':<12} {'raw p50':>9} {'raw p95':>9} {'api p50':>9} {'api p95':>9} {'api/raw p95':>12}")
        for name in CASES:
            r50, r95, a50, a95 = row[name]
            print(f"{name:<12} {r50:>7.1f}ms {r95:>7.1f}ms {a50:>7.1f}ms {a95:>7.1f}ms {a95 / max(r95, 1e-9):>11.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000, help="documents on the embedded engine (0: skip)")
    ap.add_argument("--es-docs", type=int, default=100_000)
    ap.add_argument("--es-url", default=os.environ.get("COIDESK_TEST_ES_URL"))
    ap.add_argument("--extra", type=Path, default=None)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    words = real_texts(args.extra)
    print(f"real text: {len(words['fr']):,} French words, {len(words['en']):,} English words", file=sys.stderr)
    rows = []
    if args.docs:
        rows.append(run_engine("embedded", args.docs, words, args.queries, {}))
    if args.es_url and args.es_docs:
        env = {
            "COIDESK_SEARCH_BACKEND": "elasticsearch",
            "COIDESK_ES_URL": args.es_url,
            "COIDESK_ES_INDEX_PREFIX": f"bench{os.getpid()}",
            "COIDESK_ES_TIMEOUT_S": "60",
        }
        if httpx.get(args.es_url, timeout=10).json().get("version", {}).get("distribution") == "opensearch":
            env["COIDESK_ES_NODE_CLASS"] = "tests.engines.opensearch_compat.OpenSearchTestNode"
        rows.append(run_engine("elasticsearch-api", args.es_docs, words, args.queries, env))
    print_rows(rows)


if __name__ == "__main__":
    main()
