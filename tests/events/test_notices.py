"""What volunteers are told and when: confirmations, reminders, changes,
cancellations, promotions and organizers' messages, through the outbox.

Mail goes to Django's in-memory backend here; tests/networks/test_delivery.py
sends through a real SMTP server and real Celery workers.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import services
from events.models import ActionStatus, DatePrecision, SignupStatus
from networks.models import (
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationState,
    Role,
)
from networks.outbox import services as outbox
from tests.factories import (
    ActionFactory,
    OrganizationFactory,
    ShiftFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Kind = NotificationKind
State = NotificationState
START = dt.datetime(2026, 3, 28, 17, 0, tzinfo=dt.UTC)  # 12:00 in Chicago (CDT)


def send_due() -> list:
    """One sweep's work, done here instead of by a worker; returns new mail."""
    before = len(mail.outbox)
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    return mail.outbox[before:]


@pytest.fixture
def shift():
    action = ActionFactory(
        title="Rally for families",
        date_precision=DatePrecision.DATETIME,
        starts_at=START,
        start_date=START.date(),
        timezone="America/Chicago",
        city="Chicago",
        region="IL",
        venue="Union Park",
        status=ActionStatus.PUBLISHED,
        organizers=[OrganizationFactory()],
    )
    return ShiftFactory(
        action=action,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        places=1,
        what_to_bring="Water",
    )


@pytest.fixture
def now():
    with time_machine.travel(START - dt.timedelta(days=5), tick=False) as traveller:
        yield traveller


def reminders(signup):
    return Notification.objects.filter(
        outbox.about([signup]), kind=Kind.REMINDER
    ).order_by("due_at")


def test_a_signup_is_confirmed_at_once_with_links(now, shift):
    person = UserFactory()
    services.sign_up(shift_id=shift.pk, volunteer=person)

    [message] = send_due()
    assert message.to == [person.email]
    assert "You are signed up: Marshal at Rally for families" in message.subject
    text = message.body
    assert "Saturday, March 28, 2026, noon – 3 p.m." in text
    assert "(America/Chicago, CDT)" in text
    assert "Union Park, Chicago, IL" in text
    assert "Water" in text
    assert re.search(r"/actions/[\w-]+/calendar\.ics", text)
    assert "/me/shifts/" in text  # where the signup is seen and cancelled
    assert "/me/notifications/" in text  # where choices are changed
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and "America/Chicago" in html
    assert message.extra_headers["Message-ID"].startswith("<notification-")
    assert send_due() == []  # sent once


def test_reminders_fall_due_24_and_2_hours_before_and_go_once(now, shift):
    person = UserFactory()
    signup = services.sign_up(shift_id=shift.pk, volunteer=person)
    send_due()  # the confirmation
    assert [r.due_at for r in reminders(signup)] == [
        START - dt.timedelta(hours=24),
        START - dt.timedelta(hours=2),
    ]

    now.move_to(START - dt.timedelta(hours=24, seconds=1))
    assert send_due() == []
    now.move_to(START - dt.timedelta(hours=24))
    [first] = send_due()
    assert first.subject.endswith(
        "Reminder: Marshal at Rally for families, in 24 hours"
    )
    assert "noon" in first.body and "(America/Chicago, CDT)" in first.body
    assert send_due() == []

    now.move_to(START - dt.timedelta(hours=2))
    [second] = send_due()
    assert second.subject.endswith("in 2 hours")
    assert send_due() == []
    assert {r.state for r in reminders(signup)} == {State.SENT}


def test_reminders_already_past_are_not_scheduled(shift):
    with time_machine.travel(START - dt.timedelta(hours=1), tick=False):
        signup = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
        assert not reminders(signup).exists()
        assert len(send_due()) == 1  # the confirmation still goes


def test_messages_are_in_the_recipients_language(now, shift):
    person = UserFactory()
    NotificationPreference.objects.create(user=person, language="es")
    services.sign_up(shift_id=shift.pk, volunteer=person)
    [message] = send_due()
    assert "Su inscripción: Coordinación de seguridad en" in message.subject
    assert "sábado" in message.body
    # Messages say usted, and greet without the e-mail address.
    assert message.body.startswith("Hola:\n")
    assert "Su lugar está confirmado" in message.body
    assert person.email not in message.body
    assert "/es/me/shifts/" in message.body


