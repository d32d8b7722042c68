"""Time of the decision views on the demo corpus plus ../shared/corpus-extra (about 190 decisions).

python bench/decisions_bench.py [--extra PATH] [--runs 5]
"""

from __future__ import annotations

import argparse
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
from services.decisions import Selection  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extra", type=Path, default=ROOT.parent / "shared" / "corpus-extra")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        paths = [ROOT / "demo" / "corpus"] + ([args.extra] if args.extra.exists() else [])
        ingest_corpus(ctx.store, paths, received_by="bench")
        ctx.indexer.drain()
        decisions = sum(1 for batch in ctx.store.iter_documents() for d in batch if d.kind == "decision")
        print(f"{decisions} decisions ({ctx.store.count()} documents)")
        started = time.perf_counter()
        ctx.decisions.harmonisation(Selection())
        print(f"first harmonisation (every decision read and kept): {time.perf_counter() - started:.2f} s")
        some = next(d.id for batch in ctx.store.iter_documents() for d in batch if d.kind == "decision")
        for name, fn in (
            ("harmonisation, all decisions", lambda: ctx.decisions.harmonisation(Selection())),
            ("harmonisation, one country", lambda: ctx.decisions.harmonisation(Selection(country="SDN"))),
            (
                "precedents, text + ground",
                lambda: ctx.decisions.precedents(Selection(q="groupe social", ground="social_group")),
            ),
            ("similar decisions", lambda: ctx.decisions.similar(doc_id=some)),
            ("structure of one decision", lambda: ctx.decisions.get(some)),
        ):
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            print(f"{name:<32} median {statistics.median(times) * 1000:7.1f} ms")
        ctx.close()


if __name__ == "__main__":
    main()
