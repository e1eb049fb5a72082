"""Two beats by mistake double nothing: every periodic task of config/celery.py,
run twice at the same moment on PostgreSQL.

Where a task locks rows, this test's own connection holds them until both
runs wait on the lock (tests/concurrency.py), so the overlap is certain, not
hoped for. The tasks that only delete or overwrite are run twice at once and
must leave what one run leaves. The mutual-aid reminders have a control: the
same race without the lock reminds coordinators twice.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from config.celery import app
from events.models import Signup
from networks.models import Heartbeat, Notification, NotificationKind
from networks.models.mutual_aid import HelpRequest
from networks.models.rapid_response import Alert, Report
from networks.mutual_aid import services as mutual_aid
from networks.rapid_response import services as rapid_response
from tests.concurrency import (
    Race,
    held,
    postgres_only,
    race,
    wait_for_lock_waiters,
)
from tests.networks import aid_world, response_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def on_postgres():
    postgres_only("two beats' tasks race on row locks")


def test_every_periodic_task_is_covered_here():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert tasks == {
        "networks.tasks.record_heartbeat",
        "networks.tasks.sweep_notifications",  # tests/networks/test_delivery.py
        "networks.tasks.escalate_alerts",
        "networks.tasks.apply_report_retention",
        "networks.tasks.aid_housekeeping",
        "networks.tasks.purge_notifications",
        "events.tasks.purge_personal_data",
    }


def stale_request(world) -> HelpRequest:
    help_request = mutual_aid.submit_request(
        network=world["network"],
        values=aid_world.help_request_values(),
        contact=aid_world.CONTACT,
    )
    days = world["network"].remind_after_days + 1
    HelpRequest.objects.filter(pk=help_request.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )
    return help_request


def reminders() -> int:
    return Notification.objects.filter(kind=NotificationKind.AID_STALE).count()


def housekeeping_race(*, lock: bool) -> int:
    world = aid_world.build()
    help_request = stale_request(world)
    run = [lambda: mutual_aid.housekeeping(lock=lock)] * 2
    with held(HelpRequest.objects.filter(pk=help_request.pk)):
        racers = Race(run)
        # Both runs stand at the lock (their read, or, unlocked, their write).
        wait_for_lock_waiters(2)
    assert racers.join() == []
    return reminders()


def test_two_housekeepings_at_once_remind_each_coordinator_once():
    assert housekeeping_race(lock=True) == 1  # one coordinator, one request


def test_control_without_the_lock_coordinators_are_reminded_twice():
    assert housekeeping_race(lock=False) == 2


def test_two_escalations_at_once_alert_the_next_group_once():
    world = response_world.build()
    client = Client()
    client.post(
        f"/rr/{world['network'].slug}/report/",
        response_world.report_data(urgent="on"),
    )
    report = Report.objects.get()
    first_group = Alert.objects.count()
    later = timezone.now() + dt.timedelta(minutes=11)

    with held(Report.objects.filter(pk=report.pk)):
        racers = Race([lambda: rapid_response.escalate(now=later)] * 2)
        wait_for_lock_waiters(2)
    assert racers.join() == []

    assert Alert.objects.filter(tier=2).count() == 1
    assert Alert.objects.count() == first_group + 1
    assert report.timeline.filter(what="alerted").count() == 2


def test_two_heartbeats_at_once_leave_one_row():
    from networks.tasks import record_heartbeat

    errors = race([lambda: record_heartbeat.apply(throw=True)] * 4)

    assert errors == []
    assert Heartbeat.objects.filter(name="beat").count() == 1


@pytest.mark.parametrize(
    "task",
    [
        "networks.tasks.apply_report_retention",
        "networks.tasks.purge_notifications",
        "events.tasks.purge_personal_data",
    ],
)
def test_deleting_tasks_twice_at_once_leave_what_one_run_leaves(task):
    """Each only deletes or blanks what is past its time: a second run at the
    same moment finds nothing more to do, and neither fails."""
    world = response_world.build()
    Client().post(f"/rr/{world['network'].slug}/report/", response_world.report_data())
    before = (
        Report.objects.count(),
        Notification.objects.count(),
        Signup.objects.count(),
    )

    app.loader.import_default_modules()  # the tasks of every app, as a worker

    errors = race([lambda: app.tasks[task].apply(throw=True)] * 2)

    assert errors == []
    assert (
        Report.objects.count(),
        Notification.objects.count(),
        Signup.objects.count(),
    ) == before
