"""Noise in the names that enrichment extracts (actors not in the curated list), before and after.

    python bench/entity_noise.py                   # current code: totals, top 30, judged precision/recall
    python bench/entity_noise.py --save-baseline   # store the current output as "before" (done once)
    python bench/entity_noise.py --sample 150      # draw the judging sheet from the baseline (done once)

Every document of demo/corpus is enriched as ``coidesk enrich`` does (title, text, language and
countries of the mapped record); the names are the actor mentions that come from spaCy's French NER
or from the English capitalisation cues, not from config/actors.json (a judged name that the list now
recognises still counts as kept).

Two measures, both independent of the rules they measure:

* judged set (tests/fixtures/entity_noise/judged.json): names drawn at random from the baseline
  output and labelled real (names a specific person or organisation, even if its edges are a little
  off) or noise (a sentence start, heading, generic word, fragment, identifier, treaty or text),
  before the rules were changed. A judged name counts as kept when the current output still has it
  (same folded spelling) or the correct form noted in the sheet (``name``). Precision: share of the
  kept judged names that are real; recall: share of the real judged names kept. Split into a dev and
  a test half (fixed seed); rules are tuned on dev only.
* pattern count: names that show a surface sign of noise (line break, a first word from a short hand
  list of English and French function words, digits, lower-case start, all in capitals). A proxy only:
  it sees neither generic words nor missing real names.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzers.enricher import Enricher, EnrichInput  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402
from textnorm import fold_phrase  # noqa: E402

CORPUS = ROOT / "demo" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "entity_noise"
BASELINE = FIXTURES / "baseline.json"
JUDGED = FIXTURES / "judged.json"
SEED = 2026

# The bench's own short list (deliberately not spaCy's stop words, which the rules use)
_FUNCTION_WORDS = set(
    "if as the when while whereas in on at of for and or should had has this that these those since after "
    "during according to by with from an a it its there where le la les l' d' si lorsque lorsqu' quand dans "
    "en de du des au aux selon pour par sur et ou ce cette ces il elle un une".split()
)


def extract(n_process: int = 1) -> list[dict[str, Any]]:
    """Every actor mention found in the demo corpus: file, language, value, label, listed or not."""
    docs: list[tuple[str, EnrichInput]] = []
    for path, item in iter_corpus([CORPUS]):
        if isinstance(item, RecordError):
            continue
        d = item.doc
        docs.append(
            (
                path.relative_to(CORPUS).as_posix(),
                EnrichInput(path.name, d.title, d.text, d.language, list(d.countries or [])),
            )
        )
    results = Enricher(n_process=n_process).enrich([inp for _, inp in docs])
    out = []
    for (file, inp), e in zip(docs, results, strict=True):
        content = f"{inp.title}\n{inp.text}"
        for m in e.of_type("actor"):
            ctx = content[max(0, m.start - 90) : m.end + 90]
            listed = bool(m.extra.get("listed"))
            label = m.text if listed else m.label  # a listed actor: as written, to compare with judged names
            out.append(
                {"file": file, "lang": e.language, "value": m.value, "label": label, "context": ctx, "listed": listed}
            )
    return out


def names(mentions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Distinct names (facet values): most common label, mention and document counts, first context."""
    by: dict[str, dict[str, Any]] = {}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m["listed"]:
            continue
        n = by.setdefault(m["value"], {"value": m["value"], "mentions": 0, "files": [], "context": m["context"]})
        n["mentions"] += 1
        if m["file"] not in n["files"]:
            n["files"].append(m["file"])
        n.setdefault("lang", m["lang"])
        labels[m["value"]][m["label"]] += 1
    for value, n in by.items():
        n["label"] = labels[value].most_common(1)[0][0]
        n["spellings"] = sorted(labels[value])
    return by


def pattern_noise(label: str) -> bool:
    words = label.split()
    if not words:
        return True
    first = fold_phrase(words[0]) if words[0][:2].lower() not in ("l'", "l’", "d'", "d’") else words[0][:2].lower()
    letters = [w for w in words if any(c.isalpha() for c in w)]
    return (
        "\n" in label
        or first.replace("’", "'") in _FUNCTION_WORDS
        or bool(re.search(r"\d", label))
        or label[:1].islower()
        or (len(letters) >= 2 and all(w.isupper() for w in letters))
    )


def judged_scores(items: list[dict[str, Any]], current: set[str]) -> dict[str, float]:
    kept = [it for it in items if fold_phrase(it["label"]) in current or fold_phrase(it.get("name") or "") in current]
    real = [it for it in items if it["real"]]
    real_kept = [it for it in kept if it["real"]]
    return {
        "items": len(items),
        "real": len(real),
        "kept": len(kept),
        "precision": len(real_kept) / len(kept) if kept else 1.0,
        "recall": len(real_kept) / len(real) if real else 1.0,
    }


