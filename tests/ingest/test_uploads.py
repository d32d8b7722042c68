"""Uploads through the real API: each file a job, parsed in the sandbox; hostile and broken files fail
with a clear reason for that file only, nothing half-stored, nothing written outside the archive."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.uploads import run_queued
from search_api.app import create_app
from services.context import AppContext
from tests.conftest import FIXTURES, PASSWORD

HOSTILE = FIXTURES / "hostile"
# file -> (final status, error code or None)
EXPECTED = {
    "good.pdf": ("stored", None),
    "good.docx": ("stored", None),
    "scripts.html": ("stored", None),
    "message.eml": ("stored", None),
    "truncated.pdf": ("failed", "corrupt_file"),
    "encrypted.pdf": ("failed", "encrypted_pdf"),
    "loop.pdf": ("failed", "corrupt_file"),
    "bomb.docx": ("failed", "archive_bomb"),
    "billion-laughs.docx": ("failed", "corrupt_file"),
    "huge.png": ("failed", "image_too_large"),  # 20000 x 20000: refused before decoding a pixel
    "scan.png": ("stored", None),  # OCR
    "scanned.pdf": ("stored", None),  # no text layer: OCR
    "random.bin": ("failed", "unsupported_format"),
    "xxe.docx": ("stored", None),
    "billion-laughs.xml": ("failed", "unsupported_format"),  # refused before any XML parser
    "billion-laughs.svg": ("failed", "unsupported_format"),
    "xxe.svg": ("failed", "unsupported_format"),
    "html-named.pdf": ("stored", None),  # the extension lies: read as the HTML it is
}


OCR_FILES = {"scan.png", "scanned.pdf"}
HAS_TESSERACT = shutil.which("tesseract") is not None
if not HAS_TESSERACT and os.environ.get("COIDESK_REQUIRE_OCR"):
    raise RuntimeError("COIDESK_REQUIRE_OCR is set but Debian's tesseract-ocr is not installed")


@pytest.fixture()
def api(fresh_ctx: AppContext) -> Iterator[tuple[AppContext, TestClient, dict[str, str]]]:
    p = fresh_ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"])
    token = fresh_ctx.accounts.create_token(p.user_id, "t")[1]
    app = create_app(fresh_ctx.settings, context=fresh_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as client:
        yield fresh_ctx, client, {"Authorization": f"Bearer {token}"}


def _upload(client: TestClient, h: dict[str, str], name: str, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/documents", headers=h, files=[("files", (name, data, "application/octet-stream"))], data=form
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gets_its_outcome(api, name: str) -> None:  # type: ignore[no-untyped-def]
    if name in OCR_FILES and not HAS_TESSERACT:
        pytest.skip("Debian tesseract-ocr is not installed (apt-get install tesseract-ocr tesseract-ocr-fra)")
    ctx, client, h = api
    r = _upload(client, h, name, (HOSTILE / name).read_bytes(), countries="SDN")
    assert r.status_code == 202, r.text
    job = r.json()["jobs"][0]
    assert job["status"] == "queued" and ctx.store.archive.exists(job["sha256"])  # archived before anything else
    run_queued(ctx.store, ctx.jobs)
    final = client.get(f"/api/jobs/{job['id']}", headers=h).json()
    status, error = EXPECTED[name]
    assert (final["status"] if final["status"] == "failed" else "stored", final["error"]) == (status, error), final
    if status == "failed":
        assert final["document_id"] is None and ctx.store.count() == 0  # nothing half-stored
    else:
        doc = ctx.store.get(final["document_id"])
        assert doc.text.strip() and doc.countries == ["SDN"]
        assert "root:x:0:0" not in doc.text and "alert(" not in doc.text and "injected" not in doc.text
        assert len(doc.text) < 10_000  # no entity was expanded
    # the server is still up and takes the next file
    ok = _upload(client, h, "next.txt", b"Une note sur Kadugli.")
    assert ok.status_code == 202


def test_names_with_paths_or_nul_are_only_names(api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, client, h = api
    before = {p for p in ctx.settings.data_dir.rglob("*")}
    for name in ("../../../../tmp/evil.txt", "/etc/cron.d/evil.txt", "a\x00b.txt", "..\\..\\win.txt"):
        r = _upload(client, h, name, f"contenu {name!r}".encode())
        assert r.status_code == 202, r.text
        assert "/" not in r.json()["jobs"][0]["filename"] and "\x00" not in r.json()["jobs"][0]["filename"]
    run_queued(ctx.store, ctx.jobs)
    assert not Path("/tmp/evil.txt").exists() and not Path("/etc/cron.d/evil.txt").exists()
    new = {p for p in ctx.settings.data_dir.rglob("*")} - before
    assert all(
        p.is_relative_to(ctx.settings.archive_dir) or p.suffix in (".sqlite3-wal", ".sqlite3-shm")
        for p in new
        if p.is_file()
    )


def test_over_the_size_limit_is_413_and_nothing_is_kept(api) -> None:  # type: ignore[no-untyped-def]
    ctx, client, h = api
    ctx.settings.max_upload_bytes = 1000
    try:
        r = _upload(client, h, "big.txt", b"x" * 5000)
    finally:
        ctx.settings.max_upload_bytes = 50_000_000
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert ctx.jobs.list() == []


def test_email_attachments_become_child_documents_and_failed_jobs_can_be_retried(api) -> None:  # type: ignore[no-untyped-def]
    ctx, client, h = api
    job = _upload(client, h, "message.eml", (HOSTILE / "message.eml").read_bytes()).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    jobs = client.get("/api/jobs", headers=h).json()
    child = next(j for j in jobs if j["parent_id"] == job["id"])
    assert child["filename"] == "note.txt" and child["document_id"]
    assert "El Geneina" in ctx.store.get(child["document_id"]).text
    bad = _upload(client, h, "truncated.pdf", (HOSTILE / "truncated.pdf").read_bytes()).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    assert client.get(f"/api/jobs/{bad['id']}", headers=h).json()["status"] == "failed"
    assert client.post(f"/api/jobs/{bad['id']}/retry", headers=h).json()["status"] == "queued"
    # the same bytes twice are one document with two receipts
    one = _upload(client, h, "good.pdf", (HOSTILE / "good.pdf").read_bytes()).json()["jobs"][0]
    two = _upload(client, h, "copie.pdf", (HOSTILE / "good.pdf").read_bytes()).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    ids = {client.get(f"/api/jobs/{j['id']}", headers=h).json()["document_id"] for j in (one, two)}
    assert len(ids) == 1


def test_jobs_left_extracting_by_a_crash_are_queued_again(api) -> None:  # type: ignore[no-untyped-def]
    ctx, client, h = api
    job = _upload(client, h, "good.docx", (HOSTILE / "good.docx").read_bytes()).json()["jobs"][0]
    claimed = ctx.jobs.claim()  # a process claims it, then dies (kill -9) before finishing
    assert claimed is not None and claimed.id == job["id"]
    assert ctx.jobs.claim() is None
    assert ctx.jobs.recover(older_than_s=0) == 1
    run_queued(ctx.store, ctx.jobs)
    assert client.get(f"/api/jobs/{job['id']}", headers=h).json()["document_id"]
    assert ctx.store.count() == 1


def test_ocr_text_is_searchable_and_options_switch_ocr_and_nlp_off(api) -> None:  # type: ignore[no-untyped-def]
    if not HAS_TESSERACT:
        pytest.skip("Debian tesseract-ocr is not installed")
    ctx, client, h = api
    job = _upload(client, h, "scan.png", (HOSTILE / "scan.png").read_bytes(), nlp="false").json()["jobs"][0]
    off = _upload(client, h, "scanned.pdf", (HOSTILE / "scanned.pdf").read_bytes(), ocr="false").json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    hits = client.get("/api/search", params={"q": "Darfour"}, headers=h).json()["hits"]
    done = client.get(f"/api/jobs/{job['id']}", headers=h).json()
    assert [x["id"] for x in hits] == [done["document_id"]]
    assert ctx.store.get(done["document_id"]).extra.get("skip_nlp") is True
    assert client.get(f"/api/jobs/{off['id']}", headers=h).json()["error"] == "no_text_layer"
    from analyzers.enricher import Enricher
    from ingest.enrich import enrich_documents

    enrich_documents(ctx.store, Enricher(n_process=1))
    assert ctx.store.enrichments([done["document_id"]])[done["document_id"]]["mentions"] == []  # NLP skipped


def test_new_bytes_at_the_same_url_make_a_linked_new_version(api) -> None:  # type: ignore[no-untyped-def]
    ctx, client, h = api
    url = "https://example.org/rapport-soudan"
    v1 = "Rapport : la situation à Kadugli est calme.\nLes routes sont ouvertes.\n".encode()
    v2 = "Rapport : la situation à Kadugli s'est dégradée.\nLes routes sont ouvertes.\n".encode()
    first = _upload(client, h, "r.txt", v1, url=url).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    second = _upload(client, h, "r.txt", v2, url=url).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    doc_id = client.get(f"/api/jobs/{first['id']}", headers=h).json()["document_id"]
    assert client.get(f"/api/jobs/{second['id']}", headers=h).json()["document_id"] == doc_id
    assert ctx.store.get(doc_id).version == 2 and "dégradée" in ctx.store.get(doc_id).text
    old = client.get(f"/api/documents/{doc_id}/original", params={"version": 1}, headers=h)
    assert old.status_code == 200 and old.content == v1
    assert client.get(f"/api/documents/{doc_id}/original", headers=h).content == v2
    page = client.get(f"/documents/{doc_id}", headers={**h, "accept": "text/html"}).text
    assert 'id="versions"' in page and "−1" in page and "+1" in page and "calme" in page


def test_title_and_date_the_file_states_are_used_when_not_given(api) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    ctx, client, h = api
    html = (
        b'<html><head><title>Rapport Kordofan</title><meta name="date" content="2024-03-05"></head><body><article>'
        b"<p>Des combats ont eu lieu a Kadugli selon plusieurs temoins interroges par les enqueteurs sur place.</p>"
        b"</article></body></html>"
    )
    job = _upload(client, h, "page.html", html).json()["jobs"][0]
    given = _upload(
        client, h, "page2.html", html.replace(b"Kordofan", b"Kordofan II"), published="2025-01-01", title="Mon titre"
    ).json()["jobs"][0]
    run_queued(ctx.store, ctx.jobs)
    d = ctx.store.get(client.get(f"/api/jobs/{job['id']}", headers=h).json()["document_id"])
    assert d.title == "Rapport Kordofan" and d.published == dt.date(2024, 3, 5)
    g = ctx.store.get(client.get(f"/api/jobs/{given['id']}", headers=h).json()["document_id"])
    assert g.title == "Mon titre" and g.published == dt.date(2025, 1, 1)


def test_sandbox_kills_a_worker_over_time_and_replaces_a_dead_one() -> None:
    from ingest.extract import ExtractError, Options
    from ingest.sandbox import SandboxPool

    sandbox = SandboxPool(size=1)
    pdf = (HOSTILE / "good.pdf").read_bytes()
    try:
        with pytest.raises(ExtractError) as e:
            sandbox.extract(pdf, Options(), timeout_s=0.001)  # no parser answers that fast: killed
        assert e.value.code == "parse_timeout"
        assert "Darfour" in sandbox.extract(pdf, Options())["pages"][0]  # a fresh worker took over
        sandbox._all[-1].proc.kill()  # a worker dies between two files
        sandbox._all[-1].proc.wait()
        assert "Darfour" in sandbox.extract(pdf, Options())["pages"][0]
        assert os.listdir(sandbox.tmp) == []  # each file is removed once read, even after a kill
        shutil.rmtree(sandbox.tmp)  # a /tmp cleaner removed the idle folder of a long-running server
        assert "Darfour" in sandbox.extract(pdf, Options())["pages"][0]
    finally:
        sandbox.close()
    assert not os.path.exists(sandbox.tmp)  # and the folder with the pool: no trace of a case file stays


def test_a_hit_points_to_its_page_and_the_citation_can_cite_it(api) -> None:  # type: ignore[no-untyped-def]
    import io
    import sys

    from pypdf import PdfReader, PdfWriter

    sys.path.insert(0, str(HOSTILE))
    from make_hostile import text_pdf

    writer = PdfWriter()
    for text in ("Premiere page sur la situation generale au Soudan.", "Deuxieme page : detentions a Kadugli en 2024."):
        writer.append(PdfReader(io.BytesIO(text_pdf(text))))
    buf = io.BytesIO()
    writer.write(buf)
    ctx, client, h = api
    _upload(client, h, "deux-pages.pdf", buf.getvalue())
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    hit = client.get("/api/search", params={"q": "Kadugli"}, headers=h).json()["hits"][0]
    assert hit["page"] == 2
    page = client.get(f"/documents/{hit['id']}", params={"page": 2}, headers={**h, "accept": "text/html"}).text
    assert "p. 2" in page


def test_the_viewer_marks_every_occurrence_page_by_page_and_renders_the_original_page(api) -> None:  # type: ignore[no-untyped-def]
    import io
    import re
    import sys

    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    sys.path.insert(0, str(HOSTILE))
    from make_hostile import text_pdf

    writer = PdfWriter()
    pages = (
        "Rapport sur Ouaddai : premiere page.",
        "Arrestations a Abeche en 2025 ; Abeche reste sous couvre-feu.",
        "Troisieme page : les arrestations continuent a Abeche.",
    )
    for text in pages:
        writer.append(PdfReader(io.BytesIO(text_pdf(text))))
    buf = io.BytesIO()
    writer.write(buf)
    ctx, client, h = api
    _upload(client, h, "trois-pages.pdf", buf.getvalue())
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    html = {**h, "accept": "text/html"}
    results = client.get("/", params={"q": "Abeche arrestations", "size": 10}, headers=html).text
    link = re.search(r'class="hit-title" href="([^"]+)"', results)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "q=Abeche" in url and "back=" in url
    page = client.get(url, headers=html).text
    # every occurrence in the text is marked and numbered, on its page (not only the snippets' three)
    marks = re.findall(r'<mark id="hit-(\d+)"', page)
    assert [int(m) for m in marks] == list(range(1, len(marks) + 1)) and len(marks) >= 5
    assert 'id="page-1"' in page and 'id="page-2"' in page and 'id="page-3"' in page
    assert page.index('id="page-2"') < page.index('id="hit-1"') < page.index('id="page-3"')
    # back to the results: the same query, as a query string on the search page only
    back = re.search(r'href="([^"]+)" id="back-to-results"', page)
    assert back is not None and back.group(1).replace("&amp;", "&").startswith("/?q=Abeche+arrestations")
    doc_id = re.search(r"/documents/([0-9a-f]{20})", url).group(1)  # type: ignore[union-attr]
    hostile_back = client.get(f"/documents/{doc_id}", params={"back": "//evil.example/x?q=1"}, headers=html).text
    kept = re.search(r'href="([^"]+)" id="back-to-results"', hostile_back)
    assert kept is not None and kept.group(1).startswith("/?") and "//evil" not in kept.group(1)
    # the original page, rendered on the server
    png = client.get(f"/documents/{doc_id}/pages/2.png", headers=h)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size[0] > 300
    assert client.get(f"/documents/{doc_id}/pages/9.png", headers=h).status_code == 404
    # a passage found by meaning is marked; offsets outside the text are ignored, never an error
    text = ctx.store.get(doc_id).text
    start = text.index("Arrestations")
    shown = client.get(f"/documents/{doc_id}", params={"passage": f"{start}-{start + 30}"}, headers=html).text
    assert '<mark class="passage">' in shown or 'in-passage' in shown
    assert client.get(f"/documents/{doc_id}", params={"passage": "999999-9999999"}, headers=html).status_code == 200
    # a query the search refuses marks nothing and does not break the page
    assert client.get(f"/documents/{doc_id}", params={"q": '"unclosed'}, headers=html).status_code == 200
