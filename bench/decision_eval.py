"""Field-level accuracy of decision structuring on the hand-labelled set (25 decisions of the demo corpus).

    python bench/decision_eval.py [--data DIR] [--details]

A field counts when the label gives it (null included: the decision does not say it). Grounds are scored
as sets (precision and recall). Without --data, the demo corpus is loaded in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.decisions import structure  # noqa: E402
from config.settings import Settings  # noqa: E402
from services.context import AppContext  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "decision_eval" / "labels.json"
FIELDS = (
    "body",
    "file_number",
    "decision_date",
    "formation",
    "importance",
    "gender",
    "country",
    "outcome",
    "exclusion_clause",
)


def evaluate(ctx: AppContext, details: bool = False) -> dict[str, dict[str, float]]:
    labels = json.loads(LABELS.read_text())["decisions"]
    out = {}
    for name, part in (
        ("development set (25 decisions the rules were written against)", [x for x in labels if not x.get("heldout")]),
        ("held-out (5 decisions labelled afterwards)", [x for x in labels if x.get("heldout")]),
    ):
        print(f"== {name}")
        out[name] = evaluate_part(ctx, part, details)
    return out


def evaluate_part(ctx: AppContext, labels: list[dict], details: bool = False) -> dict[str, float]:
    right = {f: 0 for f in FIELDS}
    total = {f: 0 for f in FIELDS}
    tp = fp = fn = 0
    for label in labels:
        d = ctx.store.get(label["id"])
        s = structure(d.text, d.title, d.court, d.outcome)
        for f in FIELDS:
            if f not in label:
                continue
            got = s.fields.get(f)
            value = got.value if got else None
            total[f] += 1
            ok = value == label[f]
            right[f] += ok
            if details and not ok:
                print(f"  {label['id'][:8]} {f:<14} expected {label[f]!r:<28} got {value!r}")
        if "grounds" in label:
            got_g = {g.value for g in s.grounds}
            want = set(label["grounds"])
            tp += len(got_g & want)
            fp += len(got_g - want)
            fn += len(want - got_g)
            if details and got_g != want:
                print(f"  {label['id'][:8]} grounds        expected {sorted(want)} got {sorted(got_g)}")
    out = {}
    print(f"{'field':<16}{'right':>7}{'of':>5}{'accuracy':>10}")
    for f in FIELDS:
        acc = right[f] / total[f] if total[f] else 0.0
        out[f] = acc
        print(f"{f:<16}{right[f]:>7}{total[f]:>5}{acc:>10.0%}")
    all_right, all_total = sum(right.values()), sum(total.values())
    out["all_fields"] = all_right / all_total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    out["grounds_precision"], out["grounds_recall"] = precision, recall
    print(f"{'all fields':<16}{all_right:>7}{all_total:>5}{out['all_fields']:>10.0%}")
    print(f"grounds (CNDA, as sets): precision {precision:.2f}, recall {recall:.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=args.data or Path(tmp), _env_file=None))  # type: ignore[call-arg]
        if not args.data:
            from ingest.pipeline import ingest_corpus

            ingest_corpus(ctx.store, [ROOT / "demo" / "corpus"], received_by="bench")
        evaluate(ctx, args.details)
        ctx.close()


if __name__ == "__main__":
    main()
