"""Which method finds better precedents: similar decisions for each labelled CNDA decision, judged with the
hand labels (tests/fixtures/decision_eval/labels.json): gain 2 when a suggested decision has the same country
of origin and shares a ground, 1 when it shares only one of them; nDCG@5 and precision@3 (gain > 0).

    python bench/similar_eval.py [--data DIR]

Methods: the search engine's ranking for the decision's most distinctive terms ("more like this"), TF-IDF
cosine of the reasons, and TF-IDF plus shared country, grounds and citations (what the product uses).
No embedding model: none that runs offline is installable from the registries here without downloading
weights at run time.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.decisions import _cosine, _idf, _reasons, _tf, _weigh  # noqa: E402
from services.search import SearchParams, build_query  # noqa: E402
from store.index.query import Permission  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "decision_eval" / "labels.json"


def gain(a: dict, b: dict) -> int:
    same_country = a.get("country") and a.get("country") == b.get("country")
    shared = bool(set(a.get("grounds", [])) & set(b.get("grounds", [])))
    return 2 if same_country and shared else 1 if same_country or shared else 0


def ndcg(gains: list[int], ideal: list[int], k: int = 5) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(ideal, reverse=True)[:k]))
    return dcg / idcg if idcg else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=args.data or Path(tmp), _env_file=None))  # type: ignore[call-arg]
        if not args.data:
            from ingest.pipeline import ingest_corpus

            ingest_corpus(ctx.store, [ROOT / "demo" / "corpus"], received_by="bench")
            ctx.indexer.drain()
        labels = {x["id"]: x for x in json.loads(LABELS.read_text())["decisions"] if "grounds" in x}
        views = {v["document_id"]: v for v in ctx.decisions.all_views()}
        vectors = {i: _tf(_reasons(v["_doc"].text, v["sections"]), v["_doc"].language) for i, v in views.items()}
        idf = _idf(vectors.values())
        results: dict[str, list[float]] = {"engine (more like this)": [], "TF-IDF": [], "TF-IDF + structure": []}
        precision: dict[str, list[float]] = {k: [] for k in results}
        for qid, label in labels.items():
            others = [i for i in labels if i != qid]
            ideal = [gain(label, labels[i]) for i in others]

            def judged(
                ranked: list[str], name: str, qid: str = qid, label: dict = label, ideal: list[int] = ideal
            ) -> None:
                ranked = [i for i in ranked if i in labels and i != qid]  # judged decisions only
                gains = [gain(label, labels[i]) for i in ranked]
                results[name].append(ndcg(gains, ideal))
                precision[name].append(sum(1 for g in gains[:3] if g) / 3)

            # engine: the 12 terms of the decision with the highest TF-IDF weight, OR-ed
            weights = _weigh(vectors[qid], idf)
            top = [t for t, _ in Counter(weights).most_common(12)]
            q = " OR ".join(top)
            query = build_query(
                SearchParams(q=q, filters={"kind": ["decision"]}, size=60, facets="none", expand=False),
                ctx.settings,
                Permission(),
                highlight=False,
            )
            judged([h.id for h in ctx.index.search(query).hits], "engine (more like this)")
            cos = sorted(views, key=lambda i: -_cosine(weights, _weigh(vectors[i], idf)))
            judged(cos, "TF-IDF")
            judged([x["document_id"] for x in ctx.decisions.similar(doc_id=qid, limit=60)], "TF-IDF + structure")
        print(f"{'method':<28}{'nDCG@5':>8}{'P@3':>8}   ({len(labels)} labelled CNDA decisions as queries)")
        for name in results:
            print(
                f"{name:<28}{sum(results[name]) / len(results[name]):>8.3f}{sum(precision[name]) / len(precision[name]):>8.3f}"
            )
        ctx.close()


if __name__ == "__main__":
    main()
