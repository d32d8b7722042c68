"""Archives: the legal communicability rules of historical files and the conservation thresholds of stores.

Communicability (French Code du patrimoine, article L. 213-2, as amended by law 2008-696 of 15 July 2008):
public archives are communicable at once unless they fall under a delay counted from the date of the most
recent document of the file (``closed_on``), or from the date of birth of the person concerned:

- 25 years: deliberations of the government, conduct of foreign relations (L. 213-2, I, 1°);
- 50 years: documents whose communication would harm the secret of national defence, the fundamental
  interests of the State in foreign policy, State security, public safety or **the protection of private
  life** (L. 213-2, I, 3°) — an asylum file is at least that: it holds the applicant's life story;
- 75 years: documents of inquiries by the police and of cases brought before the courts (L. 213-2, I, 4°);
- 100 years: the documents of the 4° that concern a minor (L. 213-2, I, 5°);
- 120 years from the date of birth: documents covered by medical secrecy (L. 213-2, I, 2°; 25 years after
  the death when it is known — not recorded here, so the birth rule applies).

A file takes the longest delay of its categories. Derogations (L. 213-3) are decided case by case by the
Archives de France and are not modelled: a file not yet communicable is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Basis = Literal["closed", "birth"]


@dataclass(frozen=True)
class Rule:
    years: int
    basis: Basis  # counted from the most recent document of the file, or from the date of birth
    article: str


COMMUNICABILITY: dict[str, Rule] = {
    "government": Rule(25, "closed", "L. 213-2, I, 1°"),
    "private_life": Rule(50, "closed", "L. 213-2, I, 3°"),
    "security": Rule(50, "closed", "L. 213-2, I, 3°"),
    "judicial": Rule(75, "closed", "L. 213-2, I, 4°"),
    "minor": Rule(100, "closed", "L. 213-2, I, 5°"),
    "medical": Rule(120, "birth", "L. 213-2, I, 2°"),
}
DEFAULT_CATEGORIES = ("private_life",)  # every asylum file touches private life


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def communicable_on(categories: list[str], closed_on: dt.date, born_on: dt.date | None) -> dt.date:
    """The first day the file may be communicated: the longest delay of its categories (unknown ones refused)."""
    out = closed_on
    for name in categories or DEFAULT_CATEGORIES:
        rule = COMMUNICABILITY[name]
        if rule.basis == "birth":
            # without a known date of birth the delay counts from the file's closing date (the longer bound)
            start = born_on or closed_on
        else:
            start = closed_on
        out = max(out, add_years(start, rule.years))
    return out


# Conservation of paper in stores (Service interministériel des Archives de France recommendations, after
# NF ISO 11799: a stable 16-20 °C and 45-55 % relative humidity); a store may set its own thresholds.
TEMPERATURE_RANGE = (16.0, 20.0)  # °C
HUMIDITY_RANGE = (45.0, 55.0)  # % relative humidity