def test_moving_a_shift_moves_its_reminders_and_tells_everyone(now, shift):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    confirmed = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    waiting = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    send_due()
    later = START + dt.timedelta(days=1)
    services.update_shift(
        shift=shift,
        actor=organizer,
        values={"starts_at": later, "ends_at": later + dt.timedelta(hours=3)},
    )

    assert [r.due_at for r in reminders(confirmed).filter(state=State.PENDING)] == [
        later - dt.timedelta(hours=24),
        later - dt.timedelta(hours=2),
    ]
    assert reminders(confirmed).filter(state=State.DROPPED).count() == 2
    assert not reminders(waiting).exists()  # no place, no reminder
    notices = send_due()
    assert sorted(m.to[0] for m in notices) == sorted(
        [confirmed.contact_email, waiting.contact_email]
    )
    assert all("The time has changed" in m.body for m in notices)
    assert all("Sunday, March 29" in m.body for m in notices)


def test_two_edits_before_sending_make_one_notice(now, shift):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    send_due()
    services.update_action(action=shift.action, actor=organizer, values={"venue": "A"})
    services.update_action(
        action=shift.action, actor=organizer, values={"address": "1 Main St"}
    )
    [notice] = send_due()
    assert "The place has changed" in notice.body and "A, 1 Main St" in notice.body


def test_cancelling_the_action_tells_everyone_why_and_drops_reminders(now, shift):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    person = UserFactory()
    # Even someone who wants no reminders and no messages hears of it.
    NotificationPreference.objects.create(user=person, reminders=False, messages=False)
    signup = services.sign_up(shift_id=shift.pk, volunteer=person)
    send_due()
    services.cancel_action(action=shift.action, actor=organizer, reason="Storm")

    assert set(reminders(signup).values_list("state", flat=True)) == {State.DROPPED}
    [notice] = send_due()
    assert notice.subject.endswith("Cancelled: Rally for families")
    assert "Their reason: Storm" in notice.body


def test_cancelling_a_signup_drops_what_waits_and_promotes_the_next(now, shift):
    first = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    second = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    assert second.status == SignupStatus.WAITLISTED
    [one, two] = send_due()
    assert "On the waitlist" in two.subject

    services.cancel_signup(signup_id=first.pk)
    assert set(reminders(first).values_list("state", flat=True)) == {State.DROPPED}
    assert reminders(second).filter(state=State.PENDING).count() == 2
    [promotion] = send_due()
    assert promotion.to == [second.contact_email]
    assert "A place opened up" in promotion.subject


def test_reminders_respect_the_persons_choice(now, shift):
    person = UserFactory()
    NotificationPreference.objects.create(user=person, reminders=False)
    signup = services.sign_up(shift_id=shift.pk, volunteer=person)
    send_due()
    now.move_to(START - dt.timedelta(hours=2))
    assert send_due() == []
    assert set(reminders(signup).values_list("state", "last_error")) == {
        (State.DROPPED, "The person turned reminders off.")
    }


def test_organizers_choose_the_offsets_and_pending_reminders_follow(now, shift):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    signup = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    services.update_action(
        action=shift.action, actor=organizer, values={"reminder_offsets": [2880, 120]}
    )
    pending = reminders(signup).filter(state=State.PENDING)
    assert [r.due_at for r in pending] == [
        START - dt.timedelta(hours=48),
        START - dt.timedelta(hours=2),
    ]
    # Back to the defaults: the dropped 24-hour reminder comes back, once.
    services.update_action(
        action=shift.action, actor=organizer, values={"reminder_offsets": [1440, 120]}
    )
    assert reminders(signup).filter(state=State.PENDING).count() == 2
    assert reminders(signup).count() == 3


