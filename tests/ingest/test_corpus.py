"""Mapping the real corpus formats into the document model, and what bad records get."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ingest.corpus import RecordError, iter_corpus, map_json_record
from ingest.pipeline import ingest_corpus
from services.context import AppContext
from tests.conftest import CORPUS


def items() -> dict[str, object]:
    return {p.relative_to(CORPUS).as_posix(): it for p, it in iter_corpus([CORPUS])}


def test_every_corpus_file_maps() -> None:
    mapped = items()
    errors = {k: v for k, v in mapped.items() if isinstance(v, RecordError)}
    assert not errors
    assert len(mapped) == 74
    kinds = [it.doc.kind for it in mapped.values()]  # type: ignore[attr-defined]
    assert kinds.count("coi") == 22 and kinds.count("decision") == 52


def test_known_data_problems_are_handled() -> None:
    m = items()
    cnda_2011 = m["decisions/fr_cnda/record_0014.json"].doc  # type: ignore[attr-defined]
    assert cnda_2011.published == dt.date(2011, 12, 13)  # cnda.fr publication date, as given
    assert cnda_2011.decision_date == dt.date(2025, 7, 16)  # read from the decision text
    spaced = m["decisions/fr_cnda/record_0001.json"].doc  # type: ignore[attr-defined]
    assert spaced.decision_date == dt.date(2026, 2, 20)  # "2 0 février 2026" in the PDF text
    bia = m["decisions/us_bia/sample_05_US_BIA_ID-4175.json"].doc  # type: ignore[attr-defined]
    assert bia.published is None  # placeholder 1 January date dropped
    edal = m["decisions/edal_summaries/EDAL-austria---administrative-court-24-june-2020-ra-2020200195.json"].doc  # type: ignore[attr-defined]
    assert edal.countries == [] and edal.extra["deciding_state"] == "Austria"  # not the country of origin


def test_cpin_and_state_department_formats() -> None:
    m = items()
    cpin = m["coi/uk_cpin/CPIN_Sudan_non-Arab_Darfuri_v7.0_Oct2024.excerpt.html"].doc  # type: ignore[attr-defined]
    assert cpin.countries == ["SDN"] and cpin.published == dt.date(2024, 10, 1) and cpin.source == "ukhomeoffice"
    assert cpin.url and cpin.url.startswith("https://www.gov.uk/")
    assert "<p>" not in cpin.text and "Rapid Support Forces" in cpin.text
    usdos = m["coi/us_state_dept/US-SR-2014-DRC.excerpt.md"].doc  # type: ignore[attr-defined]
    assert usdos.countries == ["COD"] and usdos.event_dates == ["2014"] and "#" not in usdos.text[:5]


def test_cnda_title_is_split_from_its_abstract() -> None:
    doc = items()["decisions/fr_cnda/record_0009.json"].doc  # type: ignore[attr-defined]
    assert doc.title.endswith("milices arabes")
    assert doc.headnote and doc.headnote.startswith("Dans cette affaire")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({"_source": "Nowhere/Else", "text": "x"}).encode(), "unknown record source"),
        (json.dumps({"_source": "FR/CNDA", "_id": "x", "text": "  "}).encode(), "no text"),
        (json.dumps({"_source": "UN/UPRDocuments", "text": "abc"}).encode(), "do not fit"),
    ],
)
def test_bad_records_get_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        map_json_record(data)


def test_a_bad_file_fails_alone_and_nothing_is_half_stored(fresh_ctx: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.json").write_bytes((CORPUS / "decisions" / "fr_cnda" / "record_0009.json").read_bytes())
    (folder / "broken.json").write_bytes(b'{"_source": "FR/CNDA", "text": ')
    report = ingest_corpus(fresh_ctx.store, [folder], received_by="tests")
    assert report.created == 1 and len(report.failed) == 1 and "broken.json" in report.failed[0][0]
    assert fresh_ctx.store.count() == 1
