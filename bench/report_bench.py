"""Rendering time of a COI report with 60 footnotes (quotations from the demo corpus) to PDF, DOCX, HTML.

    python bench/report_bench.py [--data DIR] [--footnotes 60] [--runs 5]

Without --data, loads the demo corpus in a temporary directory first.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from reports.render import render_docx, render_html, render_pdf  # noqa: E402
from services.context import AppContext  # noqa: E402
from services.reports import PassageIn, ReportIn, SectionIn  # noqa: E402


def build(ctx: AppContext, footnotes: int) -> dict:
    principal = ctx.accounts.create_user(
        f"bench-ra-{time.time_ns()}", "correct horse battery staple", ["research_assistant"], "Bench"
    )
    rid = ctx.reports.create(principal, ReportIn(title="Benchmark report", country="SDN", questions=["Q1", "Q2"]))
    coi = [d for batch in ctx.store.iter_documents() for d in batch if d.kind == "coi" and len(d.text) > 2000]
    per_doc = [[(d.id, m.group().strip()) for m in re.finditer(r"[A-Z][^.\n]{60,300}\.", d.text)] for d in coi]
    sentences = [row[i] for i in range(max(map(len, per_doc))) for row in per_doc if i < len(row)]  # round robin
    per_section = 10
    sid = 0
    for i, (doc_id, sentence) in enumerate(sentences[:footnotes]):
        if i % per_section == 0:
            sid = ctx.reports.add_section(
                principal, rid, SectionIn(title=f"Section {i // per_section + 1}", text="Synthèse.")
            )
        mode = "quote" if i % 2 == 0 else "paraphrase"
        ctx.reports.add_passage(
            principal,
            rid,
            PassageIn(
                section_id=sid,
                document_id=doc_id,
                quote=sentence,
                mode=mode,
                paraphrase="Paraphrase." if mode == "paraphrase" else None,
            ),
        )
    return ctx.reports.get(rid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--footnotes", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp)
        ctx = AppContext.open(Settings(data_dir=data, _env_file=None))  # type: ignore[call-arg]
        if not args.data:
            from bench.verify_eval import load_demo

            load_demo(ctx)
        report = build(ctx, args.footnotes)
        doc = ctx.reports.document(report)
        print(f"report: {len(doc.sections)} sections, {len(doc.notes)} footnotes, {len(doc.bibliography)} sources")
        for name, fn in (("HTML", render_html), ("DOCX", render_docx), ("PDF", render_pdf)):
            times, size = [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                out = fn(doc)
                times.append(time.perf_counter() - started)
                size = len(out)
            print(
                f"{name:<5} median {statistics.median(times) * 1000:7.0f} ms  max {max(times) * 1000:7.0f} ms  ({size:,} bytes)"
            )
        ctx.close()


if __name__ == "__main__":
    main()
