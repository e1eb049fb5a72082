"""Accounts through django-allauth: e-mail only, verified, codes, two factors."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import get_user_model
from django.core import mail

from events.services import sign_up
from networks.models import AuditEntry
from networks.organizations.services import create_organization, set_member
from tests.factories import ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def current_code(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]  # the middle one: now
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def verified(client):
    client.post(
        "/accounts/signup/",
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.get(link_in(mail.outbox[-1]))
    client.post(
        "/accounts/confirm-email/" + link_in(mail.outbox[-1]).split("/")[-2] + "/"
    )
    client.logout()
    mail.outbox.clear()
    return get_user_model().objects.get(email="ana@example.org")


def test_signing_up_needs_no_username_and_verifies_the_address(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "ana@example.org" in mail.outbox[0].to
    user = get_user_model().objects.get(email="ana@example.org")
    assert not user.emailaddress_set.get().verified
    key = link_in(mail.outbox[0]).rstrip("/").split("/")[-1]
    client.post(f"/accounts/confirm-email/{key}/")
    assert user.emailaddress_set.get().verified


def test_a_verified_person_logs_in_with_email_and_password(client, verified):
    response = client.post(
        "/accounts/login/", {"login": "ana@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/me/shifts/").status_code == 200


def test_a_person_logs_in_with_a_code_sent_by_email(client, verified):
    client.post("/accounts/login/code/", {"email": "ana@example.org"})
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M)[
        1
    ]

    response = client.post("/accounts/login/code/confirm/", {"code": code})

    assert response.status_code == 302
    assert client.get("/me/shifts/").status_code == 200


def test_two_factor_authentication_with_totp_and_recovery_codes(client, verified):
    client.post("/accounts/login/", {"login": "ana@example.org", "password": PASSWORD})
    # Turning on a second factor asks for the password again first.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    types = set(
        Authenticator.objects.filter(user=verified).values_list("type", flat=True)
    )
    assert types == {"totp", "recovery_codes"}
    client.logout()
    step = client.post(
        "/accounts/login/", {"login": "ana@example.org", "password": PASSWORD}
    )
    assert step["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/me/shifts/").status_code == 302  # not logged in yet
    recovery_codes = Authenticator.objects.get(user=verified, type="recovery_codes")
    recovery = recovery_codes.wrap().get_unused_codes()[0]
    client.post("/accounts/2fa/authenticate/", {"code": recovery})
    assert client.get("/me/shifts/").status_code == 200


def test_password_reset_does_not_tell_who_has_an_account(client, verified):
    known = client.post("/accounts/password/reset/", {"email": "ana@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    # The same answer either way; only the mailboxes learn which it was.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    to_known, to_unknown = mail.outbox
    assert "/accounts/password/reset/key/" in to_known.body
    assert "/accounts/password/reset/key/" not in to_unknown.body


def test_a_person_downloads_what_the_app_holds_about_them(client):
    person = UserFactory(email="ana@example.org")
    shift = ShiftFactory()
    sign_up(shift_id=shift.pk, volunteer=person)
    create_organization(user=person, name="Night Watch", kind="network")
    someone_else = UserFactory(email="other@example.org")
    sign_up(shift_id=shift.pk, volunteer=someone_else)
    client.force_login(person)

    response = client.get("/me/data.json")

    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = response.json()
    assert data["account"]["email"] == "ana@example.org"
    assert data["memberships"] == [{"organization": "Night Watch", "role": "admin"}]
    assert [s["action"] for s in data["signups"]] == [shift.action.title]
    assert "other@example.org" not in response.content.decode()


def test_deleting_an_account_cancels_its_places_for_the_next_in_line(client):
    person = UserFactory(email="ana@example.org")
    shift = ShiftFactory(places=1)
    sign_up(shift_id=shift.pk, volunteer=person)
    waiting = sign_up(shift_id=shift.pk, volunteer=UserFactory())
    client.force_login(person)

    wrong = client.post("/me/delete/", {"confirm": "someone@example.org"})
    assert get_user_model().objects.filter(pk=person.pk).exists()
    response = client.post("/me/delete/", {"confirm": "ANA@example.org"})

    assert wrong["Location"] == "/me/"
    assert response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert client.get("/me/shifts/").status_code == 302  # logged out


def test_the_only_admin_of_an_organization_cannot_leave_it_orphaned(client):
    person = UserFactory(email="ana@example.org")
    create_organization(user=person, name="Night Watch", kind="network")
    client.force_login(person)

    response = client.post("/me/delete/", {"confirm": "ana@example.org"}, follow=True)

    assert "only admin of Night Watch" in response.content.decode()
    assert get_user_model().objects.filter(pk=person.pk).exists()


def test_a_deleted_account_leaves_no_address_in_audit_logs(client):
    admin = UserFactory(email="admin@example.org")
    organization = create_organization(user=admin, name="Night Watch", kind="network")
    leaving = UserFactory(email="leaving@example.org")
    set_member(organization=organization, user=leaving, role="member", actor=admin)
    client.force_login(leaving)

    client.post("/me/delete/", {"confirm": "leaving@example.org"})

    assert not AuditEntry.objects.filter(subject__icontains="leaving@").exists()
    client.force_login(admin)
    page = client.get(f"/manage/o/{organization.slug}/").content.decode()
    assert "leaving@example.org" not in page and "a deleted account" in page
