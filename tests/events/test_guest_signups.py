"""Signing up without an account: a name and an address, confirmed by e-mail."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.models import GuestSignupRequest, Signup, SignupStatus
from events.services import confirm_guest_signup, request_guest_signup, sign_up
from tests.factories import ShiftFactory, UserFactory

# The confirmation e-mail goes out once the data commits, as in production,
# so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def link(message, kind: str) -> str:
    return re.search(rf"https?://[^/\s]+(/signups/{kind}/\S+/)", message.body)[1]


def join(client, shift, **data):
    return client.post(
        f"/shifts/{shift.pk}/join/",
        {"name": "Rosa", "email": "rosa@example.org", "website": "", **data},
        follow=True,
    )


def test_a_guest_confirms_by_email_and_then_holds_the_place(client):
    shift = ShiftFactory(places=1)

    response = join(client, shift)

    assert "we e-mailed you a link" in response.content.decode()
    assert not Signup.objects.exists()  # nothing is held before confirming
    confirm = link(mail.outbox[-1], "confirm")
    assert client.get(confirm).status_code == 200  # a look does not confirm
    assert not Signup.objects.exists()
    own_page = client.post(confirm, follow=True)

    signup = Signup.objects.get()
    assert (signup.guest_name, signup.guest_email, signup.status) == (
        "Rosa",
        "rosa@example.org",
        SignupStatus.CONFIRMED,
    )
    assert "Confirmed" in own_page.content.decode()
    assert not GuestSignupRequest.objects.exists()


def test_a_guest_cancels_from_the_private_link_and_the_line_moves(client):
    shift = ShiftFactory(places=1)
    join(client, shift)
    client.post(link(mail.outbox[-1], "confirm"))
    guest = Signup.objects.get()
    waiting = sign_up(shift_id=shift.pk, volunteer=UserFactory())

    client.post(f"/signups/guest/{guest.manage_token}/cancel/")

    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == SignupStatus.CANCELLED
    assert waiting.status == SignupStatus.CONFIRMED


def test_the_place_is_taken_when_confirmed_not_when_asked(client):
    shift = ShiftFactory(places=1)
    join(client, shift)
    confirm = link(mail.outbox[-1], "confirm")
    sign_up(shift_id=shift.pk, volunteer=UserFactory())  # someone faster

    client.post(confirm)

    signup = Signup.objects.get(volunteer__isnull=True)
    assert (signup.guest_email, signup.status) == ("rosa@example.org", "waitlisted")


def test_the_same_address_cannot_hold_two_places_on_a_shift(client):
    shift = ShiftFactory(places=5)
    join(client, shift)
    join(client, shift, email="ROSA@example.org")
    first, second = (link(m, "confirm") for m in mail.outbox[-2:])
    client.post(first)

    response = client.post(second, follow=True)

    assert "already signed up" in response.content.decode()
    assert Signup.objects.count() == 1


def test_links_expire_and_wrong_tokens_reveal_nothing(client):
    shift = ShiftFactory()
    join(client, shift)
    GuestSignupRequest.objects.update(
        created_at=timezone.now() - dt.timedelta(hours=49)
    )

    late = client.post(link(mail.outbox[-1], "confirm"), follow=True)

    assert "has expired" in late.content.decode()
    assert not Signup.objects.exists()
    assert client.get("/signups/guest/not-a-token/").status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 121}, "at most 120 characters"),
    ],
)
def test_bad_guest_input_is_explained(client, data, error):
    shift = ShiftFactory()

    response = join(client, shift, **data)

    assert error in response.content.decode()
    assert not GuestSignupRequest.objects.exists() and not mail.outbox


def test_a_filled_trap_field_sends_nothing_but_looks_the_same(client):
    shift = ShiftFactory()

    response = join(client, shift, website="http://spam.example")

    assert "we e-mailed you a link" in response.content.decode()
    assert not mail.outbox and not GuestSignupRequest.objects.exists()


def test_the_public_form_is_rate_limited(client):
    shift = ShiftFactory(places=100)
    for n in range(10):
        join(client, shift, email=f"person{n}@example.org")

    response = join(client, shift, email="one-too-many@example.org")

    assert "Too many signups from here" in response.content.decode()
    assert GuestSignupRequest.objects.count() == 10


def test_guests_appear_on_the_roster_for_organizers_only(client):
    shift = ShiftFactory()
    join(client, shift)
    client.post(link(mail.outbox[-1], "confirm"))

    public = client.get(shift.action.get_absolute_url()).content.decode()

    assert "rosa@example.org" not in public and "Rosa" not in public
    assert "1 of 10 places taken" in public


@pytest.fixture
def guest():
    shift = ShiftFactory(places=1)
    request = request_guest_signup(
        shift_id=shift.pk, name="Rosa", email="rosa@example.org"
    )
    return confirm_guest_signup(token=request.token)


def test_each_form_of_the_guest_page_posts_to_its_own_address(client, guest):
    page = client.get(f"/signups/guest/{guest.manage_token}/").content.decode()

    assert f'action="/signups/guest/{guest.manage_token}/cancel/"' in page
    assert f'action="/signups/guest/{guest.manage_token}/"' in page


def test_cancelling_needs_the_guests_own_link_and_a_post(client, guest):
    wrong = client.post("/signups/guest/not-a-token/cancel/")
    looked = client.get(f"/signups/guest/{guest.manage_token}/cancel/")

    assert (wrong.status_code, looked.status_code) == (404, 405)
    guest.refresh_from_db()
    assert guest.status == SignupStatus.CONFIRMED


def test_cancelling_says_so_on_the_guests_page(client, guest):
    response = client.post(f"/signups/guest/{guest.manage_token}/cancel/", follow=True)

    assert response.redirect_chain == [(f"/signups/guest/{guest.manage_token}/", 302)]
    assert "Your signup is cancelled." in response.content.decode()
    guest.refresh_from_db()
    assert guest.status == SignupStatus.CANCELLED


def test_a_guest_saves_their_choices_and_keeps_the_place(client, guest):
    page = f"/signups/guest/{guest.manage_token}/"

    response = client.post(page, {"language": "es", "reminders": "on"}, follow=True)

    assert "Your choices are saved." in response.content.decode()
    guest.refresh_from_db()
    assert (guest.language, guest.wants_reminders, guest.wants_messages) == (
        "es",
        True,
        False,
    )
    assert guest.status == SignupStatus.CONFIRMED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"language": "xx"}, "Select a valid choice."),
        # Once, a post without a language cancelled the signup.
        ({}, "This field is required."),
    ],
)
def test_bad_choices_are_explained_and_change_nothing(client, guest, data, error):
    before = (guest.language, guest.wants_reminders, guest.wants_messages)

    response = client.post(f"/signups/guest/{guest.manage_token}/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    guest.refresh_from_db()
    assert (guest.language, guest.wants_reminders, guest.wants_messages) == before
    assert guest.status == SignupStatus.CONFIRMED