def test_organizers_message_reaches_the_shift_and_they_see_it_went(now, shift, client):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    on_shift = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    waiting = services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    muted = UserFactory()
    NotificationPreference.objects.create(user=muted, messages=False)
    other = ShiftFactory(action=shift.action, places=5)
    services.sign_up(shift_id=other.pk, volunteer=muted)
    send_due()
    client.force_login(organizer)
    url = f"/manage/actions/{shift.action.pk}/messages/"

    data = {"shift": shift.pk, "subject": "Meet at gate B", "body": "Bring ID."}
    preview = client.post(url, data)
    assert preview.status_code == 200
    assert "This goes to 1 person" in preview.content.decode()
    assert send_due() == []
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    [message] = send_due()
    assert message.to == [on_shift.contact_email]  # not the waitlist
    assert "Meet at gate B (Rally for families)" in message.subject
    assert "Bring ID." in message.body

    everyone = {"subject": "Thanks", "body": "See you.", "waitlist": "on"}
    assert "Send to 3 people" in client.post(url, everyone).content.decode()
    client.post(url, {**everyone, "confirmed": "1"})
    assert sorted(m.to[0] for m in send_due()) == sorted(
        [on_shift.contact_email, waiting.contact_email]
    )
    page = client.get(url).content.decode()
    assert "2 sent · 0 waiting · 0 failed · 1 not sent" in page
    assert "1 sent · 0 waiting · 0 failed · 0 not sent" in page
    # Why a copy was not sent, in the organizer's language.
    assert "The person turned organizers&#x27; messages off." in page
    spanish = client.get("/es" + url).content.decode()
    assert "La persona desactivó los mensajes de quienes organizan." in spanish


@pytest.mark.parametrize(
    "data, error",
    [
        ({"subject": "", "body": "x"}, "This field is required."),
        ({"subject": "x" * 151, "body": "x"}, "at most 150 characters"),
        ({"subject": "Hi", "body": "x", "shift": "999999"}, "Select a valid choice"),
        ({"subject": "Hi", "body": "x", "shift": "abc"}, "Select a valid choice"),
    ],
)
def test_bad_messages_are_explained_and_nothing_is_sent(shift, client, data, error):
    organizer = UserFactory()
    Membership.objects.create(
        organization=shift.action.organizers.get(), user=organizer, role=Role.ADMIN
    )
    client.force_login(organizer)
    response = client.post(f"/manage/actions/{shift.action.pk}/messages/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not shift.action.messages.exists()
    assert not Notification.objects.filter(kind=Kind.MESSAGE).exists()


def test_strangers_cannot_see_or_send_messages(shift, client):
    client.force_login(UserFactory())
    url = f"/manage/actions/{shift.action.pk}/messages/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404


def test_people_choose_their_language_and_messages(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post("/me/notifications/", {"language": "es", "reminders": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.language, preference.reminders, preference.messages) == (
        "es",
        True,
        False,
    )
    bad = client.post("/me/notifications/", {"language": "xx"})
    assert "Select a valid choice" in bad.content.decode()
    assert NotificationPreference.objects.get(user=person).language == "es"


def test_guests_choose_on_their_private_page_and_get_notices(
    now, shift, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_guest_signup(
            shift_id=shift.pk, name="Ana", email="ana@example.org", language="es"
        )
    signup = services.confirm_guest_signup(token=request.token)
    [verification, confirmation] = mail.outbox[-1:] + send_due()
    assert confirmation.to == ["ana@example.org"]
    assert "Su inscripción:" in confirmation.subject
    assert f"/es/signups/guest/{signup.manage_token}/#preferences" in confirmation.body

    page = f"/signups/guest/{signup.manage_token}/"
    client.post(page, {"language": "en", "messages": "on"})
    signup.refresh_from_db()
    assert (signup.language, signup.wants_reminders, signup.status) == (
        "en",
        False,
        SignupStatus.CONFIRMED,
    )


def test_the_notices_of_a_purged_guest_go_with_the_signup(now, shift):
    request = services.request_guest_signup(
        shift_id=shift.pk, name="Ana", email="ana@example.org"
    )
    signup = services.confirm_guest_signup(token=request.token)
    assert Notification.objects.filter(outbox.about([signup])).count() == 3
    now.move_to(START + dt.timedelta(days=40))
    services.purge_personal_data()
    assert not Notification.objects.exists()


@pytest.fixture
def eager():
    """Celery runs tasks in this process, as if a worker took them at once."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_health_and_admin_show_the_outbox(now, shift, client, admin_client, eager):
    from networks.tasks import sweep_notifications

    page = admin_client.get("/admin/networks/notification/").content.decode()
    assert "The sweep has not run yet" in page
    services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    sweep_notifications.delay()
    health = client.get("/healthz").json()["notifications"]
    assert (health["pending"], health["sent"]) == (2, 1)  # reminders wait
    assert health["last_sweep"] == timezone.now().isoformat()
    page = admin_client.get("/admin/networks/notification/").content.decode()
    assert "Pending: 2 · sending: 0 · sent: 1 · failed: 0" in page
    assert "The sweep last ran" in page
