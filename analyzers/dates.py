"""Dates and periods mentioned in French and English text, normalised to ISO dates or ranges.

"15 avril 2023" -> 2023-04-15; "March 2023" -> 2023-03; "depuis le 15 avril 2023" -> 2023-04-15/..;
"between 2019 and 2021" -> 2019/2021. Bare years count only after a cue ("en", "in", "since", ...).
dateparser and similar libraries find dates but not these periods with their precision, so the
patterns are written here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from analyzers.model import Mention
from config.calendar import MONTHS

_FR = {m: i for i, m in enumerate(MONTHS["fr"], start=1)} | {"fevrier": 2, "aout": 8, "decembre": 12}
_EN = (
    {m.lower(): i for i, m in enumerate(MONTHS["en"], start=1)}
    | {m.lower()[:3]: i for i, m in enumerate(MONTHS["en"], start=1)}
    | {"sept": 9}
)
_MONTH = "|".join(sorted({*_FR, *_EN}, key=len, reverse=True))
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:[0-3]?\d)(?:er|st|nd|rd|th)?"
_DATE = rf"(?:{_DAY}\s+(?:{_MONTH})\.?\s+{_YEAR}|(?:{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}|(?:{_MONTH})\s+{_YEAR}|{_YEAR})"
_RANGE_RE = re.compile(
    rf"\b(?:entre|between|from|de|du)\s+(?:le\s+)?(?P<a>{_DATE})\s+(?:et|and|to|à|au|until|jusqu'au|–|-)\s+"
    rf"(?:le\s+)?(?P<b>{_DATE})\b",
    re.I,
)
_SINCE_RE = re.compile(rf"\b(?:depuis|since|à partir de|à compter du|from)\s+(?:le\s+|the\s+)?(?P<a>{_DATE})\b", re.I)
_FULL_RE = re.compile(rf"\b(?:{_DAY}\s+(?:{_MONTH})\.?\s+{_YEAR}|(?:{_MONTH})\.?\s+{_DAY},?\s+{_YEAR})\b", re.I)
_MONTH_RE = re.compile(rf"\b(?:{_MONTH})\s+{_YEAR}\b", re.I)
_CUED_YEAR_RE = re.compile(
    rf"\b(?:en|in|au cours de|during|fin|end of|début|early|late|as of|as at|by)\s+(?P<a>{_YEAR})\b", re.I
)


def _parse(text: str) -> tuple[dt.date, dt.date, str] | None:
    """(first day, last day, precision) of a date expression."""
    t = text.lower().replace(",", " ").replace(".", " ")
    words = t.split()
    year = next((int(w) for w in words if re.fullmatch(_YEAR, w)), None)
    if year is None:
        return None
    month = next((_FR.get(w) or _EN.get(w) for w in words if (_FR.get(w) or _EN.get(w))), None)
    day_word = next((w for w in words if re.fullmatch(r"[0-3]?\d(?:er|st|nd|rd|th)?", w)), None)
    try:
        if month and day_word:
            d = dt.date(year, month, int(re.sub(r"\D", "", day_word)))
            return d, d, "day"
        if month:
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month"
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    except ValueError:
        return None


def _iso(first: dt.date, last: dt.date, precision: str) -> str:
    if precision == "day":
        return first.isoformat()
    if precision == "month":
        return first.strftime("%Y-%m")
    return str(first.year)


def find_dates(text: str) -> list[Mention]:
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(m: re.Match[str], value: str, start: dt.date, end: dt.date | None, precision: str) -> None:
        taken.append((m.start(), m.end()))
        found.append(
            Mention(
                "date",
                value,
                value,
                m.group(),
                m.start(),
                m.end(),
                {"start": start.isoformat(), "end": end.isoformat() if end else None, "precision": precision},
            )
        )

    for m in _RANGE_RE.finditer(text):
        a, b = _parse(m.group("a")), _parse(m.group("b"))
        if a and b and a[0] <= b[1] and free(m.start(), m.end()):
            add(m, f"{_iso(*a)}/{_iso(*b)}", a[0], b[1], "range")
    for m in _SINCE_RE.finditer(text):
        a = _parse(m.group("a"))
        if a and free(m.start(), m.end()):
            add(m, f"{_iso(*a)}/..", a[0], None, "open")
    for regex in (_FULL_RE, _MONTH_RE):
        for m in regex.finditer(text):
            p = _parse(m.group())
            if p and free(m.start(), m.end()):
                add(m, _iso(*p), p[0], p[1], p[2])
            elif p is None:
                taken.append((m.start(), m.end()))  # an impossible date ("31 février") is no date at all
    for m in _CUED_YEAR_RE.finditer(text):
        p = _parse(m.group("a"))
        if p and free(m.start(), m.end()):
            add(m, _iso(*p), p[0], p[1], p[2])
    return sorted(found, key=lambda x: x.start)
