"""Cross-language and vocabulary retrieval: nDCG@10 with and without query expansion, and latency.

    python bench/crosslang_eval.py [--extra ../shared/corpus-extra] [--no-enrich] [--details]

Index: the demo corpus (judged, tests/fixtures/crosslang/queries.json) plus the 678 documents of
corpus-extra as distractors (unjudged = not relevant), in the embedded engine, enriched as the product
does (enrichment indexes place spellings and actor aliases). Each query runs twice — expansion on
(the default) and off — and nDCG@10 is reported per category and overall.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_corpus  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.search import SearchParams, build_query  # noqa: E402
from store.documents import make_document_id  # noqa: E402
from store.schemas import DocumentCreate  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "crosslang" / "queries.json"
CORPUS = ROOT / "demo" / "corpus"


def load_extra(ctx: AppContext, folder: Path) -> int:
    """corpus-extra records (one JSON shape for all publishers) stored as decisions or COI; distractors."""
    n = 0
    for path in sorted(folder.rglob("*.json")):
        if path.name == "manifest.json":
            continue
        rec = json.loads(path.read_bytes())
        if not rec.get("text"):
            continue
        try:
            published = dt.date.fromisoformat(str(rec.get("date"))[:10])
        except ValueError:
            published = None
        source = "extra-" + str(rec.get("_source", "unknown")).lower().replace("/", "-")
        doc = DocumentCreate(
            kind="decision" if rec.get("court") or rec.get("ecli") else "coi",
            title=str(rec.get("title") or rec["_id"])[:500],
            text=rec["text"],
            source=source,
            published=published,
            url=rec.get("url"),
            external_id=str(rec["_id"]),
        )
        ctx.store.add(doc, path.read_bytes(), "application/json", origin=str(path), received_by="bench")
        n += 1
    return n


def ndcg_at_10(ranked: list[str], judgments: dict[str, int]) -> float:
    dcg = sum((2 ** judgments.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(judgments.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra", type=Path, default=ROOT.parent / "shared" / "corpus-extra")
    ap.add_argument("--no-enrich", action="store_true")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()
    gold = json.loads(GOLD.read_text())["queries"]
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        report = ingest_corpus(ctx.store, [CORPUS], received_by="bench")
        extra = load_extra(ctx, args.extra) if args.extra.exists() else 0
        if not args.no_enrich:
            from analyzers.enricher import Enricher
            from ingest.enrich import enrich_documents

            enrich_documents(ctx.store, Enricher(n_process=2))
        ctx.indexer.drain()
        print(f"indexed {report.created} judged + {extra} distractor documents in {time.perf_counter() - t0:.0f} s")
        # document id for each judged corpus file
        ids = {}
        from ingest.corpus import RecordError, iter_corpus

        for path, item in iter_corpus([CORPUS]):
            if not isinstance(item, RecordError):
                key = item.doc.external_id or item.doc.url
                ids[path.relative_to(CORPUS).as_posix()] = make_document_id(item.doc.source, key or "")
        scores: dict[str, dict[str, list[float]]] = {}
        latencies: dict[bool, list[float]] = {False: [], True: []}
        for q in gold:
            judgments = {ids[f]: g for f, g in q["judgments"].items() if f in ids}
            row = {}
            for expand in (False, True):
                query = build_query(SearchParams(q=q["query"], size=10, facets="none", expand=expand), ctx.settings)
                t = time.perf_counter()
                result = ctx.index.search(query)
                latencies[expand].append((time.perf_counter() - t) * 1000)
                row[expand] = ndcg_at_10([h.id for h in result.hits], judgments)
                scores.setdefault(q["category"], {False: [], True: []})[expand].append(row[expand])  # type: ignore[index]
            if args.details:
                print(f"  {q['category']:<8} {q['query'][:48]:<48} off {row[False]:.3f}  on {row[True]:.3f}")
        print(f"{'category':<10} {'queries':>7} {'nDCG@10 off':>12} {'on':>7}")
        all_off, all_on = [], []
        for cat, s in scores.items():
            off, on = s[False], s[True]  # type: ignore[index]
            all_off += off
            all_on += on
            print(f"{cat:<10} {len(off):>7} {statistics.mean(off):>12.3f} {statistics.mean(on):>7.3f}")
        print(f"{'all':<10} {len(all_off):>7} {statistics.mean(all_off):>12.3f} {statistics.mean(all_on):>7.3f}")
        for expand, values in latencies.items():
            lat = sorted(values)
            print(
                f"latency, expansion {'on ' if expand else 'off'} (raw engine, highlighting, {ctx.store.count()} docs):"
                f" p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(0.95 * (len(lat) - 1))]:.1f} ms"
            )
        ctx.close()


if __name__ == "__main__":
    main()
