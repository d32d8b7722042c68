"""Map the record formats of the shared corpus into the document model.

Formats: normalised JSON records (CNDA, EDAL, Luxembourg, Swiss, Belgian, UN treaty bodies, UPR,
CoE-CPT, US courts), UK Home Office CPIN govspeak HTML bodies, US State Department markdown. Their text
comes from the extractor registry in the sandbox, as uploads' does (``ingest/sandbox.py``); what is mapped
here is metadata: provenance, the country the record declares, dates. Known data problems (corpus
PROVENANCE) are handled here: placeholder dates are dropped, the CNDA decision date is read from the
decision text, EDAL's ``country`` (the deciding state) is not taken for the country of origin.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

import pycountry

from analyzers.gazetteer import country_code
from config.calendar import MONTHS, iso_date
from ingest.extract import Extracted, ExtractError
from ingest.sandbox import extract_file
from store.schemas import DocumentCreate


class RecordError(ValueError):
    """A corpus file that cannot be mapped; the message says why."""


@dataclass
class CorpusItem:
    path: Path
    media_type: str
    original: bytes
    doc: DocumentCreate


_FR_MONTHS = {m: i for i, m in enumerate(MONTHS["fr"], start=1)}
_EN_MONTHS = {m[:3].lower(): i for i, m in enumerate(MONTHS["en"], start=1)}
_READ_RE = re.compile(
    r"Lue? en audience publique le\s+([\d ]{1,4}?)\s*(?:er)?\s+(" + "|".join(_FR_MONTHS) + r")\s+(\d{4})", re.I
)


_EXTRACT_ERRORS = {
    "corrupt_file": "not valid JSON",
    "unsupported_format": "a record must be a JSON object",
    "empty_file": "the record has no text",
}


def _extract(data: bytes, filename: str) -> Extracted:
    try:
        return extract_file(data, filename=filename)
    except ExtractError as exc:
        raise RecordError(_EXTRACT_ERRORS.get(exc.code, exc.code)) from exc


def _none(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return None if s in ("", "None", "null", "[]") else s


def _cnda_decision_date(text: str) -> dt.date | None:
    m = _READ_RE.search(text)
    if not m:
        return None
    day = int(m.group(1).replace(" ", "") or 1)
    try:
        return dt.date(int(m.group(3)), _FR_MONTHS[m.group(2).lower()], day)
    except ValueError:
        return None


def _lang(value: object, default: str) -> str:
    v = str(value or "").lower()
    return {"eng": "en", "fre": "fr", "fra": "fr", "en": "en", "fr": "fr", "de": "de", "it": "it"}.get(v, default)


# ---- JSON records ---------------------------------------------------------------------------------


def _coe_cpt(r: dict) -> DocumentCreate:
    state = _none(r.get("state"))
    country = pycountry.countries.get(alpha_3=state) if state else None
    kind = {"vr": "visit report", "ps": "public statement"}.get(str(r.get("document_type")), "report")
    title_part = _none(r.get("title")) or kind.capitalize()
    name = country.name if country else (state or "")
    ref = _none(r.get("reference"))
    title = f"CPT – {name}: {title_part.strip()}" + (f" ({ref})" if ref else "")
    return DocumentCreate(
        kind="coi",
        title=title,
        text=r["text"],
        language=_lang(r.get("language"), "en"),
        countries=[state] if state else [],
        source="coe-cpt",
        doc_type=kind,
        published=iso_date(r.get("date")),
        url=r.get("url"),
        external_id=r["_id"],
        extra={"reference": ref, "visit_type": _none(r.get("visit_type"))},
    )


def _un_upr(r: dict) -> DocumentCreate:
    cc = _none(r.get("country_code"))
    return DocumentCreate(
        kind="coi",
        title=r["title"],
        text=r["text"],
        language="en",
        countries=[cc] if cc else [],
        source="un-upr",
        doc_type="UPR document",
        published=iso_date(r.get("date")),
        url=r.get("url"),
        external_id=r["_id"],
        extra={"symbol": r.get("symbol")},
    )


class _Decisions(NamedTuple):
    """A publisher's decision records: document fields read from record fields, constants, and whether the
    record's date is the decision's (``dated``; else a 1 January date is a placeholder for an unknown one)."""

    source: str
    language: str
    fields: dict[str, str]  # document field -> record field
    extra: dict[str, str] = {}
    dated: bool = True
    constants: dict[str, str] = {}


def _decision(r: dict, spec: _Decisions, **fields: object) -> DocumentCreate:
    date = iso_date(r.get("date"))
    if not spec.dated and date and (date.month, date.day) == (1, 1):  # a placeholder for an unknown date
        date = None
    base: dict = {
        "kind": "decision",
        "title": r.get("title") or r["_id"],
        "text": r["text"],
        "language": _lang(r.get("language"), spec.language),
        "source": spec.source,
        "doc_type": "decision",
        "url": r.get("url"),
        "external_id": r["_id"],
        "published": date,
        "decision_date": date if spec.dated else None,
        "extra": {k: _none(r.get(v)) for k, v in spec.extra.items()},
        **{k: _none(r.get(v)) for k, v in spec.fields.items()},
        **spec.constants,
        **fields,
    }
    return DocumentCreate(**{k: v for k, v in base.items() if v is not None})


_GLUED_RE = re.compile(r"(?<=[a-zà-ÿ)»])(?=[A-ZÀ-Ý][a-zà-ÿ])")
_CNDA = _Decisions(
    "cnda", "fr", {"file_number": "decision_number"}, constants={"court": "Cour nationale du droit d'asile"}
)
_CH = _Decisions("ch-taf", "fr", {}, constants={"court": "Tribunal administratif fédéral"})


def _cnda(r: dict) -> DocumentCreate:
    # cnda.fr titles come glued to the abstract ("...milices arabesLes données..."): split them.
    title, _, abstract = _GLUED_RE.sub("\x00", r["title"], count=1).partition("\x00")
    return _decision(
        {**r, "title": title.strip()},
        _CNDA,
        decision_date=_cnda_decision_date(r["text"]),
        headnote=abstract.strip() or None,
    )


def _ch(r: dict) -> DocumentCreate:
    refs = re.findall(r"[A-Z]-\d+/\d{4}", str(r.get("reference", "")))
    abstract = _none(r.get("abstract"))
    return _decision(
        r, _CH, file_number=refs[0] if refs else None, headnote=html.unescape(abstract) if abstract else None
    )


_COURT = {"court": "court", "file_number": "case_number"}
_DECISIONS = {
    "EU/EDAL": _Decisions(
        "edal",
        "en",
        {"headnote": "headnote", "outcome": "outcome"},
        {"deciding_state": "country"},
        constants={"doc_type": "decision summary"},
    ),
    "LU/Courts": _Decisions("lu-ta", "fr", {**_COURT, "ecli": "ecli"}),
    "FR/CouncilState": _Decisions(
        "fr-ja",
        "fr",
        {**_COURT, "ecli": "ecli", "outcome": "solution"},
        {"formation": "formation", "decision_type": "decision_type"},
    ),
    "BE/CourConstitutionnelle": _Decisions(
        "be-cc", "fr", {"court": "court", "file_number": "arret_nr", "ecli": "ecli"}, dated=False
    ),
    "UN/TreatyBodyJuris": _Decisions(
        "un-tb",
        "en",
        {"court": "body", "file_number": "symbol"},
        {"state_party": "country", "decision_type": "decision_type"},
    ),
    "US/BIA": _Decisions(
        "us-bia",
        "en",
        {"file_number": "decision_number"},
        dated=False,
        constants={"court": "Board of Immigration Appeals"},
    ),
    "US/FederalCourts": _Decisions("us-ca", "en", _COURT),
}
_JSON_MAPPERS: dict[str, Callable[[dict], DocumentCreate]] = {
    "CoE/CPTReports": _coe_cpt,
    "UN/UPRDocuments": _un_upr,
    "FR/CNDA": _cnda,
    "CH/Entscheidsuche": _ch,
    **{source: partial(_decision, spec=spec) for source, spec in _DECISIONS.items()},
}


def map_json_record(data: bytes, filename: str = "record.json") -> DocumentCreate:
    extracted = _extract(data, filename)
    if extracted.media_type != "application/json":
        raise RecordError("a record must be a JSON object")
    record = {**extracted.metadata, "text": extracted.text}
    mapper = _JSON_MAPPERS.get(str(record.get("_source")))
    if mapper is None:
        raise RecordError(f"unknown record source {record.get('_source')!r}")
    try:
        return mapper(record)
    except (KeyError, ValueError, TypeError) as exc:
        raise RecordError(f"record fields do not fit: {exc}") from exc


# ---- UK Home Office CPIN (govspeak HTML body) -------------------------------------------------------

_CPIN_NAME = re.compile(
    r"CPIN_(?P<country>[A-Za-z]+)_(?P<topic>.+?)(?:_v(?P<version>[\d.]+)_(?P<mon>[A-Z][a-z]{2})(?P<year>\d{4}))?(?:\.excerpt)?\.html$"
)


def map_cpin(path: Path, data: bytes, url: str | None) -> DocumentCreate:
    m = _CPIN_NAME.search(path.name)
    if not m:
        raise RecordError(f"unexpected CPIN file name {path.name!r}")
    country = m.group("country")
    topic = m.group("topic").replace("_", " ")
    published = None
    if m.group("year"):
        published = dt.date(int(m.group("year")), _EN_MONTHS[m.group("mon").lower()], 1)
    text = _extract(data, path.name).text
    code = country_code(country)
    title = f"Country policy and information note: {topic}, {country}"
    if m.group("version"):
        title += f" (version {m.group('version')})"
    return DocumentCreate(
        kind="coi",
        title=title,
        text=text,
        language="en",
        countries=[code] if code else [],
        source="ukhomeoffice",
        doc_type="country policy and information note",
        published=published,
        url=url,
        external_id=path.name,
        extra={"published_precision": "month" if published else None},
    )


# ---- US State Department (markdown) -----------------------------------------------------------------

_USDOS_NAME = re.compile(r"US-SR-(?P<year>\d{4})-(?P<country>[A-Za-z]+)(?:\.excerpt)?\.md$")


def map_usdos(path: Path, data: bytes) -> DocumentCreate:
    m = _USDOS_NAME.search(path.name)
    if not m:
        raise RecordError(f"unexpected State Department file name {path.name!r}")
    country, year = m.group("country"), m.group("year")
    code = country_code(country)
    name = pycountry.countries.get(alpha_3=code).name if code else country
    text = _extract(data, path.name).text
    return DocumentCreate(
        kind="coi",
        title=f"{year} Country Reports on Human Rights Practices: {name}",
        text=text,
        language="en",
        countries=[code] if code else [],
        source="usdos",
        doc_type="human rights report",
        published=None,
        event_dates=[year],
        external_id=path.name,
        extra={"report_year": year},
    )


# ---- walking a corpus folder --------------------------------------------------------------------------


def _manifest_urls(root: Path) -> dict[str, str]:
    manifest = root / "manifest.json"
    if not manifest.exists():
        return {}
    urls = {}
    for entry in json.loads(manifest.read_text()):
        url = entry.get("source_url") or ""
        url = url.split(" (")[0].strip()
        if url.startswith("http"):
            urls[entry["file"]] = url
    return urls


def record_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.suffix in (".json", ".html", ".md")
                    and f.name not in ("manifest.json", "PROVENANCE.md", "README.md")
                    and ".expected." not in f.name
                    and f.parent.name != "html"
                )
            )
        elif p.is_file():
            files.append(p)
    return files


def map_file(path: Path, urls: dict[str, str] | None = None) -> CorpusItem:
    data = path.read_bytes()
    url = None
    for rel, u in (urls or {}).items():
        if path.as_posix().endswith(rel):
            url = u
    if path.suffix == ".json":
        return CorpusItem(path, "application/json", data, map_json_record(data, path.name))
    if path.suffix == ".html" and path.name.startswith("CPIN_"):
        return CorpusItem(path, "text/html", data, map_cpin(path, data, url))
    if path.suffix == ".md" and path.name.startswith("US-SR-"):
        return CorpusItem(path, "text/markdown", data, map_usdos(path, data))
    raise RecordError(f"no corpus mapping for {path.name!r} (files come through ingest of uploads)")


def iter_corpus(paths: list[Path]) -> Iterator[tuple[Path, CorpusItem | RecordError]]:
    """Each file with its mapped item, or the error that says why it could not be mapped."""
    urls: dict[str, str] = {}
    for p in paths:
        root = p if p.is_dir() else p.parent
        for candidate in (root, *root.parents):
            if (candidate / "manifest.json").exists():
                urls.update(_manifest_urls(candidate))
                break
    for f in record_files(paths):
        try:
            yield f, map_file(f, urls)
        except RecordError as exc:
            yield f, exc
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            yield f, RecordError(str(exc))
