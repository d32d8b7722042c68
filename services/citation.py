"""Citation lines: ``Publisher, Title, date, URL [accessed date]`` (Refworld's verified form)."""

from __future__ import annotations

import datetime as dt

from config.calendar import MONTHS
from config.messages import message
from config.sources import source_acronym, source_name


def long_date(d: dt.date, locale: str = "en", precision: str = "day") -> str:
    months = MONTHS.get(locale, MONTHS["en"])
    if precision == "month":
        return f"{months[d.month - 1]} {d.year}"
    day = message("citation_first_day", locale) if d.day == 1 else str(d.day)
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
    parts.append(long_date(published, locale, precision or "day") if published else message("citation_no_date", locale))
    if page:
        parts.append(f"p. {page}")
    line = ", ".join(parts)
    if url:
        line += f", {message('citation_available_at', locale)}: {url}"
    return f"{line} [{message('citation_accessed', locale, date=long_date(accessed, locale))}]"


def euaa_footnote(
    source: str,
    title: str,
    published: dt.date | None,
    url: str | None,
    page: int | None = None,
    paragraph: int | None = None,
    accessed: dt.date | None = None,
    locale: str = "en",
) -> str:
    """EUAA house style footnote: ``USDOS, 2022 Country Reports ...: Afghanistan, 20 March 2023, url, p. 5``."""
    parts = [source_acronym(source), title.strip()]
    parts.append(long_date(published, locale) if published else message("citation_no_date", locale))
    if url:
        parts.append(url)
    if page:
        parts.append(f"p. {page}")
    elif paragraph:
        parts.append(message("citation_paragraph", locale, n=paragraph))
    return ", ".join(parts)


def euaa_bibliography(
    source: str, title: str, published: dt.date | None, url: str | None, accessed: dt.date, locale: str = "en"
) -> str:
    """EUAA bibliography entry: ``USDOS (United States Department of State), title, date, url, accessed date``."""
    acronym, name = source_acronym(source), source_name(source)
    author = acronym if acronym == name else f"{acronym} ({name})"
    parts = [author, title.strip()]
    parts.append(long_date(published, locale) if published else message("citation_no_date", locale))
    if url:
        parts.append(url)
    parts.append(message("citation_accessed", locale, date=long_date(accessed, locale)))
    return ", ".join(parts)