def summary(by: dict[str, dict[str, Any]]) -> dict[str, int]:
    return {
        "distinct names": len(by),
        "mentions": sum(n["mentions"] for n in by.values()),
        "pattern noise (distinct)": sum(pattern_noise(n["label"]) for n in by.values()),
    }


def sample(count: int) -> None:
    if JUDGED.exists():
        sys.exit(f"{JUDGED.relative_to(ROOT)} exists: it holds the labels, draw no new sheet over it")
    base = names(extract())  # run with the baseline code, before the rules change
    rng = random.Random(SEED)
    chosen = rng.sample(sorted(base.values(), key=lambda n: n["value"]), count)
    order = list(range(count))
    rng.shuffle(order)
    items = []
    for rank, i in enumerate(order):
        n = chosen[i]
        items.append(
            {
                "value": n["value"],
                "label": n["label"],
                "lang": n["lang"],
                "file": n["files"][0],
                "context": n["context"],
                "split": "dev" if rank % 2 == 0 else "test",
                "real": None,
                "name": None,
            }
        )
    items.sort(key=lambda it: (it["split"], it["value"]))
    FIXTURES.mkdir(parents=True, exist_ok=True)
    JUDGED.write_text(json.dumps({"seed": SEED, "items": items}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(items)} names to label in {JUDGED.relative_to(ROOT)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save-baseline", action="store_true")
    ap.add_argument("--sample", type=int, metavar="N")
    ap.add_argument("--processes", type=int, default=1)
    ap.add_argument("--show", choices=["dev", "test"], help="list the judged names of a half, kept or not")
    args = ap.parse_args()
    if args.sample:
        sample(args.sample)
        return
    mentions = extract(args.processes)
    by = names(mentions)
    if args.save_baseline:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        rows = sorted(by.values(), key=lambda n: (-len(n["files"]), -n["mentions"], n["value"]))
        rows = [{k: v for k, v in n.items() if k != "context"} for n in rows]
        BASELINE.write_text(json.dumps({"names": rows}, ensure_ascii=False, indent=0) + "\n")
        print(f"saved {len(rows)} names to {BASELINE.relative_to(ROOT)}")
        return
    # a judged name is kept when still shown: found by NER or cues, or now recognised as a listed actor
    current = {fold_phrase(s) for n in by.values() for s in n["spellings"]}
    current |= {fold_phrase(m["label"]) for m in mentions if m["listed"]}
    before = {n["value"]: n for n in json.loads(BASELINE.read_text())["names"]} if BASELINE.exists() else {}

    print("names extracted from demo/corpus (actors not in the curated list)")
    now, was = summary(by), summary(before) if before else {}
    print(f"{'':<28} {'before':>8} {'after':>8}")
    for key, value in now.items():
        print(f"{key:<28} {was.get(key, '-'):>8} {value:>8}")
    gone, new = set(before) - set(by), set(by) - set(before)
    print(f"{'names dropped':<28} {'':>8} {len(gone):>8}")
    print(f"{'names new (trimmed/split)':<28} {'':>8} {len(new):>8}")

    print("\ntop 30 names (documents, mentions)")
    rows = sorted(by.values(), key=lambda n: (-len(n["files"]), -n["mentions"], n["value"]))[:30]
    for n in rows:
        flag = " *" if pattern_noise(n["label"]) else ""
        print(f"  {len(n['files']):>3} {n['mentions']:>4}  {n['label']!r}{flag}")

    if JUDGED.exists():
        items = json.loads(JUDGED.read_text())["items"]
        if any(it["real"] is None for it in items):
            print("\njudged set not labelled yet")
            return
        base_current = {fold_phrase(s) for n in before.values() for s in n["spellings"]}
        print(f"\njudged names (seed {SEED}): precision = real among kept, recall = real kept / real")
        print(
            f"{'half':<5} {'items':>5} {'real':>5}   {'before P':>8} {'R':>5} {'kept':>5}   {'after P':>8} {'R':>5} {'kept':>5}"
        )
        for half in ("dev", "test", "all"):
            sub = [it for it in items if half == "all" or it["split"] == half]
            b, a = judged_scores(sub, base_current), judged_scores(sub, current)
            print(
                f"{half:<5} {a['items']:>5} {a['real']:>5}   {b['precision']:>8.2f} {b['recall']:>5.2f} {b['kept']:>5}"
                f"   {a['precision']:>8.2f} {a['recall']:>5.2f} {a['kept']:>5}"
            )
        if args.show:
            for it in items:
                if it["split"] != args.show:
                    continue
                kept = fold_phrase(it["label"]) in current or fold_phrase(it.get("name") or "") in current
                mark = ("ok " if kept == it["real"] else "BAD") + (" kept   " if kept else " dropped")
                print(f"  {mark} {'real ' if it['real'] else 'noise'} {it['label']!r}")


if __name__ == "__main__":
    main()
