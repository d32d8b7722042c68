"""The one catalogue of words, French first, English available, for every layer (pages, API errors, reports).

``<locale>/LC_MESSAGES/coidesk.po`` (and one ``coidesk-<area>.po`` beside it per feature area, e.g. the
registration desk, merged into the same catalogue; a key defined twice is an error) holds one entry per message: the msgid is its key (``query_too_long``), the
msgstr its text with ``{name}`` parameters; a translator edits it with any PO editor. Each file is compiled
with Babel to a gettext ``.mo`` in memory when first read, so an edited catalogue needs no build step and no
binary is committed. A text missing in English falls back to the French one; an unknown key comes back as is.

``message`` gives the text as written (report documents); ``translate`` adds the reader's typography (pages).
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("fr", "en")
DOMAIN = "coidesk"
HERE = Path(__file__).parent


def po_file(locale: str) -> Path:
    return HERE / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def area_files(locale: str) -> list[Path]:
    """The feature areas' catalogues, merged after the main one (``coidesk-<area>.po``)."""
    return sorted(po_file(locale).parent.glob(f"{DOMAIN}-*.po"))


def read_catalog(locale: str) -> Catalog:
    """The ``.po`` files as Babel reads them, merged; a malformed file or a key in two files raises here."""
    with po_file(locale).open("rb") as f:
        catalog = read_po(f, locale=locale, domain=DOMAIN, abort_invalid=True)
    for path in area_files(locale):
        with path.open("rb") as f:
            area = read_po(f, locale=locale, domain=DOMAIN, abort_invalid=True)
        for m in area:
            if not m.id:
                continue
            if m.id in catalog:
                raise ValueError(f"{path.name}: message {m.id!r} is already defined in another catalogue file")
            catalog[m.id] = m
    return catalog


def compile_mo(locale: str) -> bytes:
    """The ``.mo`` that ``pybabel compile`` writes (fuzzy and empty entries left out)."""
    out = io.BytesIO()
    write_mo(out, read_catalog(locale))
    return out.getvalue()


@cache
def translations(locale: str) -> gettext.NullTranslations:
    if locale not in LOCALES:
        return translations(LOCALES[0])
    words = gettext.GNUTranslations(io.BytesIO(compile_mo(locale)))
    if locale != LOCALES[0]:
        words.add_fallback(translations(LOCALES[0]))
    return words


@cache
def keys() -> frozenset[str]:
    return frozenset(
        m.id for m in read_catalog(LOCALES[0]) if isinstance(m.id, str) and m.id and m.string and not m.fuzzy
    )


def known(key: str) -> bool:
    return key in keys()


def message(key: str, locale: str, /, **params: object) -> str:
    if not known(key):
        return key
    text = translations(locale).gettext(key)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


_FR_BEFORE = re.compile(r" ([:;!?»])")  # French typography: a narrow no-break space before : ; ! ? »
_FR_AFTER = re.compile(r"« ")


def french_spacing(text: str) -> str:
    return _FR_AFTER.sub("«\u202f", _FR_BEFORE.sub("\u202f\\1", text))


TYPOGRAPHY: dict[str, Callable[[str], str]] = {"fr": french_spacing}


def translate(key: str, locale: str, /, **params: object) -> str:
    text = message(key, locale, **params)
    return TYPOGRAPHY.get(locale, str)(text) if known(key) else text


def pick_locale(requested: str | None, default: str = "fr") -> str:
    return requested if requested in LOCALES else default
