"""Ranked search quality on the held-out evaluation set: nDCG@10 and recall@50 per system, category and half.

    python bench/search_eval.py [--extra ../shared/corpus-extra] [--enrich] [--details]

Set: tests/fixtures/search_eval/queries.json (212 queries written and judged blind to the code over the
demo corpus and the 678 documents of corpus-extra, split once at random into a development and a test half;
see its README). Tune on ``dev`` only; ``test`` is reported, never tuned on.

Systems, all over the same embedded index:
- ``or``: every query word OR-ed, no expansion (the plain BM25 floor to beat);
- ``all``: every word required, thesaurus and actor expansion (the engine before best-match);
- ``best``: best-match for plain queries (services/best_match.py) with expansion (the product's default).
Filters of filter queries are applied to every system.
"""

from __future__ import annotations

import argparse
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
from services.search import SearchParams, build_query  # noqa: E402
from store.documents import make_document_id  # noqa: E402
from store.index.errors import BadQuery  # noqa: E402
from store.index.query import And, Or, Term  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "search_eval" / "queries.json"
CORPUS = ROOT / "demo" / "corpus"
SYSTEMS = ("or", "all", "best")


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
    params = SearchParams(
        q=q["query"], filters=filters, size=50, facets="none", expand=system != "or", match=system, **dates
    )
    if system == "or":
        params.match = "all"
    try:
        query = build_query(params, ctx.settings)
    except BadQuery:
        return []
    if system == "or" and isinstance(query.tree, And):
        import dataclasses

        query = dataclasses.replace(query, tree=Or(tuple(c for c in query.tree.children if isinstance(c, Term))))
    import dataclasses

    return [h.id for h in ctx.index.search(dataclasses.replace(query, highlight=False)).hits]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", type=Path, default=ROOT.parent / "shared" / "corpus-extra")
    ap.add_argument("--enrich", action="store_true")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    gold = json.loads(GOLD.read_text())["queries"]
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        ingest_corpus(ctx.store, [CORPUS], received_by="bench")
        n_extra = load_extra(ctx, args.extra)
        if args.enrich:
            from analyzers.enricher import Enricher
            from ingest.enrich import enrich_documents

            enrich_documents(ctx.store, Enricher(n_process=2))
        ctx.indexer.drain()
        print(
            f"indexed {ctx.store.count()} documents ({n_extra} from corpus-extra) in {time.perf_counter() - t0:.0f} s"
        )
        ids = doc_ids(args.extra)
        table: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        for q in gold:
            judgments = {ids[k]: g for k, g in q["judgments"].items() if k in ids}
            for system in SYSTEMS:
                hits = ranked(ctx, q, system)
                score = (ndcg(hits, judgments), recall(hits, judgments))
                for cat in (q["category"], "ALL"):
                    table.setdefault((q["split"], cat, system), []).append(score)
                if args.details and system == "best":
                    print(f"  {q['split']:<4} {q['category']:<12} {score[0]:.2f} {q['query'][:70]}")
        for half in ("dev", "test"):
            print(f"\n{half}: nDCG@10 / recall@50")
            print(f"{'category':<13} {'n':>4} " + " ".join(f"{s:>13}" for s in SYSTEMS))
            cats = sorted({c for h, c, _ in table if h == half and c != "ALL"}) + ["ALL"]
            for cat in cats:
                cells = []
                for system in SYSTEMS:
                    rows = table[(half, cat, system)]
                    cells.append(
                        f"{statistics.mean(r[0] for r in rows):.3f}/{statistics.mean(r[1] for r in rows):.3f}".rjust(13)
                    )
                print(f"{cat:<13} {len(table[(half, cat, SYSTEMS[0])]):>4} " + " ".join(cells))
        ctx.close()


if __name__ == "__main__":
    main()
