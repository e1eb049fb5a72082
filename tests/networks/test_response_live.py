"""Rapid response through real parts: a Celery worker with its beat on Redis
and PostgreSQL, and a real SMTP server. A report comes in and the dispatcher
hears of it; it is confirmed, the alerts reach the mail server, a responder
accepts, and when nobody in a group answers, beat escalates to the next
group."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from networks.models.rapid_response import Alert, Report, TimelineEntry
from networks.rapid_response import services as rapid_response
from tests.live import wait_for
from tests.networks.response_world import build, report_data

pytestmark = pytest.mark.postgres


def test_confirmed_report_alerts_reach_the_mail_server_and_escalate(
    client, workers, sink
):
    world = build()
    network, people = world["network"], world["people"]
    workers()
    client.post(f"/rr/{network.slug}/report/", report_data())
    report = Report.objects.get()
    # Not urgent: nobody is alerted yet, but the dispatcher hears at once.
    wait_for(lambda: sink.count() >= 1, timeout=60, what="the dispatcher's notice")
    assert sink.received[0].to == [people["dispatcher"].email]
    assert "New report: Home raid near Pilsen" in sink.received[0].subject
    for who in ("verifier", "verifier 2"):
        rapid_response.verify(report=report, verifier=people[who], method="on_scene")

    wait_for(lambda: sink.count() >= 3, timeout=60, what="alerts to group 1")
    assert sorted(r.to[0] for r in sink.received[1:]) == sorted(
        [people["responder"].email, people["responder 2"].email]
    )
    assert all(
        "Confirmed: Home raid near Pilsen" in r.subject for r in sink.received[1:]
    )

    # Nobody answers for longer than the network waits: beat alerts group 2.
    TimelineEntry.objects.filter(report=report, what="alerted").update(
        at=timezone.now() - dt.timedelta(minutes=11)
    )
    wait_for(lambda: sink.count() >= 4, timeout=60, what="the escalation")
    assert sink.received[3].to == [people["second group"].email]
    assert Alert.objects.filter(report=report, tier=2).count() == 1

    alert = Alert.objects.get(responder=people["second group"])
    client.force_login(people["second group"])
    client.post(f"/rr/alerts/{alert.pk}/", {"answer": "yes"})
    TimelineEntry.objects.filter(report=report, what="alerted").update(
        at=timezone.now() - dt.timedelta(minutes=30)
    )
    time.sleep(4)  # several beats: someone is going, so nothing more is sent
    assert sink.count() == 4
    assert len(set(sink.ids())) == 4

    # Documented, closed, and public by neighbourhood and hour only.
    base = f"/rr/{network.slug}/reports/{report.pk}"
    client.post(f"{base}/note/", {"text": "One person detained."})
    client.post(f"{base}/outcome/", {"detained": "1", "referred_to": "lawyer"})
    client.force_login(people["dispatcher"])
    client.post(f"{base}/status/", {"status": "closed"})
    report.refresh_from_db()
    assert (report.status, report.detained, report.referred_to) == (
        "closed",
        1,
        "lawyer",
    )
    client.logout()
    public = client.get(f"/rr/{network.slug}/alerts/").content.decode()
    assert "Confirmed" in public and "Home raid" in public and "Pilsen" in public
    assert "Blue Island" not in public and "detained" not in public
