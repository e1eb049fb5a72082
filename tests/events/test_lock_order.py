"""Locks on several shifts are taken in one order, and a deadlock that
PostgreSQL breaks anyway is run again, on PostgreSQL.

The interleaving is made certain rather than hoped for. Two connections of
the test hold shift A and shift B while two cancellations start, P's (A then
B) and Q's (B then A), and each blocks on the first shift it wants. A is let
go first, and only once P holds A and waits for B is B let go. Locking in the
order given (the control) then always deadlocks; locking by id never does.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection, transaction

from events.models import Shift, Signup, SignupStatus
from events.services import SignupBusy, cancel_signups, sign_up
from networks import transactions
from tests.concurrency import (
    Holder,
    Race,
    conflicts,
    postgres_only,
    wait_for_lock_waiters,
)
from tests.factories import ShiftFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 3


@pytest.fixture(autouse=True)
def postgres():
    postgres_only()


def two_shifts():
    """Shifts A and B of 2 places: P and Q confirmed on both, one waiting on
    each. Returns the shifts, P's and Q's signups, and those waiting."""
    a, b = ShiftFactory(places=2), ShiftFactory(places=2)
    p, q = UserFactory(), UserFactory()
    signups = {
        (who, shift): sign_up(shift_id=shift.pk, volunteer=person)
        for who, person in (("p", p), ("q", q))
        for shift in (a, b)
    }
    waiting = [sign_up(shift_id=s.pk, volunteer=UserFactory()).pk for s in (a, b)]
    return (a, b), signups, waiting


def in_turn(a, b, calls) -> list[BaseException]:
    """Run `calls` at once while A and then B are let go, as described above;
    returns what they raised."""
    hold_a = Holder(Shift.objects.filter(pk=a.pk))
    hold_b = Holder(Shift.objects.filter(pk=b.pk))
    racing = Race(calls)
    wait_for_lock_waiters(2)
    hold_a.release()
    # Both racers now wait, and neither on A's holder: whoever wanted A first
    # holds it and waits for B.
    wait_for_lock_waiters(2, not_blocked_by=(hold_a.pid,))
    hold_b.release()
    return racing.join()


def opposite_cancellations(*, ordered: bool) -> tuple[list[BaseException], list[int]]:
    """P cancels A then B while Q cancels B then A. Returns the errors and
    the waiting signups now confirmed."""
    (a, b), signups, waiting = two_shifts()
    p_ids = [signups["p", a].pk, signups["p", b].pk]
    q_ids = [signups["q", b].pk, signups["q", a].pk]
    errors = in_turn(
        a,
        b,
        [
            lambda: cancel_signups(signup_ids=p_ids, ordered=ordered),
            lambda: cancel_signups(signup_ids=q_ids, ordered=ordered),
        ],
    )
    promoted = list(
        Signup.objects.filter(pk__in=waiting, status=SignupStatus.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return errors, promoted


def test_cancellations_across_two_shifts_in_opposite_orders_never_deadlock(
    monkeypatch,
):
    # One run only: a deadlock would surface instead of being run again.
    monkeypatch.setattr(transactions, "ATTEMPTS", 1)
    for _ in range(ROUNDS):
        errors, promoted = opposite_cancellations(ordered=True)
        assert errors == []
        assert len(promoted) == 2


def test_control_locking_in_the_order_given_deadlocks(monkeypatch):
    monkeypatch.setattr(transactions, "ATTEMPTS", 1)
    for _ in range(ROUNDS):
        errors, promoted = opposite_cancellations(ordered=False)
        # PostgreSQL ends one of the two; the other frees a place on each.
        assert len(errors) == 1 and isinstance(errors[0], SignupBusy)
        assert conflicts(errors) == errors
        assert "try again" in str(errors[0])
        assert len(promoted) == 2


def test_a_transaction_aborted_as_a_deadlock_is_run_again():
    for _ in range(ROUNDS):
        errors, promoted = opposite_cancellations(ordered=False)
        assert errors == []
        assert len(promoted) == 2


def test_deleting_an_account_in_a_deadlock_says_try_again_not_500(client, monkeypatch):
    """Someone deletes their account (locking their shifts A then B) while
    another transaction locks B then A: PostgreSQL picks the account's
    transaction to end (the other waits longer before it looks)."""
    (a, b), signups, _ = two_shifts()
    person = signups["p", a].volunteer
    client.force_login(person)
    responses = []

    def other_transaction():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '20s'")
            for shift in (b, a):
                cursor.execute(
                    "SELECT id FROM events_shift WHERE id = %s FOR UPDATE", [shift.pk]
                )

    def delete():
        responses.append(client.post("/me/delete/", {"confirm": person.email}))

    def attempt():
        assert in_turn(a, b, [delete, other_transaction]) == []
        return responses.pop()

    monkeypatch.setattr(transactions, "ATTEMPTS", 1)
    refused = attempt()
    assert refused.status_code == 302
    assert [str(m) for m in get_messages(refused.wsgi_request)] == [
        "Your account could not be deleted just now; try again."
    ]
    assert get_user_model().objects.filter(pk=person.pk).exists()
    assert Signup.objects.filter(volunteer=person, status="confirmed").count() == 2

    monkeypatch.setattr(transactions, "ATTEMPTS", 4)
    deleted = attempt()
    assert deleted.status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()
