"""Language of a document and of its parts (lingua-language-detector, offline)."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
    Language.ARABIC,
    Language.PERSIAN,
    Language.RUSSIAN,
    Language.TURKISH,
    Language.UKRAINIAN,
    Language.SOMALI,
)
MIN_PART_CHARS = 400


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_preloaded_language_models().build()


def _code(lang: Language | None) -> str | None:
    return lang.iso_code_639_1.name.lower() if lang is not None else None


def detect(text: str) -> str | None:
    """ISO 639-1 code of the main language, from a sample of the text."""
    sample = text[:20_000]
    if len(sample.strip()) < 20:
        return None
    return _code(detector().detect_language_of(sample))


def parts(text: str) -> list[dict[str, object]]:
    """Runs of paragraphs in one language, when a document mixes languages; [] when it does not."""
    runs: list[dict[str, object]] = []
    offset = 0
    for para in text.split("\n\n"):
        start = text.find(para, offset)
        offset = start + len(para)
        if len(para.strip()) < MIN_PART_CHARS:
            continue
        lang = _code(detector().detect_language_of(para[:3000]))
        if runs and runs[-1]["language"] == lang:
            runs[-1]["end"] = offset
        else:
            runs.append({"language": lang, "start": start, "end": offset})
    return runs if len({r["language"] for r in runs}) > 1 else []
