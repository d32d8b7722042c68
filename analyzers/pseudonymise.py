"""Pseudonymisation of decisions that are not public (the office's own): persons' names replaced
consistently (M. X..., Mme Y...), dates of birth and identifying numbers masked. The mapping is kept
encrypted by ``store/pseudonyms.py`` and shown only to the roles allowed to see it.

Professionals keep their names (counsel "Me ...", the presiding judge): only the parties' names are replaced.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_CIVILITY = r"(?P<civ>M\.|Mme|Mlle|Monsieur|Madame|Mr\.?|Mrs\.?|Ms\.?)"
# a name may be written in capitals ("M. DUPONT Jean"), as decisions often do
_NAME = r"(?P<name>[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+(?:[ -][A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+){0,3})"
_PERSON = re.compile(rf"(?<![\w.]){_CIVILITY} {_NAME}")
_PROFESSIONAL = re.compile(r"\b(?:Me|Maître|président(?:e)?|rapporteur(?:e)?|greffi[eè]re?|juge)\s*$", re.I)
_BIRTH = re.compile(r"\b(née?|born)(?: le| on)? \d{1,2}(?:er)? [a-zéû]+ \d{4}", re.I)
_NUMBERS = re.compile(r"\b(?:\+?\d[\d .-]{7,}\d|[\w.+-]+@[\w-]+\.[\w.]+)\b")
_LETTERS = [c for c in string.ascii_uppercase if c not in "IO"]


@dataclass
class Pseudonymised:
    text: str
    mapping: dict[str, str]  # original name -> pseudonym


def pseudonymise(text: str) -> Pseudonymised:
    mapping: dict[str, str] = {}

    def alias(name: str) -> str:
        if name not in mapping:
            n = len(mapping)
            mapping[name] = _LETTERS[(n + 23) % len(_LETTERS)] + ("" if n < len(_LETTERS) else str(n // len(_LETTERS)))
        return mapping[name] + "..."

    def person(m: re.Match[str]) -> str:
        before = text[max(0, m.start() - 30) : m.start()]
        name = m.group("name")
        if _PROFESSIONAL.search(before) or re.fullmatch(r"[A-Z]\.?", name):
            return m.group(0)  # counsel, judges, or already an initial
        return f"{m.group('civ')} {alias(name)}"

    out = _PERSON.sub(person, text)
    # the same persons named without a civility further on ("Fatoumata indique que...", "DIALLO"),
    # in any case: over-masking a word is safer than leaving a name
    for name in sorted(mapping, key=len, reverse=True):
        for part in {name, *name.split()}:
            if len(part) >= 4 and part[0].isupper():
                out = re.sub(rf"(?<![\w.]){re.escape(part)}(?![\w])", mapping[name] + "...", out, flags=re.I)
    out = _BIRTH.sub(lambda m: f"{m.group(1)} le [date de naissance]", out)
    out = _NUMBERS.sub("[numéro]", out)
    return Pseudonymised(out, mapping)


FIELD_SEPARATOR = "\x1e"  # never in extracted text: fields are pseudonymised together, then split again


def pseudonymise_fields(fields: list[str]) -> tuple[list[str], dict[str, str]]:
    """Several fields of one document (title, headnote, pages...) with one mapping: a name found in any
    field is replaced in all of them, so no field (a title from an HTML ``<title>`` or a Markdown
    heading, a file name) leaks what the body hides."""
    hidden = pseudonymise(FIELD_SEPARATOR.join(f.replace(FIELD_SEPARATOR, " ") for f in fields))
    return hidden.text.split(FIELD_SEPARATOR), hidden.mapping
