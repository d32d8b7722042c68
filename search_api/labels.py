"""Human labels on pages: countries by name, dates as "3 février 2026", times in the reader's language.

Babel holds the CLDR names and formats (no hand-written month tables); pycountry maps the ISO 3166 alpha-3
codes the store keeps to the alpha-2 codes CLDR names. Filters read the page's locale from the template.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

import pycountry
from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

CLDR_LOCALE = {"fr": "fr_FR", "en": "en_GB"}  # British English, as EUAA writes: "2 March 2026"
OFFICE_TZ = ZoneInfo("Europe/Paris")  # times are shown in the office's time
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@functools.lru_cache(maxsize=4096)
def country_name(code: str, locale: str = "fr") -> str:
    """'SDN' -> 'Soudan' (fr) / 'Sudan' (en); an unknown code stays as it is."""
    if not code:
        return ""
    c = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    alpha2 = c.alpha_2 if c else code.upper() if len(code) == 2 else None
    name = Locale.parse(locale).territories.get(alpha2) if alpha2 else None
    return name or (c.name if c else code)


@functools.lru_cache(maxsize=512)
def language_name(code: str, locale: str = "fr") -> str:
    """'en' -> 'anglais' (fr) / 'English' (en); an unknown code stays as it is."""
    try:
        return Locale.parse(locale).languages.get(code.lower()) or code
    except (ValueError, AttributeError):
        return code


def long_date(value: object, locale: str = "fr") -> str:
    """A date, a datetime or an ISO string (also '2024' or '2024-05') as words: '3 février 2026'."""
    if value is None or value == "":
        return "—"
    locale = CLDR_LOCALE.get(locale, locale)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=locale)
    m = _PARTIAL.match(str(value))
    if not m:
        return str(value)
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if day:
            return format_date(dt.date(int(year), int(month), int(day)), format="long", locale=locale)
        if month:
            return format_date(dt.date(int(year), int(month), 1), format="MMMM y", locale=locale)
    except ValueError:
        return str(value)
    return year


def date_time(value: object, locale: str = "fr") -> str:
    """A timestamp to the minute: '3 février 2026 à 14:05' / '3 February 2026 at 14:05'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return long_date(value, locale)
    if not isinstance(value, dt.datetime):
        return long_date(value, locale)
    if value.tzinfo is None:  # the store keeps UTC
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(OFFICE_TZ)
    locale = CLDR_LOCALE.get(locale, locale)
    pattern = "d MMMM y 'à' HH:mm" if locale.startswith("fr") else "d MMMM y 'at' HH:mm"
    return format_datetime(value, pattern, locale=locale)


def register(env: Environment) -> None:
    """Filters for templates: {{ code | country }}, {{ d | date }}, {{ ts | datetime }}, {{ codes | countries }}."""

    @pass_context
    def _country(ctx: Context, code: str) -> str:
        return country_name(code, ctx.get("locale", "fr"))

    @pass_context
    def _countries(ctx: Context, codes: list[str]) -> str:
        return ", ".join(country_name(c, ctx.get("locale", "fr")) for c in codes or [])

    @pass_context
    def _date(ctx: Context, value: object) -> str:
        return long_date(value, ctx.get("locale", "fr"))

    @pass_context
    def _datetime(ctx: Context, value: object) -> str:
        return date_time(value, ctx.get("locale", "fr"))

    env.filters.update(country=_country, countries=_countries, date=_date, datetime=_datetime)
