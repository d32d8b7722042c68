"""The extractor registry: each format declares its media types and a score, the best score reads the file;
corpus records and uploads share it and the sandbox."""

from __future__ import annotations

import json

import pytest

from ingest import sandbox
from ingest.corpus import map_file
from ingest.extract import choose, detect, extractors, formats
from tests.conftest import CORPUS, FIXTURES

CPIN = CORPUS / "coi" / "uk_cpin" / "CPIN_Sudan_non-Arab_Darfuri_v7.0_Oct2024.excerpt.html"
USDOS = CORPUS / "coi" / "us_state_dept" / "US-SR-2014-DRC.excerpt.md"


@pytest.mark.parametrize(
    ("data", "filename", "extractor"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page.html", "HTML"),
        (b'<div class="govspeak"><p>A note</p></div>', "note.html", "HTML"),  # a fragment, no page around it
        (b"# Title\n\nSome **bold** text", "report.md", "Markdown"),  # the name refines generic text only
        (b"# Title\n\nSome **bold** text", "report.txt", "text"),
        ((FIXTURES / "hostile" / "good.pdf").read_bytes(), "named.md", "PDF"),  # never turns a PDF into text
        (json.dumps({"_source": "FR/CNDA", "text": "<body>x</body>"}).encode(), None, "JSON records"),
        (b"[1, 2]", "list.json", "JSON records"),
    ],
)
def test_the_best_score_reads_the_file(data: bytes, filename: str | None, extractor: str) -> None:
    assert choose(detect(data), filename).name == extractor


def test_every_format_is_listed_once_from_the_registry() -> None:
    names = [e.name for e in extractors()]
    assert len(names) == len(set(names)) >= 9
    assert all(n in formats() for n in names)


def test_markdown_upload_reads_as_text_without_markup() -> None:
    out = sandbox.extract_file(b"# Rapport Kadugli\n\nDes **arrestations** ont eu lieu.\n", filename="r.md")
    assert out.media_type == "text/markdown" and out.title == "Rapport Kadugli"
    assert out.text == "Rapport Kadugli\n\nDes arrestations ont eu lieu."


def test_corpus_files_are_read_in_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str | None] = []
    real = sandbox.pool()

    class Spy:
        def extract(self, data: bytes, options: object, timeout_s: float, filename: str | None = None) -> dict:
            asked.append(filename)
            return real.extract(data, options, timeout_s, filename)  # type: ignore[arg-type]

    monkeypatch.setattr(sandbox, "pool", Spy)
    record = CORPUS / "decisions" / "fr_cnda" / "record_0009.json"
    for path in (CPIN, USDOS, record):
        assert map_file(path).doc.text
    assert asked == [CPIN.name, USDOS.name, record.name]
