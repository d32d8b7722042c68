"""Ingest throughput: files per second through the whole upload path (archive, sandboxed extraction,
store, index), per format, with two workers (both cores); then NLP enrichment of what was stored.

    python bench/ingest_bench.py [--files 100]

Files are made from the demo corpus texts (each one distinct): text PDFs, DOCX, HTML. Scanned PDFs need
OCR, which is not built yet, so they are not measured.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "hostile"))

from make_hostile import body, docx, text_pdf  # noqa: E402

from config.settings import Settings  # noqa: E402
from ingest.corpus import RecordError, iter_corpus  # noqa: E402
from ingest.uploads import UploadFields, run_queued, submit  # noqa: E402
from services.context import AppContext  # noqa: E402


def paragraphs(n: int) -> list[str]:
    out = []
    for _, item in iter_corpus([ROOT / "demo" / "corpus"]):
        if isinstance(item, RecordError):
            continue
        words = item.doc.text.split()
        for i in range(0, min(len(words), 4000), 400):
            out.append(" ".join(words[i : i + 400]))
    return [f"{out[i % len(out)]} (exemplaire {i})" for i in range(n)]


def pdf_bytes(text: str) -> bytes:
    safe = text.encode("latin-1", "replace").decode("latin-1").replace("(", "[").replace(")", "]").replace("\\", "/")
    return text_pdf(safe[:3000])


MAKERS = {
    "pdf": pdf_bytes,
    "docx": lambda t: docx(body(t.replace("&", "and").replace("<", " ").encode())),
    "html": lambda t: (
        f"<html><head><title>Rapport</title></head><body><nav>Menu</nav><article><p>{t}</p></article></body></html>".encode()
    ),
    "scan": lambda t: scan_bytes(t),  # image-only PDF: OCR (Tesseract)
}


def scan_bytes(text: str) -> bytes:
    """An image-only PDF: the text PDF rendered at 300 dpi, as a scanner would produce it."""
    import io

    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(pdf_bytes(text[:600]))[0].render(scale=300 / 72).to_pil().convert("L")
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=300)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200, help="files per format")
    ap.add_argument("--scans", type=int, default=30, help="scanned PDFs (OCR is slow)")
    args = ap.parse_args()
    counts = {fmt: (args.scans if fmt == "scan" else args.files) for fmt in MAKERS}
    texts = paragraphs(sum(counts.values()))
    with tempfile.TemporaryDirectory() as tmp:
        ctx = AppContext.open(Settings(data_dir=Path(tmp), _env_file=None))  # type: ignore[call-arg]
        fields = UploadFields()
        extraction_s = 0.0
        offset = 0
        for fmt, make in MAKERS.items():
            n_files = counts[fmt]
            chunk = texts[offset : offset + n_files]
            offset += n_files
            t0 = time.perf_counter()
            for i, text in enumerate(chunk):
                submit(ctx.store, ctx.jobs, make(text), f"{fmt}-{i}.{fmt}", "bench", fields)
            with ThreadPoolExecutor(2) as pool:  # two workers, each parsing in its own sandbox process
                list(pool.map(lambda _: run_queued(ctx.store, ctx.jobs), range(2)))
            ctx.indexer.drain()
            elapsed = time.perf_counter() - t0
            extraction_s += elapsed
            failed = [j for j in ctx.jobs.list(limit=n_files) if j.status == "failed"]
            print(
                f"{fmt:<5} {n_files / elapsed:6.1f} files/s  ({n_files} files in {elapsed:.1f} s, {len(failed)} failed)"
            )
        from analyzers.enricher import Enricher
        from ingest.enrich import enrich_documents

        t0 = time.perf_counter()
        report = enrich_documents(ctx.store, Enricher(n_process=2))
        ctx.indexer.drain()
        elapsed = time.perf_counter() - t0
        total = ctx.store.count()
        print(
            f"NLP enrichment of the {report.enriched} stored files: {elapsed:.1f} s ({report.enriched / elapsed:.1f} files/s)"
        )
        print(
            f"all formats: {total / extraction_s:.1f} files/s without NLP, "
            f"{total / (extraction_s + elapsed):.1f} files/s with NLP ({total} files)"
        )
        ctx.close()


if __name__ == "__main__":
    main()
