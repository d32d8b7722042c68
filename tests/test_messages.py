"""The one catalogue of words (config/messages): both languages compile, hold the same keys and parameters,
every key the code and the templates name exists, and pages keep French typography."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import string
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from config import messages
from config.messages import LOCALES, compile_mo, keys, message, read_catalog, translate

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("textnorm", "config", "store", "analyzers", "ingest", "crawlers", "reports", "services", "search_api", "cli")
NNBSP = "\u202f"
# no_such_page is answered by its route as a 404 without text
NO_TEXT = {"no_such_page"}
ERROR = re.compile(r"\b(?:BadQuery|InvalidInput|Forbidden|AuthError|NotFound|ExtractError)\(\s*\"([^\"]+)\"")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("locale", LOCALES)
def test_each_catalogue_compiles_to_mo(locale: str) -> None:
    catalog = read_catalog(locale)
    assert not [(m.id, errors) for m, errors in catalog.check()]
    words = gettext.GNUTranslations(io.BytesIO(compile_mo(locale)))
    assert words.info()["language"] == locale
    assert words.gettext("query_too_long") == catalog["query_too_long"].string


def test_both_languages_hold_the_same_keys_and_parameters() -> None:
    fr, en = ({m.id: m for m in read_catalog(loc) if m.id} for loc in ("fr", "en"))
    assert sorted(fr) == sorted(en)
    assert not [k for k, m in {**fr, **en}.items() if not m.string or m.fuzzy]
    assert not [k for k in fr if _fields(fr[k].string) != _fields(en[k].string)]
    assert len(keys()) == len(fr) > 700


def _product_files(suffix: str) -> Iterator[Path]:
    for package in PRODUCT:
        yield from (ROOT / package).rglob(f"*{suffix}")


def _keys_named_in_code() -> tuple[set[str], set[str]]:
    """Literal keys, and prefixes of keys built at run time (``t('job_' ~ s)``, ``translate(f"kind_{v}")``)."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in _product_files(".html"):
        text = path.read_text()
        literal |= set(re.findall(r"\bt\(\s*['\"]([^'\"]+)['\"]\s*[,)]", text))
        prefixes |= set(re.findall(r"\bt\(\s*['\"]([^'\"]+)['\"]\s*~", text))
        prefixes |= set(re.findall(r"\blabel\(\s*['\"]([^'\"]+_)['\"]", text))
    for path in _product_files(".py"):
        text = path.read_text()
        literal |= set(re.findall(r"\b(?:translate|message)\(\s*\"([^\"{}]+)\"\s*[,)]", text))
        literal |= set(ERROR.findall(text)) - NO_TEXT  # error codes are message keys
        prefixes |= set(re.findall(r"\b(?:translate|message)\(\s*f\"([^\"{}]+)\{", text))
        if "verify_report_" in text:  # that report's words(name) reads verify_report_<name>
            literal |= {"verify_report_" + k for k in re.findall(r"\bwords\(\s*\"(\w+)\"", text)}
            prefixes |= {"verify_report_" + k for k in re.findall(r"\bwords\(\s*f?[\"'](\w+_)[{\"']", text)}
    return literal, prefixes


def test_every_key_named_in_code_and_templates_exists_in_both_languages() -> None:
    literal, prefixes = _keys_named_in_code()
    assert len(literal) > 500 and {"query_too_long", "hits_n", "citation_accessed", "verify_report_title"} <= literal
    assert {"job_", "verify_report_status_"} <= prefixes
    fr, en = ({m.id for m in read_catalog(loc) if m.id and m.string} for loc in ("fr", "en"))
    assert sorted(literal - fr) == [] and sorted(literal - en) == []
    assert [p for p in sorted(prefixes) if not any(k.startswith(p) for k in fr)] == []


def test_pages_get_french_typography_and_reports_keep_the_text_as_written() -> None:
    assert translate("unclosed_quote", "fr") == f"Guillemet non fermé{NNBSP}: fermez l'expression entre guillemets."
    assert translate("unclosed_quote", "en") == "Unclosed quote: close the quoted phrase."
    assert translate("query_too_long", "fr", max=500) == "La requête est trop longue (au plus 500 caractères)."
    assert message("verify_report_consulted", "fr", sources="Refworld") == "Sources consultées : Refworld."
    assert message("citation_accessed", "en", date="2 March 2026") == "accessed 2 March 2026"
    # a key named by the URL's text comes back as it is (no typography), a missing parameter leaves the text
    assert translate("no such key : x", "fr") == "no such key : x"
    assert translate("query_too_long", "en") == "The query is too long (at most {max} characters)."
    # a language the office does not offer reads French words, without French typography
    assert translate("unclosed_quote", "de") == "Guillemet non fermé : fermez l'expression entre guillemets."


def test_a_text_missing_in_english_falls_back_to_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for locale in LOCALES:
        shutil.copytree(messages.HERE / locale, tmp_path / locale)
    en = tmp_path / "en" / "LC_MESSAGES" / "coidesk.po"
    en.write_text(en.read_text().replace('msgstr "Unbalanced parentheses."', 'msgstr ""'))
    monkeypatch.setattr(messages, "HERE", tmp_path)
    messages.translations.cache_clear()
    messages.keys.cache_clear()
    try:
        assert translate("unbalanced_parenthesis", "en") == "Parenthèses non équilibrées."
        assert translate("empty_phrase", "en") == "Empty quoted phrase."
    finally:
        monkeypatch.undo()
        messages.translations.cache_clear()
        messages.keys.cache_clear()


def test_the_catalogues_ship_with_the_package() -> None:
    """A wheel or a fresh ``pip install -e`` has the .po files: they are package data of ``config``."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["config"]
    shipped = {p for pattern in patterns for p in (ROOT / "config").glob(pattern)}
    assert {messages.po_file(loc) for loc in LOCALES} <= shipped
    with messages.po_file("fr").open("rb") as f:
        assert read_po(f).locale is not None


def test_services_and_analyzers_pick_words_from_the_catalogue_not_from_locale_branches() -> None:
    branch = re.compile(r"\b(?:locale|lang)\s*[!=]=")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("analyzers", "services")
        for path in sorted((ROOT / package).rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if branch.search(line)
    ]
    assert found == []
