"""An invitation to an organization goes through the outbox, at once.

The row is written with the invitation, in the inviter's language, and sent
from the same process right after the transaction commits, to a real SMTP
server (tests/live.py). A mail server that is down leaves the row pending for
the sweep's retries.
"""

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from networks.models import (
    Invitation,
    Membership,
    Notification,
    NotificationKind,
    NotificationState,
    Role,
)
from networks.organizations import services
from networks.outbox import services as outbox
from tests.factories import OrganizationFactory, UserFactory
from tests.live import free_port

pytestmark = pytest.mark.django_db

State = NotificationState


@pytest.fixture
def organization():
    return OrganizationFactory(name="Tacoma Mutual Aid")


@pytest.fixture
def admin(organization):
    person = UserFactory(email="admin@example.org")
    Membership.objects.create(organization=organization, user=person, role=Role.ADMIN)
    return person


def invite(organization, admin, *, email="new@example.org", **extra) -> Invitation:
    return services.invite(
        organization=organization,
        email=email,
        role=Role.ORGANIZER,
        actor=admin,
        **extra,
    )


def link_in(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S*invitations/\S+/)", text)[1]


def nowhere() -> dict:
    """A mail server that is down: nothing listens on its port."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }


def send_due():
    for ids in outbox.queue_due():
        outbox.deliver(ids)


def test_it_is_a_row_sent_right_after_the_invitation_commits(
    organization, admin, sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization, admin, email="New.Person@example.org")
        assert sink.count() == 0  # nothing goes out before the commit

    row = Notification.objects.get()
    [mail] = sink.received
    assert (row.kind, row.target, row.recipient, row.state) == (
        NotificationKind.INVITATION,
        invitation,
        None,
        State.SENT,
    )
    assert mail.to == ["new.person@example.org"]
    assert mail.subject == "[Organizer] You are invited to join Tacoma Mutual Aid"
    assert mail.message_id == outbox.message_id(row)
    assert (
        "admin@example.org invites you to join Tacoma Mutual Aid as Organizer."
        in mail.text
    )
    assert "The link works for 14 days." in mail.text
    assert link_in(mail.text) == f"/invitations/{invitation.token}/"


def test_the_row_keeps_the_language_and_no_link(
    organization, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization, admin)

    raw = Notification.objects.values().get()

    assert raw["payload"] == {"language": "en"}
    assert not [name for name, value in raw.items() if invitation.token in str(value)]


def test_it_is_written_in_the_language_the_inviter_was_using(
    organization, admin, sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("es"):
        invitation = invite(organization, admin)

    [mail] = sink.received
    assert Notification.objects.get().payload == {"language": "es"}
    assert mail.subject == "[Organizer] Le invitan a unirse a Tacoma Mutual Aid"
    assert link_in(mail.text) == f"/es/invitations/{invitation.token}/"


def test_the_link_in_the_mail_lets_the_person_join(
    client, organization, admin, sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organization, admin)
    newcomer = UserFactory(email="new@example.org")
    EmailAddress.objects.create(
        user=newcomer, email=newcomer.email, verified=True, primary=True
    )
    client.force_login(newcomer)

    client.post(link_in(sink.received[0].text))

    assert Membership.objects.get(user=newcomer).role == Role.ORGANIZER


def test_with_the_mail_server_down_it_waits_for_the_sweep(
    settings, organization, admin, sink, django_capture_on_commit_callbacks
):
    working = settings.MAILERS
    settings.MAILERS = nowhere()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organization, admin)  # no error reaches the admin

    row = Notification.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    settings.MAILERS = working
    with time_machine.travel(row.due_at + dt.timedelta(seconds=1)):
        send_due()

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 2, "")
    assert link_in(sink.received[0].text) == f"/invitations/{invitation.token}/"


def test_an_invitation_accepted_expired_or_deleted_before_sending_is_dropped(
    settings, organization, admin, django_capture_on_commit_callbacks
):
    settings.MAILERS = nowhere()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = invite(organization, admin, email="a@example.org")
        expired = invite(organization, admin, email="b@example.org")
        deleted = invite(organization, admin, email="c@example.org")
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    deleted_pk = deleted.pk
    deleted.delete()

    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        send_due()

    reasons = dict(
        Notification.objects.values_list("target_id", "last_error").filter(
            state=State.DROPPED
        )
    )
    assert reasons == {
        accepted.pk: "The invitation was accepted already.",
        expired.pk: "The invitation has expired.",
        deleted_pk: "What it was about no longer exists.",
    }


def test_an_invitation_rolled_back_sends_nothing(
    transactional_db, organization, admin, sink
):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite(organization, admin)
        raise RuntimeError("the caller's transaction fails")

    assert sink.count() == 0
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_the_organization_page_sends_it_before_answering(
    transactional_db, client, organization, admin, sink
):
    client.force_login(admin)
    with translation.override("es"):
        page = reverse("events:manage-invite", kwargs={"slug": organization.slug})

    response = client.post(page, {"email": "new@example.org", "role": "member"})

    assert response.status_code == 302
    [mail] = sink.received  # sent within the request, not by a sweep
    assert mail.to == ["new@example.org"]
    assert mail.subject == "[Organizer] Le invitan a unirse a Tacoma Mutual Aid"
    assert Notification.objects.get().state == State.SENT
