"""A volunteer signs up from the action page, sees their shifts, cancels."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import ActionStatus, Signup, SignupStatus
from events.services import sign_up
from tests.factories import ActionFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(client):
    person = UserFactory()
    client.force_login(person)
    return person


def test_the_action_page_shows_shifts_with_counts_only(client):
    shift = ShiftFactory(places=2, what_to_bring="Water")
    for person in UserFactory.create_batch(3):
        sign_up(shift_id=shift.pk, volunteer=person)

    page = client.get(shift.action.get_absolute_url()).content.decode()

    assert "Marshal" in page and "Water" in page
    assert "2 of 2 places taken" in page and "1 on the waitlist" in page
    for signup in Signup.objects.select_related("volunteer"):
        assert signup.volunteer.email not in page
        assert signup.volunteer.username not in page


def test_an_anonymous_visitor_is_sent_to_log_in_first(client):
    shift = ShiftFactory()

    response = client.post(f"/shifts/{shift.pk}/signup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Signup.objects.exists()


def test_a_volunteer_signs_up_in_one_step_and_sees_it(client, volunteer):
    shift = ShiftFactory(places=1)

    response = client.post(f"/shifts/{shift.pk}/signup/", follow=True)

    assert response.redirect_chain[-1][0].endswith(f"#shift-{shift.pk}")
    assert "You are signed up" in response.content.decode()
    mine = client.get("/me/shifts/").content.decode()
    assert shift.action.title in mine and "Confirmed" in mine


def test_a_full_shift_puts_the_volunteer_on_the_waitlist_with_their_place(
    client, volunteer
):
    shift = ShiftFactory(places=1)
    for person in UserFactory.create_batch(2):
        sign_up(shift_id=shift.pk, volunteer=person)

    response = client.post(f"/shifts/{shift.pk}/signup/", follow=True)

    assert "you are on the waitlist" in response.content.decode()
    assert (
        "On the waitlist, 1 person ahead" in client.get("/me/shifts/").content.decode()
    )


def test_signing_up_twice_says_so(client, volunteer):
    shift = ShiftFactory()
    client.post(f"/shifts/{shift.pk}/signup/")

    response = client.post(f"/shifts/{shift.pk}/signup/", follow=True)

    assert "already signed up" in response.content.decode()
    assert Signup.objects.count() == 1


def test_an_overlapping_shift_is_warned_about(client, volunteer):
    starts = timezone.now() + dt.timedelta(days=3)
    first = ShiftFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    second = ShiftFactory(
        starts_at=starts + dt.timedelta(hours=1), ends_at=starts + dt.timedelta(hours=2)
    )
    client.post(f"/shifts/{first.pk}/signup/")

    response = client.post(f"/shifts/{second.pk}/signup/", follow=True)

    assert "This overlaps another of your shifts" in response.content.decode()
    assert Signup.objects.filter(volunteer=volunteer).count() == 2


def test_a_draft_actions_shift_answers_404(client, volunteer):
    shift = ShiftFactory(action=ActionFactory(status=ActionStatus.DRAFT))

    assert client.post(f"/shifts/{shift.pk}/signup/").status_code == 404


def test_signup_needs_a_post(client, volunteer):
    shift = ShiftFactory()

    assert client.get(f"/shifts/{shift.pk}/signup/").status_code == 405


def test_a_volunteer_cancels_and_the_next_in_line_moves_up(client, volunteer):
    shift = ShiftFactory(places=1)
    mine = sign_up(shift_id=shift.pk, volunteer=volunteer)
    waiting = sign_up(shift_id=shift.pk, volunteer=UserFactory())

    response = client.post(f"/signups/{mine.pk}/cancel/", follow=True)

    assert "Your signup is cancelled" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == SignupStatus.CONFIRMED


def test_nobody_can_cancel_someone_elses_signup(client, volunteer):
    theirs = sign_up(shift_id=ShiftFactory().pk, volunteer=UserFactory())

    assert client.post(f"/signups/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SignupStatus.CONFIRMED


@pytest.mark.parametrize("url", ["/me/shifts/", "action"])
def test_pages_cost_the_same_queries_at_1_and_100_signups(client, volunteer, url):
    def queries_with(count: int) -> int:
        Signup.objects.all().delete()
        action = ActionFactory()
        for n in range(count):
            shift = ShiftFactory(action=action, places=50)
            sign_up(shift_id=shift.pk, volunteer=volunteer)
            if n < 3:
                sign_up(shift_id=shift.pk, volunteer=UserFactory())
        target = action.get_absolute_url() if url == "action" else url
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(100)


def test_a_forged_post_without_the_csrf_token_is_refused(volunteer):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(volunteer)
    shift = ShiftFactory()

    response = forger.post(f"/shifts/{shift.pk}/signup/")

    assert response.status_code == 403
    assert not Signup.objects.exists()


def test_people_signed_up_see_why_an_action_was_cancelled(client, volunteer):
    shift = ShiftFactory()
    sign_up(shift_id=shift.pk, volunteer=volunteer)
    shift.action.status = ActionStatus.CANCELLED
    shift.action.cancellation_reason = "Permit withdrawn by the city"
    shift.action.save()

    page = client.get("/me/shifts/").content.decode()

    assert "Permit withdrawn by the city" in page
