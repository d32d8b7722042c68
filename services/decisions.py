"""Decisions for legal consultants: structure (with the text each value came from, and corrections),
citations (cites / cited by), precedent search, similar decisions and harmonisation analytics.

Structures are read from the text (``analyzers/decisions.py``) once per document version and extractor
version, kept in ``decision_structures``; consultants' corrections are kept apart and always win.
Decisions are a library all staff read (case documents are never among them).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field, RootModel

from analyzers.decisions import STRUCTURE_VERSION, structure
from config.sources import source_name, sources
from services.auth import Principal
from services.errors import Forbidden, InvalidInput, NotFound
from store.decisions import DecisionCorrection, DecisionRecords
from store.documents import DocumentStore
from store.index import SearchIndex
from store.index.analysis import analyze
from store.index.query import Permission
from store.models import Document
from textnorm import fold

FIELDS = (
    "body",
    "formation",
    "decision_date",
    "file_number",
    "ecli",
    "importance",
    "procedure",
    "gender",
    "age_band",
    "country",
    "outcome",
    "exclusion_clause",
)
OUTCOMES = ("refugee_status", "subsidiary_protection", "annulment", "violation", "rejection", "inadmissibility")
GROUNDS = (
    "race",
    "religion",
    "nationality",
    "social_group",
    "political_opinion",
    "subsidiary_1",
    "subsidiary_2",
    "subsidiary_3",
    "exclusion",
    "cessation",
    "internal_protection",
    "revision",
)
SECTIONS = ("header", "facts", "reasons", "operative")
GRANTED = {"refugee_status", "subsidiary_protection", "annulment", "violation"}


def may_correct(p: Principal) -> bool:
    return p.has("legal_consultant")


def may_see_special(p: Principal | None) -> bool:
    """Ethnicity, religion, political affiliation, sexual orientation and gender identity (GDPR art. 9) are
    shown to those who decide and harmonise: protection officers and legal consultants."""
    return p is not None and p.has("protection_officer", "legal_consultant")


class CorrectionIn(BaseModel):
    field: Literal[
        "body",
        "formation",
        "decision_date",
        "file_number",
        "ecli",
        "importance",
        "gender",
        "country",
        "outcome",
        "procedure",
        "age_band",
        "grounds",
    ]
    value: str | list[str] | None = Field(default=None)
    note: str | None = Field(default=None, max_length=1000)


class Selection(BaseModel):
    """Which decisions a precedent search or a harmonisation view covers."""

    q: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    ground: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, max_length=32)
    body: str | None = Field(default=None, max_length=100)
    gender: Literal["M", "F"] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    section: Literal["header", "facts", "reasons", "operative"] | None = None
    age_band: Literal["<18", "18-25", "26-35", "36-50", ">50"] | None = None
    group: str | None = Field(default=None, max_length=60)  # special category value (allowed roles only)


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


class DecisionDesk:
    def __init__(self, records: DecisionRecords, store: DocumentStore, index: SearchIndex, settings: Any) -> None:
        self.records, self.store, self.index, self.settings = records, store, index, settings
        self._cache: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}  # id -> (version key, view)

    # ---- structure --------------------------------------------------------------------------------
    def _read(self, d: Document) -> dict[str, Any]:
        """The stored reading of this version of the decision, made now if missing or outdated."""
        row = self.records.structure(d.id)
        if row is not None and row.sha256 == d.sha256 and row.version == STRUCTURE_VERSION:
            return dict(row.data)
        data = structure(d.text, d.title, d.court, d.outcome).to_json()
        self.records.save_structure(d.id, d.sha256 or "", STRUCTURE_VERSION, data)
        return data

    def view(self, d: Document, corrections: list[DecisionCorrection] | None = None) -> dict[str, Any]:
        """Field → {value, excerpt of the text it came from, origin}; corrections applied on top."""
        data = self._read(d)
        fields: dict[str, Any] = {}
        for name in FIELDS:
            v = data["fields"].get(name)
            if v is None:
                fields[name] = None
                continue
            excerpt = d.text[v["start"] : v["end"]] if v["start"] >= 0 else None
            fields[name] = {
                "value": v["value"],
                "excerpt": excerpt,
                "start": v["start"],
                "end": v["end"],
                "origin": v["origin"],
            }
        grounds = [
            {"value": g["value"], "excerpt": d.text[g["start"] : g["end"]], "origin": "text"} for g in data["grounds"]
        ]
        for c in corrections if corrections is not None else self.records.corrections([d.id]).get(d.id, []):
            if c.field == "grounds":
                grounds = [{"value": g, "excerpt": None, "origin": "correction"} for g in (c.value or [])]
            else:
                fields[c.field] = (
                    None
                    if c.value is None
                    else {"value": c.value, "excerpt": None, "origin": "correction", "by": c.user}
                )
        sg = data.get("social_group")
        return {
            "document_id": d.id,
            "title": d.title,
            "source": d.source,
            "fields": fields,
            "grounds": grounds,
            "retained": data.get("retained", []),
            "social_group": {"value": sg["value"], "start": sg["start"], "end": sg["end"]} if sg else None,
            "special": [{**x["value"], "excerpt": d.text[x["start"] : x["end"]]} for x in data.get("special", [])],
            "provisions": [p["value"] for p in data["provisions"]],
            "cited": [c["value"] for c in data["cited"]],
            "sections": {k: list(v) for k, v in data["sections"].items()},
            "version": data["version"],
        }

    def get(self, doc_id: str, user: Principal | None = None) -> dict[str, Any]:
        d = self.store.get(doc_id)
        if d.kind != "decision":
            raise NotFound(doc_id)
        out = self.view(d)
        out["cites"], out["cited_by"] = self.links(d)
        if not may_see_special(user):
            out["special"] = None  # restricted: not sent at all
        return out

    def correct(self, p: Principal, doc_id: str, data: CorrectionIn) -> None:
        if not may_correct(p):
            raise Forbidden()
        d = self.store.get(doc_id)
        if d.kind != "decision":
            raise NotFound(doc_id)
        value: Any = data.value
        if data.field == "grounds":
            value = [g for g in (value if isinstance(value, list) else [value] if value else []) if g]
            if any(g not in GROUNDS for g in value):
                raise InvalidInput("unknown_ground")
        elif isinstance(value, list):
            raise InvalidInput("one_value")
        elif data.field == "outcome" and value is not None and value not in OUTCOMES:
            raise InvalidInput("unknown_outcome")
        elif data.field == "decision_date" and value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise InvalidInput("bad_date") from exc
        self.records.add_correction(d.id, data.field, value, data.note, p.username)

    def all_views(self) -> list[dict[str, Any]]:
        """Every decision's view. Kept in memory between calls and rebuilt for a decision only when its
        version or its corrections changed (one small query tells which)."""
        current, stamps = self.records.stamps()
        stale = [
            i
            for i, sha in current.items()
            if (cached := self._cache.get(i)) is None or cached[0] != (sha, stamps.get(i, 0), STRUCTURE_VERSION)
        ]
        if stale:
            docs = self.store.get_many(stale)
            corrections = self.records.corrections(stale)
            for d in docs:
                v = self.view(d, corrections.get(d.id, []))
                v["published"] = d.published.isoformat() if d.published else None
                v["_doc"] = d
                v["_tf"] = _tf(_reasons(d.text, v["sections"]), d.language)
                v["_coi"] = self._coi_sources(v)
                self._cache[d.id] = ((d.sha256, stamps.get(d.id, 0), STRUCTURE_VERSION), v)
        for gone in set(self._cache) - set(current):
            del self._cache[gone]
        return [self._cache[i][1] for i in current if i in self._cache]

    # ---- citations --------------------------------------------------------------------------------
    def links(self, d: Document) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Decisions this one cites (resolved in the store when present) and those citing it."""
        views = self.all_views()
        by_ref: dict[str, dict[str, Any]] = {}
        for v in views:
            for key in ("file_number", "ecli"):
                f = v["fields"].get(key)
                if f:
                    by_ref[_text_of(f["value"])] = v
        mine = next((v for v in views if v["document_id"] == d.id), None)
        cites = []
        for c in (mine or {}).get("cited", []):
            target = by_ref.get(c["ref"])
            cites.append(
                {
                    **c,
                    "document_id": target["document_id"] if target else None,
                    "title": target["title"] if target else None,
                }
            )
        own = {(_text_of(f["value"])) for key in ("file_number", "ecli") if mine and (f := mine["fields"].get(key))}
        cited_by = [
            {"document_id": v["document_id"], "title": v["title"]}
            for v in views
            if v["document_id"] != d.id and own & {c["ref"] for c in v["cited"]}
        ]
        return cites, cited_by

    # ---- selection ----------------------------------------------------------------------------------
    @staticmethod
    def _value(v: dict[str, Any], name: str) -> Any:
        f = v["fields"].get(name)
        return f["value"] if f else None

    def _matches(self, v: dict[str, Any], sel: Selection) -> bool:
        if sel.country and self._value(v, "country") != sel.country:
            return False
        if sel.ground and sel.ground not in {g["value"] for g in v["grounds"]}:
            return False
        if sel.outcome and self._value(v, "outcome") != sel.outcome:
            return False
        if sel.body and self._value(v, "body") != sel.body:
            return False
        if sel.gender and self._value(v, "gender") != sel.gender:
            return False
        if sel.age_band and self._value(v, "age_band") != sel.age_band:
            return False
        if sel.group and fold(sel.group) not in {fold(x["value"]) for x in v["special"]}:
            return False
        day: str = self._value(v, "decision_date") or v.get("published") or ""
        if (sel.date_from or sel.date_to) and not day:
            return False
        if sel.date_from and day < sel.date_from.isoformat():
            return False
        return not (sel.date_to and day > sel.date_to.isoformat())

    def precedents(
        self, sel: Selection, sort: Literal["relevance", "date"] = "relevance", limit: int = 50
    ) -> list[dict[str, Any]]:
        """Decisions matching the text and the structured filters; each with its outcome and the passage
        that matches (in the chosen section when one is given)."""
        views = [v for v in self.all_views() if self._matches(v, sel)]
        scores: dict[str, float] = {}
        if sel.q:
            from services.search import SearchParams, build_query

            query = build_query(
                SearchParams(q=sel.q, filters={"kind": ["decision"]}, size=100, facets="none"),
                self.settings,
                Permission(),
                highlight=False,
            )
            hits = self.index.search(query).hits
            scores = {h.id: h.score for h in hits}
            views = [v for v in views if v["document_id"] in scores]
        out = []
        terms = _terms(sel.q or "")
        for v in views:
            d: Document = v["_doc"]
            passage = _passage(d.text, terms, v["sections"].get(sel.section) if sel.section else None)
            if sel.section and sel.q and passage is None:
                continue  # the words are not in that section
            out.append(
                {
                    "document_id": d.id,
                    "title": d.title,
                    "body": self._value(v, "body"),
                    "decision_date": self._value(v, "decision_date"),
                    "country": self._value(v, "country"),
                    "outcome": self._value(v, "outcome"),
                    "grounds": [g["value"] for g in v["grounds"]],
                    "operative": _operative(d.text, v["sections"].get("operative")),
                    "passage": passage,
                    "passage_html": _highlight(passage, terms) if passage else None,
                    "score": round(scores.get(d.id, 0.0), 4),
                }
            )
        if sort == "date" or not sel.q:
            out.sort(key=lambda x: x["decision_date"] or "", reverse=True)
        else:
            out.sort(key=lambda x: -x["score"])
        return out[:limit]

    # ---- similar decisions --------------------------------------------------------------------------
    def similar(self, doc_id: str | None = None, text: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """Ranked by TF-IDF cosine of the reasons (French or English analysis), plus shared country (+0.15),
        shared grounds (+0.1 each) and shared citations (+0.1 each)."""
        views = self.all_views()
        if doc_id:
            mine = next((v for v in views if v["document_id"] == doc_id), None)
            if mine is None:
                raise NotFound(doc_id)
            base_text = _reasons(mine["_doc"].text, mine["sections"])
        elif text:
            mine, base_text = None, text
        else:
            raise InvalidInput("similar_needs_input")
        vectors = {v["document_id"]: v["_tf"] for v in views}
        idf = _idf(vectors.values())
        query = _weigh(_tf(base_text, mine["_doc"].language if mine else None), idf)
        out = []
        for v in views:
            if mine and v["document_id"] == mine["document_id"]:
                continue
            cos = _cosine(query, _weigh(vectors[v["document_id"]], idf))
            bonus = 0.0
            shared: list[str] = []
            if mine:
                if self._value(v, "country") and self._value(v, "country") == self._value(mine, "country"):
                    bonus += 0.15
                    shared.append("country")
                common = {g["value"] for g in v["grounds"]} & {g["value"] for g in mine["grounds"]}
                bonus += 0.1 * len(common)
                shared += sorted(common)
                cited = {c["ref"] for c in v["cited"]} & {c["ref"] for c in mine["cited"]}
                bonus += 0.1 * len(cited)
                shared += sorted(cited)
            out.append(
                {
                    "document_id": v["document_id"],
                    "title": v["title"],
                    "outcome": self._value(v, "outcome"),
                    "country": self._value(v, "country"),
                    "similarity": round(cos, 4),
                    "score": round(cos + bonus, 4),
                    "shared": shared,
                }
            )
        out.sort(key=lambda x: -x["score"])
        return out[:limit]

    # ---- harmonisation ---------------------------------------------------------------------------------
    def harmonisation(self, sel: Selection) -> dict[str, Any]:
        views = [v for v in self.all_views() if self._matches(v, sel)]
        outcome_of = {v["document_id"]: self._value(v, "outcome") or "unknown" for v in views}
        counts = Counter(outcome_of.values())
        total = len(views)

        def breakdown(key: str) -> dict[str, dict[str, int]]:
            table: dict[str, Counter[str]] = defaultdict(Counter)
            for v in views:
                k = _text_of(self._value(v, key) or "—")
                table[k][outcome_of[v["document_id"]]] += 1
            return {k: dict(c) for k, c in sorted(table.items())}

        by_year: dict[str, Counter[str]] = defaultdict(Counter)
        for v in views:
            day = self._value(v, "decision_date") or v.get("published")
            by_year[(day or "—")[:4]][outcome_of[v["document_id"]]] += 1
        # the majority line per country and ground, and the decisions that depart from it
        groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for v in views:
            for g in v["grounds"] or [{"value": "—"}]:
                groups[(_text_of(self._value(v, "country") or "—"), g["value"])].append(v)
        divergent = []
        for (country, ground), members in groups.items():
            if len(members) < 3 or "—" in (country, ground):
                continue  # no line to speak of (or nothing comparable: unknown country or ground)
            granted = [m for m in members if outcome_of[m["document_id"]] in GRANTED]
            majority_granted = len(granted) * 2 > len(members)
            if len(granted) * 2 == len(members):
                continue
            for m in members:
                if (outcome_of[m["document_id"]] in GRANTED) != majority_granted:
                    divergent.append(
                        {
                            "document_id": m["document_id"],
                            "title": m["title"],
                            "country": country,
                            "ground": ground,
                            "outcome": outcome_of[m["document_id"]],
                            "majority": "granted" if majority_granted else "rejected",
                            "of": len(members),
                        }
                    )
        cited = Counter(c["ref"] for v in views for c in v["cited"])
        coi = Counter(src for v in views for src in v["_coi"])
        provisions = Counter(p for v in views for p in v["provisions"])
        return {
            "total": total,
            "outcomes": {
                k: {"count": c, "rate": round(c / total, 3) if total else 0.0} for k, c in counts.most_common()
            },
            "by_year": {y: dict(c) for y, c in sorted(by_year.items())},
            "by_body": breakdown("body"),
            "by_formation": breakdown("formation"),
            "decisions": {k: [d for d, o in outcome_of.items() if o == k] for k in counts},
            "divergent": divergent,
            "most_cited": [{"ref": r, "count": c} for r, c in cited.most_common(10)],
            "provisions": [{"ref": r, "count": c} for r, c in provisions.most_common(10)],
            # COI publishers the reasons rely on (named in the reasons), by number of decisions
            "coi_cited": [{"source": s, "name": source_name(s), "count": c} for s, c in coi.most_common(10)],
        }

    @staticmethod
    def _coi_sources(v: dict[str, Any]) -> set[str]:
        d: Document = v["_doc"]
        span = v["sections"].get("reasons")
        reasons = d.text[span[0] : span[1]] if span else d.text
        names, pattern = _coi_names()
        return {names[m.group(0)] for m in pattern.finditer(reasons)}


# ---- text helpers ---------------------------------------------------------------------------------
def _coi_names() -> tuple[dict[str, str], re.Pattern[str]]:
    """COI publishers of the registry by name and acronym, as one pattern (courts left out)."""
    names = {
        n: src.id
        for src in sources().values()
        if src.type != "court" and src.id != "upload"
        for n in (src.name, src.acronym)
        if len(n) >= 3
    }
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


def _terms(q: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{3,}", q) if w.upper() not in ("AND", "OR", "NOT", "ET", "OU", "SAUF")]


def _passage(text: str, terms: list[str], span: list[int] | None, width: int = 300) -> str | None:
    start, end = (span[0], span[1]) if span else (0, len(text))
    region = text[start:end]
    for t in terms:
        m = re.search(re.escape(t), region, re.I)
        if m:
            a = max(0, m.start() - width // 2)
            return " ".join(region[a : a + width].split())
    return None if terms else " ".join(region[:width].split())


def _highlight(passage: str, terms: list[str]) -> str:
    """The passage, HTML-escaped, with the searched words marked (per-section highlight)."""
    out = html.escape(passage)
    for t in sorted(set(terms), key=len, reverse=True):
        out = re.sub(rf"(?<![\w<])({re.escape(html.escape(t))}\w*)", r"<mark>\1</mark>", out, flags=re.I)
    return out


def _operative(text: str, span: list[int] | None) -> str | None:
    if not span:
        return None
    return " ".join(text[span[0] : span[0] + 400].split())


def _reasons(text: str, sections: dict[str, list[int]]) -> str:
    span = sections.get("reasons") or sections.get("facts")
    return text[span[0] : span[1]] if span else text


def _tf(text: str, language: str | None) -> Counter[str]:
    chain = "en" if language == "en" else "fr"
    return Counter(t.term for t in analyze(text[:60_000], chain) if len(t.term) > 2)  # type: ignore[arg-type]


def _idf(vectors: Iterable[Counter[str]]) -> dict[str, float]:
    docs = list(vectors)
    df: Counter[str] = Counter()
    for v in docs:
        df.update(v.keys())
    n = len(docs) or 1
    return {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}


def _weigh(tf: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    return {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in tf.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


# ---- what the decision API answers (OpenAPI shows these shapes) ------------------------------------
# The desk still builds dicts (pages and its in-memory cache read them, with internal ``_`` keys the
# models leave out); the routes validate them into these models.
class FieldValue(BaseModel):
    """A field read in the decision, or set by a correction."""

    value: Any  # a string for most fields
    excerpt: str | None  # the text it was read in (None for a correction or metadata)
    origin: str  # text | metadata | correction
    start: int | None = None  # where it was read (-1: not from the text); absent for a correction
    end: int | None = None
    by: str | None = None  # who corrected it (corrections only)


class GroundOut(BaseModel):
    value: str  # one of GROUNDS
    excerpt: str | None
    origin: str  # text | correction


class SocialGroup(BaseModel):
    value: str  # the group's definition
    start: int
    end: int


class CitedRef(BaseModel):
    kind: str
    ref: str  # file number or ECLI


class CitedLink(CitedRef):
    document_id: str | None  # the cited decision, when it is in the store
    title: str | None


class CitingDecision(BaseModel):
    document_id: str
    title: str


class DecisionStructure(BaseModel):
    """A decision read field by field, each value with the text it was read in and its origin."""

    document_id: str
    title: str
    source: str
    fields: dict[str, FieldValue | None]  # body, formation, decision_date, file_number, ecli, …
    grounds: list[GroundOut]
    retained: list[str]  # grounds on which protection was granted
    social_group: SocialGroup | None
    special: list[dict[str, Any]] | None  # GDPR art. 9 data ({category, value, excerpt}); None: not for you
    provisions: list[str]
    cited: list[CitedRef]
    sections: dict[str, list[int]]  # header | facts | reasons | operative: [start, end]
    version: str  # of the reading
    cites: list[CitedLink]
    cited_by: list[CitingDecision]


class Pseudonyms(RootModel[dict[str, str]]):
    """Pseudonym (with "...") → real name."""


class PrecedentHit(BaseModel):
    document_id: str
    title: str
    body: str | None
    decision_date: str | None  # ISO date
    country: str | None
    outcome: str | None
    grounds: list[str]
    operative: str | None  # the operative part
    passage: str | None  # the passage matching the words
    passage_html: str | None  # the same, HTML-escaped, words in <mark>
    score: float


class SimilarDecision(BaseModel):
    document_id: str
    title: str
    outcome: str | None
    country: str | None
    similarity: float  # TF-IDF cosine of the reasons
    score: float  # similarity plus the bonuses for what is shared
    shared: list[str]  # country, grounds, citations in common


class OutcomeCount(BaseModel):
    count: int
    rate: float  # of the selection's total


class Divergent(BaseModel):
    """A decision departing from the majority line of its country and ground."""

    document_id: str
    title: str
    country: str
    ground: str
    outcome: str
    majority: Literal["granted", "rejected"]
    of: int  # decisions in that country and ground


class RefCount(BaseModel):
    ref: str
    count: int


class SourceCount(BaseModel):
    source: str
    name: str
    count: int


class Harmonisation(BaseModel):
    total: int
    outcomes: dict[str, OutcomeCount]
    by_year: dict[str, dict[str, int]]  # year → outcome → count
    by_body: dict[str, dict[str, int]]
    by_formation: dict[str, dict[str, int]]
    decisions: dict[str, list[str]]  # outcome → document ids
    divergent: list[Divergent]
    most_cited: list[RefCount]  # precedents
    provisions: list[RefCount]
    coi_cited: list[SourceCount]  # COI publishers the reasons name, by number of decisions
