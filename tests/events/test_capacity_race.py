"""Capacity under real concurrency, on PostgreSQL.

Each test starts many threads, each with its own database connection, held at
a barrier and released together against one shift. The rule: never more
confirmed than places, and the waitlist served in order. Each is repeated, and
each has a control that runs the same race with the shift lock switched off
and shows that the harness catches what goes wrong then: too many confirmed,
a waitlist served out of order, or PostgreSQL aborting a transaction as a
deadlock or serialization failure (each is the race showing itself). The
locked runs must raise nothing at all.
"""

import pytest

from events.models import Signup, SignupStatus
from events.services import SignupBusy, cancel_signup, sign_up
from tests.concurrency import conflicts, postgres_only, race
from tests.factories import ShiftFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPEATS = 5
PLACES = 10
CLIENTS = 50


@pytest.fixture(autouse=True)
def postgres():
    postgres_only()


def only_conflicts(errors) -> int:
    """How many of the errors are aborted transactions; fails on any other."""
    unexpected = [
        e
        for e in errors
        if e not in conflicts(errors) and not isinstance(e, SignupBusy)
    ]
    assert not unexpected, unexpected
    return len(errors)


def signup_race(lock: bool) -> tuple[int, int, bool, int]:
    """50 people at once on a shift of 10: (confirmed, waitlisted, in order,
    aborted transactions)."""
    shift = ShiftFactory(places=PLACES)
    people = UserFactory.create_batch(CLIENTS)
    calls = [
        (lambda p=p: sign_up(shift_id=shift.pk, volunteer=p, lock=lock)) for p in people
    ]
    errors = race(calls)
    if lock:
        assert errors == []
    rows = list(
        Signup.objects.filter(shift=shift)
        .order_by("queued_at", "pk")
        .values_list("status", flat=True)
    )
    confirmed = rows.count(SignupStatus.CONFIRMED)
    # In order: every confirmed signup came before every waitlisted one.
    in_order = rows == sorted(rows, key=lambda s: s != SignupStatus.CONFIRMED)
    return (
        confirmed,
        rows.count(SignupStatus.WAITLISTED),
        in_order,
        only_conflicts(errors),
    )


def test_fifty_simultaneous_signups_fill_ten_places_and_queue_the_rest():
    for _ in range(REPEATS):
        assert signup_race(lock=True) == (PLACES, CLIENTS - PLACES, True, 0)


def test_control_without_the_lock_the_same_race_overbooks():
    outcomes = [signup_race(lock=False) for _ in range(REPEATS)]

    assert any(
        confirmed > PLACES or not in_order or aborted
        for confirmed, _, in_order, aborted in outcomes
    ), outcomes


def cancel_race(lock: bool, cancelling: int = 8) -> tuple[int, list[int], list[int]]:
    """A full shift with a waitlist; `cancelling` confirmed people cancel at once.

    Returns the confirmed count, the waitlisted signups promoted against those
    first in line, and the number of aborted transactions.
    """
    shift = ShiftFactory(places=PLACES)
    signups = [
        sign_up(shift_id=shift.pk, volunteer=person)
        for person in UserFactory.create_batch(PLACES + 20)
    ]
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED]
    waiting = [s.pk for s in signups if s.status == SignupStatus.WAITLISTED]
    calls = [
        (lambda s=s: cancel_signup(signup_id=s.pk, lock=lock))
        for s in confirmed[:cancelling]
    ]
    errors = race(calls)
    if lock:
        assert errors == []
    now_confirmed = set(
        Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    promoted = sorted(pk for pk in waiting if pk in now_confirmed)
    return len(now_confirmed), promoted, waiting[:cancelling], only_conflicts(errors)


def test_simultaneous_cancellations_promote_the_waitlist_in_order():
    for _ in range(REPEATS):
        confirmed, promoted, first_in_line, aborted = cancel_race(lock=True)
        assert confirmed == PLACES
        assert promoted == first_in_line
        assert aborted == 0


def test_control_without_the_lock_promotion_goes_wrong():
    outcomes = [cancel_race(lock=False) for _ in range(REPEATS)]

    assert any(
        confirmed != PLACES or promoted != first or aborted
        for confirmed, promoted, first, aborted in outcomes
    ), outcomes
