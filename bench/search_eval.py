"""Ranked search quality on the held-out evaluation set: nDCG@10 and recall@50 per system, category and half.

    python bench/search_eval.py [--extra ../shared/corpus-extra] [--enrich] [--details]

Set: tests/fixtures/search_eval/queries.json (212 queries written and judged blind to the code over the
demo corpus and the 678 documents of corpus-extra, split once at random into a development and a test half;
see its README). Tune on ``dev`` only; ``test`` is reported, never tuned on.

Systems, all over the same embedded index:
- ``or``: every query word OR-ed, no expansion (the plain BM25 floor to beat);
- ``all``: every word required, thesaurus and actor expansion (the engine before best-match);
- ``best``: best-match for plain queries (services/best_match.py) with expansion;
- ``dense``: the passages nearest by meaning only (multilingual-e5-small), filters applied;
- ``hybrid``: best-match and dense fused by reciprocal rank (services/hybrid.py: the product's default).
Filters of filter queries are applied to every system. ``--data-dir`` keeps the store, index and passage
vectors between runs (embedding the 740 documents takes about an hour on two cores; a second run resumes).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crosslang_eval import load_extra  # noqa: E402
from config.settings import Settings  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402
from ingest.pipeline import ingest_corpus  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.hybrid import allowed_ids, hybrid_search  # noqa: E402
from services.search import SearchParams, build_query  # noqa: E402
from store.documents import make_document_id  # noqa: E402
from store.index.errors import BadQuery  # noqa: E402
from store.index.query import And, Cursor, Or, Term  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "search_eval" / "queries.json"
CORPUS = ROOT / "demo" / "corpus"
SYSTEMS = ("or", "all", "best", "dense", "hybrid")
SPELLING: dict = {}  # the corpus dictionary of services/spelling.py, unless --no-spelling


def ndcg(ranked: list[str], judgments: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** judgments.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judgments.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], judgments: dict[str, int], k: int = 50) -> float:
    relevant = {d for d, g in judgments.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def doc_ids(extra: Path) -> dict[str, str]:
    ids = {}
    for path, item in iter_corpus([CORPUS]):
        if not isinstance(item, RecordError):
            key = item.doc.external_id or item.doc.url
            ids["corpus:" + path.relative_to(CORPUS).as_posix()] = make_document_id(item.doc.source, key or "")
    for path in sorted(extra.rglob("*.json")):
        if path.name == "manifest.json":
            continue
        rec = json.loads(path.read_bytes())
        source = "extra-" + str(rec.get("_source", "unknown")).lower().replace("/", "-")
        ids["extra:" + path.relative_to(extra).as_posix()] = make_document_id(source, str(rec.get("_id")))
    return ids


def ranked(ctx: AppContext, q: dict, system: str) -> list[str]:
    filters = {k: [v] for k, v in q.get("filters", {}).items() if k in ("kind", "country", "language")}
    dates = {k: v for k, v in q.get("filters", {}).items() if k in ("published_from", "published_to")}
    match = {"or": "all", "all": "all"}.get(system, "best")
    params = SearchParams(q=q["query"], filters=filters, size=50, facets="none", expand=system != "or", match=match)
    params.published_from, params.published_to = dates.get("published_from"), dates.get("published_to")
    try:
        query = dataclasses.replace(
            build_query(params, ctx.settings, spelling=SPELLING.get("dictionary")), highlight=False
        )
    except BadQuery:
        return []
    if system == "or" and isinstance(query.tree, And):
        query = dataclasses.replace(query, tree=Or(tuple(c for c in query.tree.children if isinstance(c, Term))))
    if system == "dense":
        nearest = ctx.dense.nearest(q["query"], k=100)
        allowed = allowed_ids(ctx.index, query, [p.document_id for p in nearest])
        return [p.document_id for p in nearest if p.document_id in allowed][:50]
    if system == "hybrid" and query.semantic_text:
        hits: list[str] = []
        for offset, size in ((0, 20), (20, 20), (40, 10)):
            page = dataclasses.replace(query, limit=size, cursor=Cursor(offset=offset))
            hits += [h.id for h in hybrid_search(ctx.index, ctx.dense, page).hits]
        return hits
    return [h.id for h in ctx.index.search(query).hits]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", type=Path, default=ROOT.parent / "shared" / "corpus-extra")
    ap.add_argument("--enrich", action="store_true")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--data-dir", type=Path, help="keep (or reuse) the store, index and vectors here")
    ap.add_argument("--no-dense", action="store_true", help="lexical systems only (no embedding)")
    ap.add_argument("--no-spelling", action="store_true", help="no correction of words no document holds")
    args = ap.parse_args()
    gold = json.loads(GOLD.read_text())["queries"]
    systems = tuple(s for s in SYSTEMS if not (args.no_dense and s in ("dense", "hybrid")))
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=args.data_dir or Path(tmp), _env_file=None))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        if not ctx.store.count():
            ingest_corpus(ctx.store, [CORPUS], received_by="bench")
            load_extra(ctx, args.extra)
            if args.enrich:
                from analyzers.enricher import Enricher
                from ingest.enrich import enrich_documents

                enrich_documents(ctx.store, Enricher(n_process=2))
        ctx.indexer.drain()
        print(f"indexed {ctx.store.count()} documents in {time.perf_counter() - t0:.0f} s")
        if not args.no_dense:
            from ingest.embed import MODEL, embed_pending

            t0 = time.perf_counter()
            pending, done = ctx.dense.passages.pending_count(MODEL), 0
            while n := embed_pending(ctx.store, ctx.dense.passages, ctx.dense.embedder, limit=4):
                done += n
                print(f"\rembedded {done}/{pending} documents ({time.perf_counter() - t0:.0f} s)", end="", flush=True)
            print(f"\n{ctx.dense.index.size()} passages embedded")
        if not args.no_spelling:
            t0 = time.perf_counter()
            SPELLING["dictionary"] = ctx.spelling.dictionary(wait=True)
            print(f"spelling dictionary built in {time.perf_counter() - t0:.1f} s")
        ids = doc_ids(args.extra)
        table: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        latency: dict[str, list[float]] = {}
        for q in gold:
            judgments = {ids[k]: g for k, g in q["judgments"].items() if k in ids}
            for system in systems:
                t = time.perf_counter()
                hits = ranked(ctx, q, system)
                latency.setdefault(system, []).append((time.perf_counter() - t) * 1000)
                score = (ndcg(hits, judgments), recall(hits, judgments))
                for cat in (q["category"], "ALL"):
                    table.setdefault((q["split"], cat, system), []).append(score)
                if args.details and system == systems[-1]:
                    print(f"  {q['split']:<4} {q['category']:<12} {score[0]:.2f} {q['query'][:70]}")
        for half in ("dev", "test"):
            print(f"\n{half}: nDCG@10 / recall@50")
            print(f"{'category':<13} {'n':>4} " + " ".join(f"{s:>13}" for s in systems))
            cats = sorted({c for h, c, _ in table if h == half and c != "ALL"}) + ["ALL"]
            for cat in cats:
                cells = []
                for system in systems:
                    rows = table[(half, cat, system)]
                    cells.append(
                        f"{statistics.mean(r[0] for r in rows):.3f}/{statistics.mean(r[1] for r in rows):.3f}".rjust(13)
                    )
                print(f"{cat:<13} {len(table[(half, cat, systems[0])]):>4} " + " ".join(cells))
        print("\nlatency per query (50 results, no highlighting, raw engine + service):")
        for system, values in latency.items():
            v = sorted(values)
            print(f"  {system:<7} p50 {v[len(v) // 2]:.0f} ms  p95 {v[int(0.95 * (len(v) - 1))]:.0f} ms")
        ctx.close()


if __name__ == "__main__":
    main()
