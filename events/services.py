"""Writes to campaigns and actions."""

from decimal import Decimal

from events.models import Action
from networks.geocoding import GeocodeStatus, geocode


def refresh_place(*, action: Action) -> None:
    """Fill coordinates and time zone from the city, state and country.

    Side effects: sets latitude, longitude, geocode_status and (when empty)
    timezone on `action` without saving it. An ambiguous or unknown place
    clears the coordinates rather than keeping ones that may be wrong.
    """
    place = geocode(city=action.city, region=action.region, country=action.country)
    action.geocode_status = place.status
    exact = place.status == GeocodeStatus.EXACT
    action.latitude = Decimal(str(place.latitude)) if exact else None
    action.longitude = Decimal(str(place.longitude)) if exact else None
    if not action.timezone:
        action.timezone = place.timezone
