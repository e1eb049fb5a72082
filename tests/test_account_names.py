"""The name a person goes by: optional, asked at sign-up, changed on the
account page, shown on rosters instead of the address, greeted by in mail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from events.services import sign_up
from networks.organizations.services import create_organization, invite
from networks.outbox import services as outbox
from tests.factories import ActionFactory, ShiftFactory, UserFactory
from tests.test_accounts import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up_account(client, **extra):
    return client.post(
        "/accounts/signup/",
        {
            "email": "ana@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_a_name_given_at_sign_up_is_kept(client):
    sign_up_account(client, first_name="  Ana Q.  ")

    assert get_user_model().objects.get(email="ana@example.org").first_name == "Ana Q."


def test_the_name_is_never_required(client):
    response = sign_up_account(client)

    assert response.status_code == 302
    assert get_user_model().objects.get(email="ana@example.org").first_name == ""


def test_a_person_changes_their_name_on_their_account_page(client):
    person = UserFactory(email="ana@example.org")
    client.force_login(person)

    response = client.post("/me/name/", {"name": " Ana   María "})

    assert response["Location"] == "/me/"
    person.refresh_from_db()
    assert person.first_name == "Ana María"
    page = client.get("/me/").content.decode()
    assert 'value="Ana María"' in page


def test_a_name_too_long_is_refused_and_the_old_one_kept(client):
    person = UserFactory(email="ana@example.org", first_name="Ana")
    client.force_login(person)

    response = client.post("/me/name/", {"name": "x" * 151})

    assert response.status_code == 400
    assert "at most 150 characters" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Ana"


def test_an_empty_name_removes_it(client):
    person = UserFactory(email="ana@example.org", first_name="Ana")
    client.force_login(person)

    client.post("/me/name/", {"name": ""})

    person.refresh_from_db()
    assert person.first_name == ""


@pytest.fixture
def roster():
    admin = UserFactory(email="admin@example.org", first_name="Lupe")
    organization = create_organization(user=admin, name="Night Watch", kind="network")
    shift = ShiftFactory(action=ActionFactory(organizers=[organization]), places=5)
    return admin, organization, shift


def roster_entries(client, shift) -> list[str]:
    page = client.get(f"/manage/shifts/{shift.pk}/roster/").content.decode()
    return [
        re.sub(r"<[^>]+>|\s+", " ", entry).split()
        for entry in re.findall(r"<li><span class=\"person\">(.*?)</li>", page, re.S)
    ]


def test_the_roster_shows_the_name_and_the_address_once(client, roster):
    admin, _, shift = roster
    sign_up(
        shift_id=shift.pk, volunteer=UserFactory(email="ana@x.org", first_name="Ana")
    )
    sign_up(shift_id=shift.pk, volunteer=UserFactory(email="nameless@x.org"))
    client.force_login(admin)

    entries = roster_entries(client, shift)

    assert [entry[:2] for entry in entries] == [
        ["Ana", "ana@x.org"],
        ["nameless@x.org", "Check"],
    ]


def test_members_are_listed_by_name(client, roster):
    admin, organization, _ = roster
    client.force_login(admin)

    page = client.get(f"/manage/o/{organization.slug}/").content.decode()

    assert (
        '<tr><td data-label="Name">Lupe<br><small>admin@example.org</small></td>'
        in page
    )


def confirmation_to(volunteer, shift) -> str:
    sign_up(shift_id=shift.pk, volunteer=volunteer)
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    [message] = [m for m in mail.outbox if m.to == [volunteer.email]]
    return message.body


def test_mail_greets_a_person_by_their_name(roster):
    _, _, shift = roster

    body = confirmation_to(UserFactory(email="ana@x.org", first_name="Ana"), shift)

    assert body.startswith("Hello Ana,\n")


def test_mail_never_greets_anyone_by_their_address(roster):
    _, _, shift = roster

    body = confirmation_to(UserFactory(email="nameless@x.org"), shift)

    assert body.startswith("Hello,\n")
    assert "Hello nameless@x.org" not in body


def test_an_invitation_names_the_inviter_by_their_name(
    roster, django_capture_on_commit_callbacks
):
    admin, organization, _ = roster

    with django_capture_on_commit_callbacks(execute=True):
        invite(organization=organization, email="new@x.org", role="member", actor=admin)
    for ids in outbox.queue_due():
        outbox.deliver(ids)

    [message] = [m for m in mail.outbox if m.to == ["new@x.org"]]
    assert message.body.startswith("Lupe invites you to join Night Watch as Member.")
