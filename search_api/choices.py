"""What the forms of pages offer, with human labels: countries by name (the value stays the ISO alpha-3
code the store keeps), languages by name. Names come from Babel (CLDR) through ``search_api.labels``.
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry
from babel import Locale

from search_api.i18n import MESSAGES, translate
from search_api.labels import country_name


def _sort_key(name: str) -> str:
    """'Égypte' sorts with the E: accents folded, case ignored."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@functools.lru_cache(maxsize=4)
def country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """(ISO alpha-3, name) for every country, in the alphabetical order of the page's language."""
    pairs = [(str(c.alpha_3), country_name(str(c.alpha_3), locale)) for c in pycountry.countries]
    return tuple(sorted(pairs, key=lambda p: _sort_key(p[1])))


@functools.lru_cache(maxsize=512)
def language_name(code: str | None, locale: str = "fr") -> str:
    """'ar' or 'ara' -> 'arabe' (fr) / 'Arabic' (en); free text (an interpreter's 'dari') stays as written."""
    if not code:
        return ""
    key = code.strip().lower()
    if len(key) == 3:
        found = pycountry.languages.get(alpha_3=key)
        key = str(getattr(found, "alpha_2", key)) if found else key
    return str(Locale.parse(locale).languages.get(key) or code) if len(key) in (2, 3) else code


def language_names(codes: list[str] | None, locale: str = "fr") -> str:
    return ", ".join(language_name(c, locale) for c in codes or [])


def code_label(prefix: str, code: str | None, locale: str) -> str:
    """The label of a stored code (``audit_`` + ``case.view`` -> 'consultation du dossier'); unknown: as is."""
    if not code:
        return ""
    key = f"{prefix}{code}"
    return translate(key, locale) if key in MESSAGES else code
