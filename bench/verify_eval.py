"""Fact verification against the labelled sets: how many statuses and top-3 evidence documents are right.

    python bench/verify_eval.py [--data DIR] [--details] [--half dev|test|all] [--no-meaning]

Without --data, loads, enriches and embeds the demo corpus in a temporary directory first (about 2 min).
The sets (statements, "as of" date, expected status and evidence documents):
- tests/fixtures/verify_eval/facts_blind.json: facts written from the demo corpus by helpers who never saw
  the verification code, split once (seeded) into a development half (tuned on) and a test half (never),
  plus a second development set written later;
- tests/fixtures/verify_eval/facts_dev2.json: a third development set (half "dev3", --half dev3), 31 facts
  written by the issue-15 session from the corpus before it changed the code (tuned on);
- tests/fixtures/verify_eval/facts.json: the older sets of issue 7 (their development part was tuned on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.verify import Verifier, VerifyIn  # noqa: E402

SET = ROOT / "tests" / "fixtures" / "verify_eval" / "facts.json"
BLIND = ROOT / "tests" / "fixtures" / "verify_eval" / "facts_blind.json"
DEV3 = ROOT / "tests" / "fixtures" / "verify_eval" / "facts_dev2.json"


def load_demo(ctx: AppContext) -> None:
    from analyzers.enricher import Enricher
    from ingest.enrich import enrich_documents
    from ingest.pipeline import ingest_corpus

    ingest_corpus(ctx.store, [ROOT / "demo" / "corpus"], received_by="bench")
    ctx.indexer.drain()
    enrich_documents(ctx.store, Enricher(n_process=1))
    ctx.indexer.drain()
    if ctx.settings.dense_search:
        from ingest.embed import embed_pending

        while embed_pending(ctx.store, ctx.dense.passages, ctx.dense.embedder, limit=16):
            pass


def blind_cases(ctx: AppContext) -> list[dict]:
    """The blind set, its documents (paths in the demo corpus) turned into the store's ids."""
    by_origin = ctx.store.ids_by_origin()
    by_path = {o.split("demo/corpus/", 1)[1]: i for o, i in by_origin.items() if "demo/corpus/" in o}
    cases = json.loads(BLIND.read_text())["facts"] + json.loads(DEV3.read_text())["facts"]
    for c in cases:
        missing = [p for p in c["expected_documents"] if p not in by_path]
        assert not missing, f"{c['id']}: not in the store: {missing}"
        c["expected_documents"] = [by_path[p] for p in c["expected_documents"]]
    return cases


def evaluate(
    ctx: AppContext, details: bool = False, half: str = "all", meaning: bool = True
) -> dict[str, dict[str, float]]:
    out = {}
    blind = blind_cases(ctx)
    halves = [
        ("dev", "blind set, development half (tuned on)"),
        ("dev2", "blind set, second development set (written after the first test run; checked on)"),
        ("dev3", "third development set (facts_dev2.json, written before the issue-15 changes; tuned on)"),
        ("test", "blind set, test half (never tuned on)"),
    ]
    for key, name in halves:
        if half in (key, "all"):
            print(f"== {name}")
            out[name] = evaluate_cases(ctx, [c for c in blind if c["half"] == key], details, meaning)
    if half not in ("all", "old"):
        return out
    cases = json.loads(SET.read_text())["facts"]
    for name, part in (
        ("development set (rules tuned on it)", [c for c in cases if not c.get("heldout") and not c.get("heldout2")]),
        ("held-out set 1 (its first run revealed bugs that were then fixed)", [c for c in cases if c.get("heldout")]),
        ("held-out set 2 (written last, never tuned on)", [c for c in cases if c.get("heldout2")]),
        ("all", cases),
    ):
        print(f"== older set: {name}")
        out[name] = evaluate_cases(ctx, part, details, meaning)
    return out


def evaluate_cases(ctx: AppContext, cases: list[dict], details: bool = False, meaning: bool = True) -> dict[str, float]:
    verifier = ctx.verifier() if meaning else Verifier(ctx.store, ctx.index, ctx.settings, ctx.thesaurus.vocabulary())
    status_ok = docs_ok = with_docs = absent_called_true = 0
    precision: list[float] = []
    times = []
    confusion: dict[tuple[str, str], int] = {}
    for case in cases:
        started = time.perf_counter()
        result = verifier.verify(
            VerifyIn(statements=case["statement"], country=case["country"], as_of=dt.date.fromisoformat(case["as_of"]))
        )
        times.append(time.perf_counter() - started)
        facts = result["facts"]
        assert len(facts) == 1, f"{case['id']}: the statement split into {len(facts)} facts"
        got = facts[0]
        top3 = list(dict.fromkeys(e["document_id"] for e in got["evidence"] + got["conflicting"]))[:3]
        ok = got["status"] == case["expected_status"]
        status_ok += ok
        absent_called_true += case["expected_status"] == "no_information" and got["status"] == "corroborated"
        confusion[(case["expected_status"], got["status"])] = (
            confusion.get((case["expected_status"], got["status"]), 0) + 1
        )
        expected = set(case["expected_documents"])
        if expected:
            with_docs += 1
            hit = bool(expected & set(top3))
            docs_ok += hit
            precision.append(len(expected & set(top3)) / len(top3) if top3 else 0.0)
        if details or not ok:
            mark = "ok " if ok else "ERR"
            found = "doc+" if expected & set(top3) else ("doc-" if expected else "    ")
            print(f"{mark} {case['id']:<30} expected {case['expected_status']:<18} got {got['status']:<18} {found}")
            if details and not ok:
                for e in got.get("explanation", []):
                    print(f"      {e['element']:<7} {e['state']:<12} {e.get('detail') or ''}")
    n = len(cases)
    times.sort()
    out = {
        "facts": n,
        "no_information_called_corroborated": absent_called_true,
        "status_accuracy": status_ok / n,
        "evidence_hit_at_3": docs_ok / with_docs if with_docs else 0.0,
        "evidence_precision_at_3": sum(precision) / len(precision) if precision else 0.0,
        "p50_ms": times[n // 2] * 1000,
        "p95_ms": times[min(n - 1, int(n * 0.95))] * 1000,
        "max_ms": times[-1] * 1000,
    }
    print(f"statuses right: {status_ok}/{n} ({out['status_accuracy']:.0%})")
    print(f"top-3 evidence contains an expected document: {docs_ok}/{with_docs} ({out['evidence_hit_at_3']:.0%})")
    print(f"top-3 evidence precision: {out['evidence_precision_at_3']:.2f}")
    print(f"'no information' facts called corroborated: {absent_called_true}")
    print(f"time per fact: p50 {out['p50_ms']:.0f} ms, p95 {out['p95_ms']:.0f} ms, max {out['max_ms']:.0f} ms")
    print("confusion (expected -> got):")
    for (exp, got_), count in sorted(confusion.items()):
        print(f"  {exp:<18} -> {got_:<18} {count}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, help="an existing data directory holding the demo corpus")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--half", choices=("dev", "dev2", "dev3", "test", "old", "all"), default="all")
    parser.add_argument("--no-meaning", action="store_true", help="words only (no dense retrieval or meaning)")
    args = parser.parse_args()
    if args.data:
        ctx = AppContext.open(Settings(data_dir=args.data, _env_file=None))  # type: ignore[call-arg]
        evaluate(ctx, args.details, args.half, not args.no_meaning)
        ctx.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        load_demo(ctx)
        evaluate(ctx, args.details, args.half, not args.no_meaning)
        ctx.close()


if __name__ == "__main__":
    main()
