"""Writes to campaigns, actions, shifts and signups."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import (
    ACTIVE_SIGNUP,
    MAX_PLACES,
    Action,
    ActionStatus,
    Shift,
    Signup,
    SignupStatus,
)
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


# Shifts and signups. Every function that can change how many people are
# confirmed on a shift locks the shift's row first (SELECT ... FOR UPDATE), so
# such transactions on one shift run one after another and capacity holds
# whatever the concurrency. `lock=False` exists only for the control test that
# shows the race is real; nothing else may pass it.


class SignupError(Exception):
    """A request about a signup that cannot be done; the message says why."""


def _locked_shift(shift_id: int, *, lock: bool = True) -> Shift:
    shifts = Shift.objects.select_related("action")
    if lock:
        shifts = shifts.select_for_update(of=("self",))
    try:
        return shifts.get(pk=shift_id)
    except Shift.DoesNotExist as error:
        raise SignupError(_("This shift does not exist.")) from error


def sign_up(*, shift_id: int, volunteer, lock: bool = True) -> Signup:
    """Confirm a place if one is free, else join the waitlist.

    Raises SignupError when the action is not open, the shift is over, or the
    person already holds a place or a waitlist spot on this shift.
    """
    with transaction.atomic():
        shift = _locked_shift(shift_id, lock=lock)
        now = timezone.now()
        if shift.action.status != ActionStatus.PUBLISHED:
            raise SignupError(_("This action is not open for sign-ups."))
        if shift.ends_at <= now:
            raise SignupError(_("This shift is over."))
        active = Signup.objects.filter(ACTIVE_SIGNUP, shift=shift)
        if active.filter(volunteer=volunteer).exists():
            raise SignupError(_("You are already signed up for this shift."))
        confirmed = active.filter(status=SignupStatus.CONFIRMED).count()
        free = confirmed < shift.places
        try:
            with transaction.atomic():
                return Signup.objects.create(
                    shift=shift,
                    volunteer=volunteer,
                    status=SignupStatus.CONFIRMED if free else SignupStatus.WAITLISTED,
                    queued_at=now,
                    confirmed_at=now if free else None,
                )
        except IntegrityError as error:
            # Only without the lock can two requests of one person get here.
            raise SignupError(_("You are already signed up for this shift.")) from error


def cancel_signup(*, signup_id: int, lock: bool = True) -> list[Signup]:
    """Cancel a signup; if it held a place, promote the waitlist in order.

    Cancelling twice is harmless. Returns the signups promoted.
    """
    with transaction.atomic():
        shift_id = (
            Signup.objects.filter(pk=signup_id)
            .values_list("shift_id", flat=True)
            .first()
        )
        if shift_id is None:
            raise SignupError(_("This signup does not exist."))
        shift = _locked_shift(shift_id, lock=lock)
        # Read the signup only once the shift is locked: its status is final.
        signup = Signup.objects.get(pk=signup_id)
        if signup.status == SignupStatus.CANCELLED:
            return []
        held_a_place = signup.status == SignupStatus.CONFIRMED
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        return _promote(shift) if held_a_place else []


def set_places(*, shift_id: int, places: int) -> list[Signup]:
    """Change a shift's number of places; never below those already confirmed.

    More places promote from the waitlist. Returns the signups promoted.
    """
    if not 0 <= places <= MAX_PLACES:
        raise SignupError(
            _("Places must be between 0 and %(max)s.") % {"max": MAX_PLACES}
        )
    with transaction.atomic():
        shift = _locked_shift(shift_id)
        confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
        if places < confirmed:
            raise SignupError(
                _(
                    "%(confirmed)s people are already confirmed; places cannot go "
                    "below that. Cancel signups first."
                )
                % {"confirmed": confirmed}
            )
        shift.places = places
        shift.save(update_fields=["places", "updated_at"])
        return _promote(shift)


def _promote(shift: Shift) -> list[Signup]:
    """Fill free places from the waitlist, first come first served.

    The caller holds the lock on `shift`.
    """
    confirmed = shift.signups.filter(status=SignupStatus.CONFIRMED).count()
    free = shift.places - confirmed
    if free <= 0:
        return []
    waiting = list(
        shift.signups.filter(status=SignupStatus.WAITLISTED).order_by(
            "queued_at", "pk"
        )[:free]
    )
    now = timezone.now()
    for signup in waiting:
        signup.status = SignupStatus.CONFIRMED
        signup.confirmed_at = now
    Signup.objects.bulk_update(waiting, ["status", "confirmed_at"])
    return waiting
