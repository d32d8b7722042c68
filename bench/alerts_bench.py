"""Alerts, batch search and export benchmark on the embedded engine, text drawn from the real corpus.

    python bench/alerts_bench.py [--docs 100000] [--searches 1000] [--new 200] [--batch 500]

Prints: alert matching cost per ingested document with N followed saved searches (a batch of new documents,
and one document alone), a batch of 500 queries, and a CSV export of every document (rows/s, peak RSS).
Setup bulk-loads the documents into the store (as a migration would) and rebuilds the index from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import generate, vocabulary  # noqa: E402

from config.settings import Settings  # noqa: E402
from services.alerts import match_pending  # noqa: E402
from services.batch import BatchLine, run_batch  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.export import start_export  # noqa: E402
from services.saved_searches import SavedSearchIn, create_saved, follow  # noqa: E402
from services.search import SearchParams  # noqa: E402
from store.models import Document  # noqa: E402
from store.schemas import DocumentCreate  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load(ctx: AppContext, n: int) -> None:
    docs = generate(n)
    with ctx.db.session() as s:
        for i in range(0, n, 5000):
            s.bulk_insert_mappings(
                Document,  # type: ignore[arg-type]
                [
                    {
                        "id": d.id,
                        "kind": d.kind,
                        "title": d.title,
                        "text": d.text,
                        "language": d.language,
                        "countries": d.countries,
                        "source": d.source,
                        "doc_type": d.doc_type,
                        "published": d.published,
                        "added": dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i + k),
                        "updated": dt.datetime(2026, 1, 1),
                        "event_dates": [],
                        "keywords": [],
                        "extra": {},
                        "version": 1,
                    }
                    for k, d in enumerate(docs[i : i + 5000])
                ],
            )
    ctx.indexer.reindex()


def searches_from(words: list[str], n: int, rng: random.Random) -> list[SavedSearchIn]:
    common = [w for w in words if len(w) > 5 and w.isalpha()]
    out = []
    for i in range(n):
        kind = i % 10
        if kind < 6:
            q = rng.choice(common)
        elif kind < 8:
            q = f"{rng.choice(common)} {rng.choice(common)}"
        elif kind < 9:
            q = f'"{rng.choice(common)} {rng.choice(common)}"'
        else:
            q = f"{rng.choice(common)} OR {rng.choice(common)}"
        filters = {"country": [rng.choice(["SDN", "AFG", "ERI", "SYR"])]} if i % 4 == 0 else {}
        out.append(SavedSearchIn(name=f"s{i}", q=q, filters=filters, visibility="desk"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--searches", type=int, default=1000)
    ap.add_argument("--new", type=int, default=200)
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()
    rng = random.Random(7)
    vocab = vocabulary()
    words = vocab["fr"] + vocab["en"]
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None, dense_search=False))  # type: ignore[call-arg]
        t0 = time.perf_counter()
        load(ctx, args.docs)
        print(f"documents: {args.docs} stored and indexed in {time.perf_counter() - t0:.0f} s")
        users = [ctx.accounts.create_user(f"u{i}", "p" * 16, ["research_assistant"]) for i in range(5)]
        for i, data in enumerate(searches_from(words, args.searches, rng)):
            s = create_saved(ctx, users[i % 5], data)
            for u in users[: 1 + i % 3]:  # 1 to 3 followers each
                follow(ctx, u, s.id)
        print(f"saved searches followed: {args.searches} ({len(ctx.saved.all_follows())} follows)")

        def new_docs(count: int, tag: str) -> None:
            for i in range(count):
                at = rng.randrange(len(words) - 400)
                text = " ".join(words[at : at + rng.randint(150, 400)])
                doc = DocumentCreate(
                    kind="coi", title=f"nouveau {tag} {i}", source="upload", language="fr", text=text,
                    countries=[rng.choice(["SDN", "AFG", "ERI", "SYR"])], doc_type="report", external_id=f"{tag}-{i}",
                )  # fmt: skip
                ctx.store.add(doc, text.encode(), "text/plain", origin=f"{tag}-{i}", received_by="bench")
            ctx.indexer.drain()

        new_docs(args.new, "batch")
        report = match_pending(ctx)
        print(
            f"alert matching, {report.documents} new documents at once: {report.seconds:.2f} s, "
            f"{report.seconds / max(report.documents, 1) * 1000:.1f} ms/document "
            f"({report.searches_run} searches run, {report.notifications} notifications)"
        )
        singles = []
        for k in range(5):
            new_docs(1, f"single{k}")
            singles.append(match_pending(ctx).seconds)
        print(f"alert matching, one document alone: {sorted(singles)[2] * 1000:.0f} ms (median of 5)")
        t = time.perf_counter()
        new_docs(1, "e2e")
        match_pending(ctx)
        print(f"store + index + match of one upload, in process: {(time.perf_counter() - t) * 1000:.0f} ms")

        user = users[0]
        common = [w for w in words if len(w) > 4 and w.isalpha()]
        lines = [BatchLine(i + 1, rng.choice(common) if i % 5 else f'"{rng.choice(common)}') for i in range(args.batch)]
        t = time.perf_counter()
        out = run_batch(ctx, user, lines, SearchParams(match="all"), top=3)
        print(f"batch of {args.batch} queries: {time.perf_counter() - t:.1f} s ({out.ok} ok, {out.failed} failed on purpose)")

        before = rss_mb()
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], rss_mb())
                time.sleep(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t = time.perf_counter()
        job = start_export(ctx, user, SearchParams(sort="added"), "csv")
        size = sum(len(c) for c in job.chunks)
        secs = time.perf_counter() - t
        done.set()
        sampler.join()
        print(
            f"export CSV: {job.rows} rows, {size / 1e6:.1f} MB in {secs:.1f} s = {job.rows / secs:,.0f} rows/s; "
            f"RSS {before:.0f} MB before, peak {peak[0]:.0f} MB during"
        )
        ctx.close()


if __name__ == "__main__":
    main()
