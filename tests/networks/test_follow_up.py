"""What the public keeps of a report: a tracking code that shows its status
and nothing else, alerts that expire, and a know-your-rights page."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from networks.models.rapid_response import Report
from networks.outbox import services as outbox
from networks.rapid_response import services as rapid_response
from tests.networks.response_world import build, report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def send_report(client, world, **overrides) -> tuple[Report, str]:
    page = client.post(f"/rr/{world['network'].slug}/report/", report_data(**overrides))
    report = Report.objects.latest("pk")
    return report, page["Location"]


def confirm(world, report):
    for who in ("verifier", "verifier 2"):
        rapid_response.verify(
            report=report, verifier=world["people"][who], method="photo"
        )


def status_of(client, world, code: str) -> str:
    page = client.post(f"/rr/{world['network'].slug}/track/", {"code": code})
    match = re.search(r"<strong>([^<]+)</strong>\.", page.content.decode())
    return match.group(1) if match else ""


def test_the_reporter_gets_a_code_that_follows_the_report(client, world):
    report, thanks = send_report(client, world)
    assert re.fullmatch(
        r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", report.tracking_code
    )
    page = client.get(thanks).content.decode()
    assert report.tracking_code in page and "Follow your report" in page

    assert status_of(client, world, report.tracking_code) == "Received"
    rapid_response.start_verifying(report=report, actor=world["people"]["dispatcher"])
    assert status_of(client, world, report.tracking_code) == "Being checked"
    confirm(world, report)
    assert status_of(client, world, report.tracking_code) == "Confirmed"
    rapid_response.set_status(
        report=report, actor=world["people"]["dispatcher"], status="closed"
    )
    assert status_of(client, world, report.tracking_code) == "Confirmed"


@pytest.mark.parametrize("ending", ["unconfirmed", "false_alarm"])
def test_a_report_that_was_not_confirmed_says_so(client, world, ending):
    report, _ = send_report(client, world)
    rapid_response.set_status(
        report=report, actor=world["people"]["dispatcher"], status=ending
    )
    assert status_of(client, world, report.tracking_code) == "Could not be confirmed"


def test_the_status_page_shows_nothing_of_what_was_reported(client, world):
    report, _ = send_report(client, world)
    confirm(world, report)
    html = client.post(
        f"/rr/{world['network'].slug}/track/", {"code": report.tracking_code}
    ).content.decode()
    for secret in ("Pilsen", "Blue Island", "555 0199", "unmarked", "Home raid"):
        assert secret not in html


def test_codes_are_typed_loosely_and_read_exactly(client, world):
    report, _ = send_report(client, world)
    loose = report.tracking_code.lower().replace("-", " ")
    assert status_of(client, world, loose) == "Received"


def test_every_report_gets_its_own_code(client, world):
    codes = {send_report(client, world)[0].tracking_code for _ in range(5)}
    assert len(codes) == 5


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "This field is required."),
        ("12345", "A tracking code has ten letters and digits"),
        ("ABCDE-FGHI!", "A tracking code has ten letters and digits"),
        ("ZZZZZ-ZZZZZ", "No report has this code in this network."),
    ],
)
def test_bad_codes_get_a_clear_message(client, world, code, message):
    page = client.post(f"/rr/{world['network'].slug}/track/", {"code": code})
    assert page.status_code == 200
    assert message in page.content.decode()


def test_another_networks_code_is_not_found(client, world):
    other = build(name="Northside Rapid Response", city="Evanston")
    report, _ = send_report(client, world)
    page = client.post(
        f"/rr/{other['network'].slug}/track/", {"code": report.tracking_code}
    )
    assert "No report has this code in this network." in page.content.decode()


def test_looking_up_codes_is_rate_limited(client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "track": "2/h/key"}
    url = f"/rr/{world['network'].slug}/track/"
    for _ in range(2):
        client.post(url, {"code": "ZZZZZ-ZZZZZ"})
    page = client.post(url, {"code": "ZZZZZ-ZZZZZ"}).content.decode()
    assert "Too many tries from here" in page


def test_a_made_up_code_on_the_thanks_page_is_not_shown(client, world):
    page = client.get(
        f"/rr/{world['network'].slug}/report/thanks/", {"code": "<b>x</b>"}
    )
    assert "<b>x</b>" not in page.content.decode()
    assert "Your tracking code" not in page.content.decode()


def public(client, world) -> tuple[str, str]:
    slug = world["network"].slug
    return (
        client.get(f"/rr/{slug}/alerts/").content.decode(),
        client.get(f"/rr/{slug}/alerts.rss").content.decode(),
    )


def test_public_alerts_expire_after_the_networks_hours(client, world):
    report, _ = send_report(client, world)
    confirm(world, report)
    page, feed = public(client, world)
    assert "Home raid" in page and "Home raid" in feed
    with time_machine.travel(timezone.now() + dt.timedelta(hours=11, minutes=50)):
        page, feed = public(client, world)
        assert "Home raid" in page and "Home raid" in feed
    with time_machine.travel(timezone.now() + dt.timedelta(hours=12, minutes=1)):
        page, feed = public(client, world)
        assert "Home raid" not in page and "Home raid" not in feed
        assert "Nothing confirmed yet." in page
        # Members keep the record.
        client.force_login(world["people"]["dispatcher"])
        desk = client.get(f"/rr/{world['network'].slug}/desk/").content.decode()
        assert "Home raid" in desk


def test_a_network_chooses_how_long_alerts_stay_up(client, world):
    network = world["network"]
    rapid_response.update_network(network=network, values={"alerts_expire_hours": 2})
    report, _ = send_report(client, world)
    confirm(world, report)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert "Home raid" not in public(client, world)[0]


@pytest.mark.parametrize("hours", ["0", "169", "twelve"])
def test_expiry_out_of_range_is_refused(client, world, hours):
    from tests.networks.test_response import settings_data

    client.force_login(world["people"]["admin"])
    network = world["network"]
    page = client.post(
        f"/rr/{network.slug}/setup/", settings_data(alerts_expire_hours=hours)
    )
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    network.refresh_from_db()
    assert network.alerts_expire_hours == 12


def test_the_rights_page_has_a_general_text_until_the_network_writes_its_own(
    client, world
):
    from tests.networks.test_response import settings_data

    network = world["network"]
    url = f"/rr/{network.slug}/rights/"
    assert "You have the right to remain silent." in client.get(url).content.decode()
    spanish = client.get(f"/es{url}").content.decode()
    assert "Tiene derecho a guardar silencio." in spanish

    client.force_login(world["people"]["admin"])
    client.post(
        f"/rr/{network.slug}/setup/",
        settings_data(
            rights_en="Call our hotline first.\n<script>x</script>",
            rights_es="Llame primero a nuestra línea.",
        ),
    )
    client.logout()
    english = client.get(url).content.decode()
    assert "Call our hotline first." in english
    assert "<script>x</script>" not in english  # shown as text
    assert "remain silent" not in english
    assert "Llame primero" in client.get(f"/es{url}").content.decode()


def test_the_rights_page_is_linked_from_the_form_the_alerts_and_every_alert(
    client, world
):
    slug = world["network"].slug
    rights = f"/rr/{slug}/rights/"
    assert rights in client.get(f"/rr/{slug}/report/").content.decode()
    assert rights in client.get(f"/rr/{slug}/alerts/").content.decode()
    report, _ = send_report(client, world, urgent="on")
    mail.outbox.clear()
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    alerts = [m for m in mail.outbox if "Urgent:" in m.subject]
    assert alerts and all(rights in m.body for m in alerts)
    assert all(rights in m.alternatives[0][0] for m in alerts)
