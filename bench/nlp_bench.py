"""NLP throughput: the whole enrichment against raw ``nlp.pipe`` of the same spaCy pipeline, same texts.

    python bench/nlp_bench.py [--repeat 3] [--workers 2]

Texts: the French documents of the demo corpus (the ones spaCy runs on), repeated. Also prints the
rules-only throughput on the English documents, and the cost of re-enriching unchanged documents.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.enricher import Enricher, EnrichInput  # noqa: E402
from analyzers.gazetteer import default_gazetteer  # noqa: E402
from analyzers.ner import french  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402


def corpus(lang: str) -> list[EnrichInput]:
    out = []
    for path, item in iter_corpus([ROOT / "demo" / "corpus"]):
        if isinstance(item, RecordError) or item.doc.language != lang:
            continue
        out.append(EnrichInput(path.name, item.doc.title, item.doc.text, lang, []))
    return out


def words(docs: list[EnrichInput]) -> int:
    return sum(len(f"{d.title}\n{d.text}".split()) for d in docs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    fr = corpus("fr") * args.repeat
    en = corpus("en") * args.repeat
    default_gazetteer()
    french()  # models load once per process, outside the timings
    n_fr = words(fr)
    print(f"French texts: {len(fr)} documents, {n_fr:,} words; English: {len(en)} documents, {words(en):,} words")

    texts = [f"{d.title}\n{d.text}" for d in fr]
    for n_process in (1, args.workers):
        t = time.perf_counter()
        for _ in french().pipe(texts, n_process=n_process, batch_size=16):
            pass
        raw = time.perf_counter() - t
        print(f"raw nlp.pipe, {n_process} process(es):      {n_fr / raw:>9,.0f} words/s")

    t = time.perf_counter()
    Enricher(n_process=args.workers).enrich(fr)
    full = time.perf_counter() - t
    print(f"enrichment, {args.workers} spaCy process(es):    {n_fr / full:>9,.0f} words/s  (French)")
    t = time.perf_counter()
    Enricher(use_ner=False).enrich(en)
    rules = time.perf_counter() - t
    print(f"enrichment, rules only:            {words(en) / rules:>9,.0f} words/s  (English)")
    print(f"enrichment / raw pipeline ({args.workers} processes): {raw / full:.0%}")

    # unchanged documents: the stored input hash makes a second run skip them
    from config.settings import Settings
    from ingest.enrich import enrich_documents
    from ingest.pipeline import ingest_corpus
    from services.context import AppContext

    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        ingest_corpus(ctx.store, [ROOT / "demo" / "corpus"], "bench")
        enricher = Enricher(n_process=args.workers)
        t = time.perf_counter()
        first = enrich_documents(ctx.store, enricher)
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        second = enrich_documents(ctx.store, enricher)
        t2 = time.perf_counter() - t
        print(
            f"store run: {first.enriched} enriched in {t1:.1f} s; again: {second.enriched} enriched, "
            f"{second.skipped} unchanged skipped in {t2:.2f} s"
        )
        ctx.close()


if __name__ == "__main__":
    main()
