"""The curated reference data (``config/*.json``, edited by the research desk), loaded in one place.

``load_reference(directory)`` reads the folder the settings name (``reference_dir``: this package's own files
unless an office keeps its lists elsewhere) once per folder; the modules that use a list receive it or ask
``reference()``, none opens the files itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from config.settings import Settings, get_settings

Entry = dict[str, Any]
FILES = ("thesaurus", "countries", "actors", "events", "units", "places", "topics", "sources")


@dataclass(frozen=True)
class Reference:
    directory: Path
    raw: Mapping[str, bytes]  # each file's bytes by name ("actors.json"): the enrichment data version hashes them
    thesaurus: tuple[Entry, ...]  # concepts, French and English terms
    countries: Mapping[str, Entry]  # ISO alpha-3 -> more names, demonyms
    actors: tuple[Entry, ...]
    events: tuple[list[str], ...]  # groups of event words, both languages
    units: Mapping[str, list[str]]  # group -> the words of what figures count
    places: tuple[Entry, ...]
    topics: Entry  # min_hits and the topics with their keywords
    sources: tuple[Entry, ...]  # the source registry's entries (validated by config/sources.py)


@cache
def load_reference(directory: Path) -> Reference:
    raw = {f"{name}.json": (directory / f"{name}.json").read_bytes() for name in FILES}
    data = {name: json.loads(raw[f"{name}.json"]) for name in FILES}
    return Reference(
        directory,
        MappingProxyType(raw),
        tuple(data["thesaurus"]["concepts"]),
        MappingProxyType(data["countries"]["countries"]),
        tuple(data["actors"]["actors"]),
        tuple(data["events"]["groups"]),
        MappingProxyType(data["units"]["groups"]),
        tuple(data["places"]["places"]),
        data["topics"],
        tuple(data["sources"]["sources"]),
    )


def reference(settings: Settings | None = None) -> Reference:
    return load_reference((settings or get_settings()).reference_dir)
