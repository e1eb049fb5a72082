import pytest

from networks import geocoding
from networks.geocoding import GeocodeStatus, geocode


def test_it_finds_a_city_named_with_its_state():
    result = geocode(city="Portland", region="OR", country="US")

    assert result.status == GeocodeStatus.EXACT
    assert result.timezone == "America/Los_Angeles"
    assert (round(result.latitude), round(result.longitude)) == (46, -123)


def test_it_flags_a_city_without_a_state_that_several_states_have():
    result = geocode(city="Portland", region="", country="US")

    assert result.status == GeocodeStatus.AMBIGUOUS
    assert result.latitude is None
    assert "Portland, OR, US" in result.candidates
    assert "Portland, ME, US" in result.candidates
    assert result.timezone == ""  # Oregon and Maine are in different zones


def test_it_keeps_the_zone_when_every_candidate_shares_it():
    result = geocode(city="Kansas City", region="", country="US")

    assert result.status == GeocodeStatus.AMBIGUOUS
    assert result.candidates == ("Kansas City, KS, US", "Kansas City, MO, US")
    assert result.timezone == "America/Chicago"


def test_it_flags_an_unknown_place_but_keeps_a_single_zone_state():
    result = geocode(city="Twin Cities", region="MN", country="US")

    assert result.status == GeocodeStatus.UNKNOWN
    assert result.latitude is None
    assert result.timezone == "America/Chicago"


@pytest.mark.parametrize(
    ("region", "country", "zone"),
    [("CO", "US", "America/Denver"), ("", "IT", "Europe/Rome"), ("", "US", "")],
)
def test_it_gives_a_region_the_zone_only_when_it_has_one(region, country, zone):
    result = geocode(city="", region=region, country=country)

    assert result.status == GeocodeStatus.REGION
    assert result.timezone == zone


def test_it_matches_names_without_regard_to_case_accents_or_dots():
    assert geocode(city="washington", region="dc", country="us").status == "exact"
    assert geocode(city="Bogotá", region="", country="CO").timezone == "America/Bogota"
    assert geocode(city="Bogota", region="", country="CO").status == "exact"


def test_it_finds_a_small_town_that_its_state_disambiguates():
    result = geocode(city="Livingston", region="MT", country="US")

    assert result.status == GeocodeStatus.EXACT
    assert result.timezone == "America/Denver"


@pytest.fixture
def own_index(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    geocoding.gazetteer.cache_clear()
    yield tmp_path
    geocoding.gazetteer.cache_clear()


def test_a_missing_or_damaged_index_is_built_again_and_then_reused(own_index):
    path = geocoding._index_path()
    path.write_bytes(b"not a database")

    found = geocoding.geocode(city="Tucson", region="AZ", country="US")
    built = path.stat().st_mtime_ns
    geocoding.gazetteer.cache_clear()
    again = geocoding.geocode(city="Tucson", region="AZ", country="US")

    assert path.parent == own_index
    assert found.status == again.status == "exact"
    assert again.timezone == "America/Phoenix"
    assert path.stat().st_mtime_ns == built
