"""The dispatchers' desk: a new report reaches the dispatchers on duty at once,
and the desk marks what came in since each person last looked."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from networks.models import Notification, NotificationKind
from networks.models.rapid_response import Duty, ResponseRole
from networks.rapid_response import services as rapid_response
from tests.networks.response_world import build, member_with, report_data
from tests.networks.test_response import send_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def told() -> set[int]:
    return set(
        Notification.objects.filter(kind=NotificationKind.NEW_REPORT).values_list(
            "recipient_id", flat=True
        )
    )


def desk_slot(world, *people):
    now = timezone.now()
    slot = rapid_response.add_slot(
        network=world["network"],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=4),
        tier=1,
        places=3,
        duty=Duty.DISPATCH,
    )
    for person in people:
        rapid_response.take_slot(slot_id=slot.pk, user=person)
    return slot


def test_it_tells_every_dispatcher_of_a_report_when_nobody_is_on_the_desk(
    client, world
):
    people = world["people"]
    client.post(f"/rr/{world['network'].slug}/report/", report_data())
    assert told() == {people["dispatcher"].pk}
    [notice] = send_due()
    assert notice.to == [people["dispatcher"].email]
    assert "New report: Home raid near Pilsen" in notice.subject
    assert "Public form" in notice.body and "/reports/" in notice.body
    # The desk has the rest: no contact, no exact place, no description.
    for secret in ("555 0199", "Blue Island", "unmarked vans"):
        assert secret not in notice.body


def test_it_tells_only_the_dispatchers_on_the_desks_rota(client, world):
    network = world["network"]
    second = member_with(network, ResponseRole.DISPATCHER, email="d2@example.org")
    desk_slot(world, second)
    client.post(f"/rr/{network.slug}/report/", report_data())
    assert told() == {second.pk}


def test_a_rota_that_is_over_tells_every_dispatcher_again(client, world):
    network, people = world["network"], world["people"]
    second = member_with(network, ResponseRole.DISPATCHER, email="d2@example.org")
    desk_slot(world, second)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=5)):
        client.post(f"/rr/{network.slug}/report/", report_data())
    assert told() == {people["dispatcher"].pk, second.pk}


def test_responders_slots_do_not_make_dispatchers_on_duty(client, world):
    # The world's slots are responders'; responders hear of confirmed reports
    # only, through alerts.
    client.post(f"/rr/{world['network'].slug}/report/", report_data())
    assert told() == {world["people"]["dispatcher"].pk}
    assert not world["people"]["responder"].notifications.exists()


def test_the_dispatcher_who_takes_a_hotline_call_is_not_told_of_it(client, world):
    network, people = world["network"], world["people"]
    second = member_with(network, ResponseRole.DISPATCHER, email="d2@example.org")
    rapid_response.submit_report(
        network=network,
        values={"kind": "arrest", "seen_at": timezone.now(), "city": "Chicago"},
        source="hotline",
        entered_by=people["dispatcher"],
    )
    assert told() == {second.pk}


def test_a_report_taken_up_before_the_notice_goes_is_not_sent(client, world):
    network, people = world["network"], world["people"]
    client.post(f"/rr/{network.slug}/report/", report_data())
    report = network.reports.get()
    rapid_response.start_verifying(report=report, actor=people["dispatcher"])
    assert send_due() == []
    assert Notification.objects.get(kind=NotificationKind.NEW_REPORT).state == (
        "dropped"
    )


def test_only_dispatchers_take_a_place_on_the_desks_rota(world):
    slot = desk_slot(world)
    with pytest.raises(rapid_response.ResponseError, match="Only dispatchers"):
        rapid_response.take_slot(slot_id=slot.pk, user=world["people"]["responder"])
    rapid_response.take_slot(slot_id=slot.pk, user=world["people"]["dispatcher"])
    assert slot.people.count() == 1


def test_the_on_call_form_adds_a_desk_slot(client, world):
    network = world["network"]
    client.force_login(world["people"]["dispatcher"])
    start = timezone.localtime(timezone.now() + dt.timedelta(hours=2))
    page = client.post(
        f"/rr/{network.slug}/on-call/",
        {
            "duty": "dispatch",
            "starts": start.strftime("%Y-%m-%dT%H:%M"),
            "ends": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "tier": "1",
            "places": "2",
        },
    )
    assert page.status_code == 302
    assert network.slots.filter(duty=Duty.DISPATCH).count() == 1
    page = client.get(f"/rr/{network.slug}/on-call/").content.decode()
    assert "Dispatchers" in page


def test_a_duty_that_does_not_exist_is_refused(client, world):
    network = world["network"]
    client.force_login(world["people"]["dispatcher"])
    page = client.post(f"/rr/{network.slug}/on-call/", {"duty": "everyone"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert network.slots.count() == 2


def rows(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"new\")?>.*?</tr>", html, re.S)[1:]


def test_the_desk_marks_what_came_in_since_the_person_last_looked(client, world):
    network = world["network"]
    client.post(f"/rr/{network.slug}/report/", report_data(neighbourhood="Old"))
    client.force_login(world["people"]["dispatcher"])
    first = client.get(f"/rr/{network.slug}/desk/").content.decode()
    assert "Nothing new since you last looked." in first  # a first look
    since = re.search(r"desk/reports/\?since=(\d+)", first).group(1)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        client.logout()
        client.post(f"/rr/{network.slug}/report/", report_data(neighbourhood="Newer"))
        client.force_login(world["people"]["dispatcher"])
        polled = client.get(f"/rr/{network.slug}/desk/reports/?since={since}")
    html = polled.content.decode()
    assert "1 new report since you last looked." in html
    [newer, old] = rows(html)
    assert 'class="new"' in newer and "Newer" in newer and ">new<" in newer
    assert 'class="new"' not in old and "Old" in old
    assert "<html" not in html  # the table alone

    # Polling is not looking: opening the desk again still shows it new, and
    # the look after that does not.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4)):
        again = client.get(f"/rr/{network.slug}/desk/").content.decode()
        assert "1 new report since you last looked." in again
        assert (
            "Nothing new since"
            in client.get(f"/rr/{network.slug}/desk/").content.decode()
        )


def test_the_desk_shows_how_long_new_reports_have_waited(client, world):
    network = world["network"]
    client.post(f"/rr/{network.slug}/report/", report_data())
    client.force_login(world["people"]["dispatcher"])
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=12)):
        html = client.get(f"/rr/{network.slug}/desk/").content.decode()
    assert re.search(r"Waiting\">12\xa0minutes<", html), html


def test_the_desk_refreshes_itself(client, world, settings):
    settings.DESK_REFRESH_SECONDS = 7
    client.force_login(world["people"]["dispatcher"])
    html = client.get(f"/rr/{world['network'].slug}/desk/").content.decode()
    assert 'hx-trigger="every 7s"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.parametrize("since", ["", "yesterday", "1e99", "99999999999999999999"])
def test_a_bad_since_is_refused_with_the_reason(client, world, since):
    client.force_login(world["people"]["dispatcher"])
    page = client.get(f"/rr/{world['network'].slug}/desk/reports/?since={since}")
    assert page.status_code == 400
    assert "milliseconds" in page.content.decode()


def test_the_desk_table_costs_the_same_queries_for_one_report_or_many(
    client, world, django_assert_num_queries, django_assert_max_num_queries
):
    network = world["network"]
    client.post(f"/rr/{network.slug}/report/", report_data())
    client.force_login(world["people"]["dispatcher"])
    url = f"/rr/{network.slug}/desk/reports/?since=0"
    client.get(url)
    with django_assert_max_num_queries(50) as one:
        client.get(url)
    queries = len(one.captured_queries)
    client.logout()
    for _ in range(4):
        client.post(f"/rr/{network.slug}/report/", report_data())
    client.force_login(world["people"]["dispatcher"])
    client.get(url)
    with django_assert_num_queries(queries):
        html = client.get(url).content.decode()
    assert len(rows(html)) == 5
