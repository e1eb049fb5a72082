"""Signing up, the waitlist, cancelling and changing places (one at a time).

The same rules under real concurrency are in test_capacity_race.py.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import ActionStatus, Signup, SignupStatus
from events.services import SignupError, cancel_signup, set_places, sign_up
from tests.factories import ActionFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db


def statuses(shift) -> list[tuple[str, str]]:
    return list(
        shift.signups.exclude(status=SignupStatus.CANCELLED)
        .order_by("queued_at", "pk")
        .values_list("volunteer__username", "status")
    )


def test_places_fill_in_order_and_the_rest_wait_in_line():
    shift = ShiftFactory(places=2)
    people = UserFactory.create_batch(4)

    for person in people:
        sign_up(shift_id=shift.pk, volunteer=person)

    assert statuses(shift) == [
        (people[0].username, "confirmed"),
        (people[1].username, "confirmed"),
        (people[2].username, "waitlisted"),
        (people[3].username, "waitlisted"),
    ]


def test_signing_up_twice_is_refused_and_changes_nothing():
    shift = ShiftFactory(places=2)
    person = UserFactory()
    sign_up(shift_id=shift.pk, volunteer=person)

    with pytest.raises(SignupError, match="already signed up"):
        sign_up(shift_id=shift.pk, volunteer=person)

    assert shift.signups.count() == 1


def test_a_cancelled_place_goes_to_the_first_in_line():
    shift = ShiftFactory(places=1)
    first, second, third = UserFactory.create_batch(3)
    held = sign_up(shift_id=shift.pk, volunteer=first)
    sign_up(shift_id=shift.pk, volunteer=second)
    sign_up(shift_id=shift.pk, volunteer=third)

    promoted = cancel_signup(signup_id=held.pk)

    assert [s.volunteer for s in promoted] == [second]
    assert statuses(shift) == [
        (second.username, "confirmed"),
        (third.username, "waitlisted"),
    ]
    assert cancel_signup(signup_id=held.pk) == []  # twice is harmless


def test_leaving_the_waitlist_promotes_nobody():
    shift = ShiftFactory(places=1)
    first, second, third = UserFactory.create_batch(3)
    sign_up(shift_id=shift.pk, volunteer=first)
    waiting = sign_up(shift_id=shift.pk, volunteer=second)
    sign_up(shift_id=shift.pk, volunteer=third)

    assert cancel_signup(signup_id=waiting.pk) == []
    assert statuses(shift) == [
        (first.username, "confirmed"),
        (third.username, "waitlisted"),
    ]


def test_someone_who_cancelled_can_sign_up_again_at_the_back():
    shift = ShiftFactory(places=1)
    first, second = UserFactory.create_batch(2)
    held = sign_up(shift_id=shift.pk, volunteer=first)
    sign_up(shift_id=shift.pk, volunteer=second)
    cancel_signup(signup_id=held.pk)

    again = sign_up(shift_id=shift.pk, volunteer=first)

    assert again.status == SignupStatus.WAITLISTED


def test_places_cannot_go_below_those_confirmed():
    shift = ShiftFactory(places=3)
    for person in UserFactory.create_batch(3):
        sign_up(shift_id=shift.pk, volunteer=person)

    with pytest.raises(SignupError, match="3 people are already confirmed"):
        set_places(shift_id=shift.pk, places=2)

    shift.refresh_from_db()
    assert shift.places == 3


@pytest.mark.parametrize("places", [-1, 10_001])
def test_absurd_numbers_of_places_are_refused(places):
    shift = ShiftFactory(places=3)

    with pytest.raises(SignupError, match="between 0 and 10000"):
        set_places(shift_id=shift.pk, places=places)

    shift.refresh_from_db()
    assert shift.places == 3


def test_more_places_promote_the_waitlist_in_order():
    shift = ShiftFactory(places=1)
    people = UserFactory.create_batch(4)
    for person in people:
        sign_up(shift_id=shift.pk, volunteer=person)

    promoted = set_places(shift_id=shift.pk, places=3)

    assert [s.volunteer for s in promoted] == people[1:3]


@pytest.mark.parametrize(
    ("action_status", "starts_in", "message"),
    [
        (ActionStatus.DRAFT, dt.timedelta(days=1), "not open for sign-ups"),
        (ActionStatus.CANCELLED, dt.timedelta(days=1), "not open for sign-ups"),
        (ActionStatus.PUBLISHED, -dt.timedelta(days=1), "shift is over"),
    ],
)
def test_closed_shifts_refuse_signups(action_status, starts_in, message):
    starts = timezone.now() + starts_in
    shift = ShiftFactory(
        action=ActionFactory(status=action_status),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )

    with pytest.raises(SignupError, match=message):
        sign_up(shift_id=shift.pk, volunteer=UserFactory())

    assert not Signup.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"places": -1},
        {"places": 10_001},
        {"ends_at": timezone.now()},
    ],
)
def test_the_database_refuses_an_impossible_shift(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShiftFactory(starts_at=timezone.now() + dt.timedelta(hours=1), **fields)


def test_the_database_refuses_two_active_signups_of_one_person():
    shift = ShiftFactory()
    person = UserFactory()
    Signup.objects.create(
        shift=shift, volunteer=person, status="confirmed", confirmed_at=timezone.now()
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Signup.objects.create(shift=shift, volunteer=person, status="waitlisted")


def test_the_shift_is_locked_for_five_statements_and_no_mail():
    """Everyone signing up to a shift waits for its lock, held until the
    commit: inside it, the locked read, one count, the signup and all its
    outbox rows in one INSERT; nothing is rendered or sent (mail goes from a
    worker after the commit). The same with a place, without, and with
    reminders due."""
    from django.contrib.contenttypes.models import ContentType

    from networks.models import Notification

    ContentType.objects.get_for_model(Signup)  # cached once per process
    start = timezone.now() + dt.timedelta(days=3)
    shift = ShiftFactory(
        places=1,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        action=ActionFactory(status=ActionStatus.PUBLISHED),
    )
    first, second = UserFactory.create_batch(2)
    for person, status, rows in (
        (first, SignupStatus.CONFIRMED, 1 + len(shift.action.reminder_offsets)),
        (second, SignupStatus.WAITLISTED, 1),
    ):
        with CaptureQueriesContext(connection) as queries:
            signup = sign_up(shift_id=shift.pk, volunteer=person)
        assert signup.status == status
        # (The test's own transaction turns BEGIN and COMMIT into savepoints.)
        sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
        assert [s.split()[0] for s in sql] == ["SELECT", "SELECT", "INSERT", "INSERT"]
        if connection.features.has_select_for_update:
            assert "FOR UPDATE" in sql[0]
        assert Notification.objects.filter(target_id=signup.pk).count() == rows
