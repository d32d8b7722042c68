"""Citation lines: ``Publisher, Title, date, URL [accessed date]`` (Refworld's verified form)."""

from __future__ import annotations

import datetime as dt

from config.calendar import MONTHS
from config.sources import source_name


def long_date(d: dt.date, locale: str = "en", precision: str = "day") -> str:
    months = MONTHS.get(locale, MONTHS["en"])
    if precision == "month":
        return f"{months[d.month - 1]} {d.year}"
    day = "1er" if (locale == "fr" and d.day == 1) else str(d.day)
    return f"{day} {months[d.month - 1]} {d.year}"


def citation(
    source: str,
    title: str,
    published: dt.date | None,
    url: str | None,
    accessed: dt.date,
    locale: str = "en",
    precision: str | None = None,
    page: int | None = None,
) -> str:
    parts = [source_name(source), title.strip()]
    if published:
        parts.append(long_date(published, locale, precision or "day"))
    else:
        parts.append("n.d." if locale == "en" else "s.d.")
    if page:
        parts.append(f"p. {page}")
    line = ", ".join(parts)
    if url:
        label = "available at" if locale == "en" else "disponible à l'adresse"
        line += f", {label}: {url}"
    accessed_label = "accessed" if locale == "en" else "consulté le"
    return f"{line} [{accessed_label} {long_date(accessed, locale)}]"
