"""A guest's link to confirm a signup goes through the outbox, at once.

The row is written with the request and sent from the same process right
after the transaction commits, to a real SMTP server (tests/live.py). A mail
server that is down leaves the row pending for the sweep's retries.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import GuestSignupRequest, Signup, SignupStatus
from networks.models import Notification, NotificationKind, NotificationState
from networks.outbox import services as outbox
from tests.factories import ShiftFactory
from tests.live import free_port

pytestmark = pytest.mark.django_db

State = NotificationState


def ask(shift, *, email="rosa@example.org", language="en") -> GuestSignupRequest:
    return services.request_guest_signup(
        shift_id=shift.pk, name="Rosa", email=email, language=language
    )


def link_in(text: str) -> str:
    return re.search(r"https?://[^/\s]+(/\S*signups/confirm/\S+/)", text)[1]


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


def test_it_is_a_row_sent_right_after_the_request_commits(
    sink, django_capture_on_commit_callbacks
):
    shift = ShiftFactory(action__title="Vigil at the courthouse")

    with django_capture_on_commit_callbacks(execute=True):
        request = ask(shift)
        assert sink.count() == 0  # nothing goes out before the commit
        assert Notification.objects.get().state == State.PENDING

    row = Notification.objects.get()
    [mail] = sink.received
    assert (row.kind, row.target, row.recipient, row.state, row.attempts) == (
        NotificationKind.GUEST_CONFIRM,
        request,
        None,
        State.SENT,
        1,
    )
    assert mail.to == ["rosa@example.org"]
    assert mail.subject == "[Organizer] Confirm your signup: Vigil at the courthouse"
    assert mail.message_id == outbox.message_id(row)
    assert "Hello Rosa," in mail.text
    assert link_in(mail.text) == f"/signups/confirm/{request.token}/"


def test_the_row_holds_no_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(ShiftFactory())

    raw = Notification.objects.values().get()

    assert raw["payload"] == {}
    assert not [name for name, value in raw.items() if request.token in str(value)]


def test_a_spanish_guest_gets_it_in_spanish(sink, django_capture_on_commit_callbacks):
    shift = ShiftFactory(action__title="Vigilia")

    with django_capture_on_commit_callbacks(execute=True):
        request = ask(shift, language="es")

    [mail] = sink.received
    assert mail.subject == "[Organizer] Confirme su inscripción: Vigilia"
    assert mail.text.startswith("Hola, Rosa:")
    assert "\nTurno: " in mail.text
    assert link_in(mail.text) == f"/es/signups/confirm/{request.token}/"


def test_the_link_in_the_mail_confirms_the_signup(
    client, sink, django_capture_on_commit_callbacks
):
    shift = ShiftFactory(places=1)
    with django_capture_on_commit_callbacks(execute=True):
        ask(shift)
    link = link_in(sink.received[0].text)

    client.post(link)

    signup = Signup.objects.get()
    assert (signup.shift, signup.guest_email, signup.status) == (
        shift,
        "rosa@example.org",
        SignupStatus.CONFIRMED,
    )
    # The request went, and the row of its e-mail with it.
    assert not GuestSignupRequest.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.GUEST_CONFIRM)


def test_with_the_mail_server_down_it_waits_for_the_sweep(
    settings, sink, django_capture_on_commit_callbacks
):
    working = settings.MAILERS
    settings.MAILERS = nowhere()

    with django_capture_on_commit_callbacks(execute=True):
        request = ask(ShiftFactory())  # no error reaches the person

    row = Notification.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.due_at > timezone.now()
    send_due()
    assert sink.count() == 0  # not due yet

    settings.MAILERS = working
    with time_machine.travel(row.due_at + dt.timedelta(seconds=1)):
        send_due()

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 2, "")
    assert link_in(sink.received[0].text) == f"/signups/confirm/{request.token}/"


def test_a_temporary_refusal_is_retried_too(sink, django_capture_on_commit_callbacks):
    sink.tempfail = True

    with django_capture_on_commit_callbacks(execute=True):
        ask(ShiftFactory())

    row = Notification.objects.get()
    assert row.state == State.PENDING
    assert row.last_error.startswith("Refused by the mail server: <recipient>: 451")


def test_an_expired_link_is_not_sent_and_a_gone_request_takes_its_row(
    settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = nowhere()
    with django_capture_on_commit_callbacks(execute=True):
        late = ask(ShiftFactory(), email="late@example.org")
        gone = ask(ShiftFactory(), email="gone@example.org")

    GuestSignupRequest.objects.filter(pk=gone.pk).delete()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        send_due()

    [row] = Notification.objects.all()
    assert (row.target, row.state, row.last_error) == (
        late,
        State.DROPPED,
        "The link has expired.",
    )


def test_a_request_rolled_back_sends_nothing(transactional_db, sink):
    shift = ShiftFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        ask(shift)
        raise RuntimeError("the caller's transaction fails")

    assert sink.count() == 0
    assert not Notification.objects.exists()


def test_the_join_page_sends_it_before_answering(transactional_db, client, sink):
    shift = ShiftFactory()

    response = client.post(
        f"/shifts/{shift.pk}/join/",
        {"name": "Rosa", "email": "rosa@example.org", "website": ""},
    )

    assert response.status_code == 302
    [mail] = sink.received  # sent within the request, not by a sweep
    assert mail.to == ["rosa@example.org"]
    assert Notification.objects.get().state == State.SENT
