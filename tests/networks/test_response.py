"""Rapid response: report -> verify -> alert -> accept -> document -> public
alert, with the safety rules around it (who sees what, two-factor, retention,
photo metadata, bad input).

Mail goes to Django's in-memory backend here; the path through real Celery
workers and a real SMTP server is in test_response_live.py.
"""

import datetime as dt
import inspect
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from networks.models import Notification, NotificationKind
from networks.models.rapid_response import (
    Alert,
    AlertAnswer,
    NetworkMember,
    OnCall,
    Report,
    ReportPhoto,
    ReportStatus,
    ResponseRole,
    Training,
)
from networks.outbox import services as outbox
from networks.rapid_response import services as rapid_response
from networks.rapid_response import views
from tests.networks.response_world import (
    GPS_IFD,
    build,
    jpeg_with_gps,
    local,
    report_data,
    with_mfa,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build()


def send_due() -> list:
    before = len(mail.outbox)
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    return mail.outbox[before:]


def post_report(client, world, **overrides):
    slug = world["network"].slug
    return client.post(f"/rr/{slug}/report/", report_data(**overrides))


def test_the_whole_path_from_report_to_public_alert(client, world):
    network, people = world["network"], world["people"]
    photo = jpeg_with_gps()
    page = client.post(
        f"/rr/{network.slug}/report/", {**report_data(), "photos": [photo]}
    )
    assert page.status_code == 302
    report = Report.objects.get()
    assert (report.status, report.source, report.photos.count()) == ("new", "web", 1)
    # Nothing about the reporter's machine is kept.
    row = Report.objects.filter(pk=report.pk).values().get()
    assert not any("127.0.0.1" in str(value) for value in row.values())

    for who in ("verifier", "verifier 2"):
        client.force_login(people[who])
        client.post(
            f"/rr/{network.slug}/reports/{report.pk}/verify/", {"method": "on_scene"}
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED
    alerts = Alert.objects.filter(report=report)
    assert {a.responder for a in alerts} == {people["responder"], people["responder 2"]}

    messages = send_due()
    assert sorted(m.to[0] for m in messages) == sorted(
        [people["responder"].email, people["responder 2"].email]
    )
    alert_mail = messages[0]
    assert "Confirmed: Home raid near Pilsen" in alert_mail.subject
    assert "1800 S Blue Island Ave" in alert_mail.body  # members see the place
    assert "+1 312 555 0199" not in alert_mail.body  # never the contact
    assert "(America/Chicago, C" in alert_mail.body
    alert = alerts.get(responder=people["responder"])
    assert f"/rr/alerts/{alert.pk}/" in alert_mail.body

    client.force_login(people["responder"])
    client.post(f"/rr/alerts/{alert.pk}/", {"answer": "yes"})
    client.post(
        f"/rr/{network.slug}/reports/{report.pk}/note/",
        {"text": "Two people detained, family at the church."},
    )
    client.post(
        f"/rr/{network.slug}/reports/{report.pk}/outcome/",
        {
            "detained": "2",
            "released": "0",
            "legal_referral": "on",
            "referred_to": "lawyer",
        },
    )
    client.force_login(people["dispatcher"])
    page = client.get(f"/rr/{network.slug}/reports/{report.pk}/").content.decode()
    assert f"{people['responder'].email} · group 1 · Going" in page
    assert "+1 312 555 0199" in page  # dispatchers see the contact
    report.refresh_from_db()
    assert (report.detained, report.legal_referral, report.referred_to) == (
        2,
        True,
        "lawyer",
    )
    steps = list(report.timeline.values_list("what", flat=True))
    assert steps == [
        "received",
        "verified",
        "verified",
        "confirmed",
        "alerted",
        "going",
        "note",
        "outcome",
    ]

    client.logout()
    public = client.get(f"/rr/{network.slug}/alerts/").content.decode()
    assert "Home raid" in public and "Pilsen, Chicago" in public
    for secret in ("Blue Island", "unmarked vans", "555 0199", "60608"):
        assert secret not in public
    feed = client.get(f"/rr/{network.slug}/alerts.rss").content.decode()
    assert "Home raid · Pilsen, Chicago" in feed and "Blue Island" not in feed
    assert f"/rr/{network.slug}/alerts/#alert-{report.pk}</link>" in feed
    # The hour, never the minute.
    seen = report.seen_at.astimezone(ZoneInfo(network.timezone))
    hour = seen.replace(minute=0, second=0, microsecond=0)
    assert date_format(hour, "DATETIME_FORMAT") in public
    if seen.minute:
        assert date_format(seen, "DATETIME_FORMAT") not in public


def test_an_urgent_report_is_dispatched_before_verification(client, world):
    post_report(client, world, urgent="on")
    report = Report.objects.get()
    assert report.status == ReportStatus.NEW and report.dispatched_at
    sent = {message.to[0]: message.subject for message in send_due()}
    people = world["people"]
    assert "Urgent: Home raid near Pilsen" in sent[people["responder"].email]
    assert (
        "New urgent report: Home raid near Pilsen" in sent[people["dispatcher"].email]
    )


def test_nobody_answering_escalates_to_the_next_group_once(client, world):
    people = world["people"]
    post_report(client, world, urgent="on")
    report = Report.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=9)):
        assert rapid_response.escalate() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert rapid_response.escalate() == 1
        assert rapid_response.escalate() == 0  # the wait starts again
    assert set(Alert.objects.filter(tier=2).values_list("responder", flat=True)) == {
        people["second group"].pk
    }
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30)):
        assert (
            rapid_response.escalate() == 0
        )  # no third group: said once, on the timeline
        assert rapid_response.escalate() == 0
    assert report.timeline.filter(what="nobody left").count() == 1


def test_an_accepted_alert_stops_escalation(client, world):
    post_report(client, world, urgent="on")
    alert = Alert.objects.first()
    rapid_response.answer_alert(alert=alert, accept=True)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert rapid_response.escalate() == 0


def test_responders_are_matched_by_the_slots_area(client, world):
    network, people = world["network"], world["people"]
    first = world["slots"][0]
    first.areas.set(network.areas.filter(kind="zip"))  # 60608 only
    post_report(
        client, world, urgent="on", zip_code="60609", neighbourhood="Bridgeport"
    )
    assert not Alert.objects.exists()
    post_report(client, world, urgent="on")
    assert Alert.objects.count() == 2
    assert people["responder"].alerts.exists()


def test_photos_lose_their_metadata(client, world):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original.read())) as before:
        exif = before.getexif()
        assert exif[0x0110] == "Phone Model X"
        assert exif.get_ifd(GPS_IFD)[2] == (41.0, 51.0, 30.0)
    original.seek(0)
    client.post(
        f"/rr/{world['network'].slug}/report/", {**report_data(), "photos": [original]}
    )
    photo = ReportPhoto.objects.get()
    assert "scene" not in photo.image.name  # the uploaded name is not kept
    with photo.image.open("rb") as stored, Image.open(stored) as after:
        assert after.format == "JPEG"
        assert len(after.getexif()) == 0
        assert not after.getexif().get_ifd(GPS_IFD)
        assert "exif" not in after.info
        assert after.size == (64, 48)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"seen_at": "2020-01-01T10:00"}, "seen_at", "last 30 days"),
        ({"seen_at": "not a time"}, "seen_at", "Enter a valid date/time."),
        ({"kind": "riot"}, "kind", "Select a valid choice"),
        ({"city": ""}, "city", "This field is required."),
        ({"zip_code": "6060"}, "zip_code", "five digits"),
        ({"description": "x" * 3001}, "description", "at most 3000 characters"),
    ],
)
def test_bad_reports_are_explained_and_nothing_is_stored(
    client, world, overrides, field, message
):
    page = post_report(client, world, **overrides)
    assert page.status_code == 200
    assert message in str(page.context["form"].errors[field])
    assert not Report.objects.exists()


def test_a_future_time_is_refused(client, world):
    page = post_report(client, world, seen_at=local(minutes_ago=-120))
    assert "That time is in the future." in str(page.context["form"].errors)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "upload, message",
    [
        (
            SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"),
            "is not a JPEG, PNG, WebP or HEIC picture",
        ),
        (
            SimpleUploadedFile("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1)),
            "at most 8 MB",
        ),
    ],
)
def test_fake_or_oversized_photos_are_refused(client, world, upload, message):
    page = client.post(
        f"/rr/{world['network'].slug}/report/", {**report_data(), "photos": [upload]}
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()


def test_scripts_in_reports_are_shown_as_text(client, world):
    post_report(client, world, description="<script>alert(1)</script>")
    report = Report.objects.get()
    client.force_login(world["people"]["dispatcher"])
    page = client.get(f"/rr/{world['network'].slug}/reports/{report.pk}/")
    text = page.content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_filled_trap_field_stores_nothing(client, world):
    page = post_report(client, world, website="http://spam.example")
    assert page.status_code == 302
    assert not Report.objects.exists()


def test_the_public_form_is_rate_limited(client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "report": "2/h/key"}
    for _ in range(2):
        assert post_report(client, world).status_code == 302
    page = post_report(client, world)
    assert "Too many reports from here" in page.content.decode()
    assert Report.objects.count() == 2


def test_roles_that_need_training_are_refused_without_it(world):
    network = world["network"]
    person = world["people"]["org member"]
    with pytest.raises(rapid_response.ResponseError, match="needs Dispatch training"):
        rapid_response.give_role(
            network=network, user=person, role=ResponseRole.DISPATCHER
        )
    rapid_response.give_role(network=network, user=person, role=ResponseRole.SUPPORT)
    assert NetworkMember.objects.filter(user=person).count() == 1


def test_dispatchers_without_two_factor_are_sent_to_set_it_up(client, world):
    network = world["network"]
    person = world["people"]["dispatcher"]
    person.authenticator_set.all().delete()
    client.force_login(person)
    page = client.get(f"/rr/{network.slug}/desk/")
    assert page.status_code == 403
    assert "Two-factor authentication needed" in page.content.decode()
    with_mfa(person)
    assert client.get(f"/rr/{network.slug}/desk/").status_code == 200


def test_retention_deletes_coarsens_and_keeps_what_it_should(client, world):
    network, people = world["network"], world["people"]
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=31)):
        post_report(client, world, neighbourhood="Old rumour")
        post_report(client, world, neighbourhood="Old confirmed")
        confirmed = Report.objects.get(neighbourhood="Old confirmed")
        for who in ("verifier", "verifier 2"):
            rapid_response.verify(
                report=confirmed, verifier=people[who], method="photo"
            )
    client.post(
        f"/rr/{network.slug}/report/",
        {**report_data(neighbourhood="Fresh"), "photos": [jpeg_with_gps()]},
    )
    fresh = Report.objects.get(neighbourhood="Fresh")
    rapid_response.set_status(report=fresh, actor=people["dispatcher"], status="closed")
    photo_name = fresh.photos.get().image.name

    assert rapid_response.apply_retention() == {
        "reports": 1,
        "contacts": 1,
        "places": 1,
    }
    assert not Report.objects.filter(neighbourhood="Old rumour").exists()
    confirmed.refresh_from_db()
    assert confirmed.contact == "" and confirmed.contact_purged_at
    assert confirmed.location  # still open: the place is kept
    fresh.refresh_from_db()
    assert fresh.location == "" and fresh.neighbourhood == "Fresh"
    assert fresh.contact  # 30 days not over yet
    assert fresh.photos.get().image.name == photo_name
    assert rapid_response.apply_retention() == {
        "reports": 0,
        "contacts": 0,
        "places": 0,
    }


def test_a_deleted_reports_photos_leave_the_disk(client, world):
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        client.post(
            f"/rr/{world['network'].slug}/report/",
            {**report_data(), "photos": [jpeg_with_gps()]},
        )
    storage = ReportPhoto.objects.get().image.storage
    name = ReportPhoto.objects.get().image.name
    assert storage.exists(name)
    rapid_response.apply_retention()
    assert not storage.exists(name)


def test_another_networks_ids_answer_404(client, world):
    other = build(name="Northside Network", city="Evanston")
    post_report(client, world)
    report = Report.objects.get()
    theirs = other["people"]["dispatcher"]
    client.force_login(theirs)
    slug = other["network"].slug
    assert client.get(f"/rr/{slug}/reports/{report.pk}/").status_code == 404
    assert (
        client.post(
            f"/rr/{slug}/reports/{report.pk}/status/", {"status": "closed"}
        ).status_code
        == 404
    )
    slot = world["slots"][0]
    assert client.post(f"/rr/{slug}/on-call/{slot.pk}/take/").status_code == 404
    alert_report = Report.objects.get()
    rapid_response.dispatch(report=alert_report)
    alert = Alert.objects.first()
    assert client.get(f"/rr/alerts/{alert.pk}/").status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_alerts_about_closed_reports_are_not_sent(client, world):
    post_report(client, world, urgent="on")
    report = Report.objects.get()
    rapid_response.set_status(
        report=report, actor=world["people"]["dispatcher"], status="false_alarm"
    )
    assert send_due() == []
    states = set(
        Notification.objects.filter(kind=NotificationKind.ALERT).values_list(
            "state", flat=True
        )
    )
    assert states == {"dropped"}
    public = client.get(f"/rr/{world['network'].slug}/alerts/").content.decode()
    assert "False alarm" in public


def test_on_call_slots_fill_up_and_refuse_the_extra(world):
    slot = rapid_response.add_slot(
        network=world["network"],
        starts_at=timezone.now() + dt.timedelta(hours=1),
        ends_at=timezone.now() + dt.timedelta(hours=2),
        tier=1,
        places=1,
    )
    rapid_response.take_slot(slot_id=slot.pk, user=world["people"]["lawyer"])
    with pytest.raises(rapid_response.ResponseError, match="full"):
        rapid_response.take_slot(slot_id=slot.pk, user=world["people"]["responder"])
    with pytest.raises(rapid_response.ResponseError, match="already on call"):
        slot.places = 5
        slot.save()
        rapid_response.take_slot(slot_id=slot.pk, user=world["people"]["lawyer"])


def test_alert_answers_are_recorded(client, world):
    post_report(client, world, urgent="on")
    alert = Alert.objects.get(responder=world["people"]["responder 2"])
    client.force_login(world["people"]["responder 2"])
    client.post(f"/rr/alerts/{alert.pk}/", {"answer": "no"})
    alert.refresh_from_db()
    assert alert.answer == AlertAnswer.DECLINED


# Who may open what: every URL against every kind of person.

PUBLIC = {
    "network",
    "report form",
    "thanks",
    "track",
    "rights",
    "alerts",
    "alerts feed",
}
ANY_ROLE = {
    "desk",
    "desk reports",
    "report",
    "photo",
    "note",
    "outcome",
    "on call",
    "take slot",
    "leave slot",
}
ROLE_ONLY = {
    "verify": {"verifier"},
    "start verifying": {"dispatcher"},
    "dispatch": {"dispatcher"},
    "status": {"dispatcher"},
    "open help request": {"dispatcher"},
    "intake": {"dispatcher"},
    "add slot": {"dispatcher"},
    "alert": {"responder"},
    "setup": {"admin"},
    "save settings": {"admin"},
    "record training": {"admin"},
    "give role": {"admin"},
    "remove role": {"admin"},
    "new network": {"admin"},
}
WITH_A_ROLE = {"responder", "lawyer", "verifier", "dispatcher"}
PEOPLE = ["anonymous", "stranger", "org member", "admin", *sorted(WITH_A_ROLE)]


def table(world, report, alert) -> dict[str, tuple[str, str, dict]]:
    slug = world["network"].slug
    base = f"/rr/{slug}/reports/{report.pk}"
    photo = report.photos.get()
    org = world["network"].organization.slug
    later, end = local(minutes_ago=-600), local(minutes_ago=-720)
    return {
        "network": ("get", f"/rr/{slug}/", {}),
        "report form": ("get", f"/rr/{slug}/report/", {}),
        "thanks": ("get", f"/rr/{slug}/report/thanks/", {}),
        "track": ("post", f"/rr/{slug}/track/", {"code": report.tracking_code}),
        "rights": ("get", f"/rr/{slug}/rights/", {}),
        "alerts": ("get", f"/rr/{slug}/alerts/", {}),
        "alerts feed": ("get", f"/rr/{slug}/alerts.rss", {}),
        "desk": ("get", f"/rr/{slug}/desk/", {}),
        "desk reports": ("get", f"/rr/{slug}/desk/reports/?since=0", {}),
        "report": ("get", f"{base}/", {}),
        "photo": ("get", f"{base}/photos/{photo.pk}/", {}),
        "note": ("post", f"{base}/note/", {"text": "Seen."}),
        "outcome": ("post", f"{base}/outcome/", {"detained": "1"}),
        "on call": ("get", f"/rr/{slug}/on-call/", {}),
        "take slot": ("post", f"/rr/{slug}/on-call/{world['slots'][0].pk}/take/", {}),
        "verify": ("post", f"{base}/verify/", {"method": "photo"}),
        "start verifying": ("post", f"{base}/start/", {}),
        "dispatch": ("post", f"{base}/dispatch/", {}),
        "status": ("post", f"{base}/status/", {"status": "unconfirmed"}),
        "open help request": ("post", f"{base}/help/", {"kind": "bond"}),
        "intake": ("get", f"/rr/{slug}/intake/", {}),
        "add slot": (
            "post",
            f"/rr/{slug}/on-call/",
            {
                "duty": "respond",
                "starts": later,
                "ends": end,
                "tier": "1",
                "places": "2",
            },
        ),
        "alert": ("get", f"/rr/alerts/{alert.pk}/", {}),
        "setup": ("get", f"/rr/{slug}/setup/", {}),
        **{
            name: ("post", url, data)
            for name, (url, data) in setup_forms(world).items()
        },
        "leave slot": (
            "post",
            f"/rr/{slug}/on-call/{world['slots'][0].pk}/leave/",
            {},
        ),
        "new network": ("get", f"/rr/new/{org}/", {}),
    }


def expected(name: str, method: str, who: str) -> int:
    if name in PUBLIC:
        return 200
    if who == "anonymous":
        return 302  # to the login page
    allowed = ROLE_ONLY.get(name, WITH_A_ROLE if name in ANY_ROLE else set())
    if who not in allowed:
        return 404
    return 302 if method == "post" else 200


@pytest.mark.parametrize("who", PEOPLE)
def test_permission_table(client, world, who):
    client.post(
        f"/rr/{world['network'].slug}/report/",
        {**report_data(), "photos": [jpeg_with_gps()]},
    )
    report = Report.objects.get()
    rapid_response.dispatch(report=report)
    alert = Alert.objects.get(responder=world["people"]["responder"])
    if who != "anonymous":
        client.force_login(world["people"][who])
    for name, (method, url, data) in table(world, report, alert).items():
        got = getattr(client, method)(url, data)
        want = expected(name, method, who)
        assert got.status_code == want, (who, name, got.status_code)
        if want == 302 and who == "anonymous":
            assert got["Location"].startswith("/accounts/login/"), name
        if name == "report" and want == 200:
            shows_contact = "+1 312 555 0199" in got.content.decode()
            assert shows_contact == (who == "dispatcher"), who


def test_a_responders_data_download_holds_their_network_part(client, world):
    person = world["people"]["responder"]
    client.post(f"/rr/{world['network'].slug}/report/", report_data(urgent="on"))
    client.force_login(person)
    data = client.get("/me/data.json").json()
    assert data["network_roles"] == [
        {"network": world["network"].name, "role": "responder"}
    ]
    assert data["trainings"][0]["training"] == "legal_observer"
    assert len(data["on_call"]) == 1 and data["alerts"][0]["answer"] == "waiting"


def test_editing_the_network_keeps_its_slots_areas(client, world):
    network = world["network"]
    slot = world["slots"][0]
    slot.areas.set(network.areas.filter(kind="zip"))
    client.force_login(world["people"]["admin"])
    data = {
        "name": "Southwest Side Rapid Response",
        "hotline": "+1 312 555 0100",
        "timezone": "America/Chicago",
        "languages": ["en", "es"],
        "services": ["legal"],
        # The same city twice, written differently: one area.
        "areas": "city: Chicago\ncity:  CHICAGO\nzip: 60608\nzip: 60609",
        "verifications_needed": "3",
        "escalate_after_minutes": "10",
        "unverified_days": "30",
        "contact_days": "30",
        "alerts_expire_hours": "12",
    }
    assert client.post(f"/rr/{network.slug}/setup/", data).status_code == 302
    network.refresh_from_db()
    assert network.verifications_needed == 3
    assert sorted(network.areas.values_list("kind", "value")) == [
        ("city", "chicago"),
        ("zip", "60608"),
        ("zip", "60609"),
    ]
    assert list(slot.areas.values_list("value", flat=True)) == ["60608"]


def test_an_alert_answer_must_be_yes_or_no(client, world):
    post_report(client, world, urgent="on")
    alert = Alert.objects.get(responder=world["people"]["responder"])
    client.force_login(world["people"]["responder"])
    page = client.post(f"/rr/alerts/{alert.pk}/", {"answer": "maybe"}, follow=True)
    assert "Answer “I am going” or “I cannot go”." in page.content.decode()
    alert.refresh_from_db()
    assert alert.answer == AlertAnswer.WAITING


def test_escalation_skips_groups_with_nobody_new(client, world):
    network, people = world["network"], world["people"]
    second = world["slots"][1]
    second.people.all().delete()  # group 2: only people group 1 already has
    rapid_response.take_slot(slot_id=second.pk, user=people["responder"])
    third = rapid_response.add_slot(
        network=network,
        starts_at=second.starts_at,
        ends_at=second.ends_at,
        tier=3,
        places=5,
    )
    rapid_response.take_slot(slot_id=third.pk, user=people["second group"])
    post_report(client, world, urgent="on")
    report = Report.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert rapid_response.escalate() == 1
    assert list(Alert.objects.filter(tier=3).values_list("responder", flat=True)) == [
        people["second group"].pk
    ]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=22)):
        assert rapid_response.escalate() == 0
    [left] = report.timeline.filter(what="nobody left")
    assert left.describe() == "after group 3"


# Every view goes through the wing's rules, or says it is public.


def test_every_view_calls_a_rule_or_is_marked_public():
    _, urls = get_resolver().namespace_dict["networks"]
    public = set()
    for pattern in urls.url_patterns:
        if getattr(pattern.callback, "public", False):
            public.add(pattern.name)
        else:
            source = inspect.getsource(inspect.unwrap(pattern.callback))
            assert "rules." in source, pattern.name
    assert public == {
        "network",
        "report-form",
        "report-thanks",
        "track",
        "rights",
        "alerts",
        "alerts-feed",
    }


def test_views_leave_checks_to_rules_and_reads_to_selectors():
    source = inspect.getsource(views)
    for word in ("Http404", "get_object_or_404", ".objects.", "is_admin("):
        assert word not in source, word


# Setup: one URL per form, each back to the setup page.


def settings_data(**overrides) -> dict:
    """The network's settings as build() made them, with `overrides`."""
    return {
        "name": "Southwest Side Rapid Response",
        "hotline": "+1 312 555 0100",
        "timezone": "America/Chicago",
        "languages": ["en", "es"],
        "services": ["legal", "documentation"],
        "areas": "city: Chicago\nzip: 60608",
        "verifications_needed": "2",
        "escalate_after_minutes": "10",
        "unverified_days": "30",
        "contact_days": "30",
        "alerts_expire_hours": "12",
        **overrides,
    }


def setup_forms(world) -> dict[str, tuple[str, dict]]:
    slug = world["network"].slug
    person, lawyer = world["people"]["org member"], world["people"]["lawyer"]
    last_month = timezone.localdate() - dt.timedelta(days=30)
    return {
        "save settings": (
            f"/rr/{slug}/setup/",
            settings_data(verifications_needed="3"),
        ),
        "record training": (
            f"/rr/{slug}/setup/trainings/",
            {
                "email": person.email,
                "kind": "verification",
                "completed_on": last_month.isoformat(),
            },
        ),
        "give role": (
            f"/rr/{slug}/setup/roles/",
            {"email": person.email, "role": "support"},
        ),
        "remove role": (
            f"/rr/{slug}/setup/roles/remove/",
            {"email": lawyer.email, "role": "lawyer"},
        ),
    }


def snapshot(network) -> set[tuple]:
    """What the setup forms can change: settings, areas, roles, trainings."""
    network.refresh_from_db()
    settings = {
        ("setting", name, str(value))
        for name, value in vars(network).items()
        if not name.startswith("_")
    }
    return (
        settings
        | {("area", *row) for row in network.areas.values_list("kind", "value")}
        | {
            ("role", *row)
            for row in NetworkMember.objects.filter(network=network).values_list(
                "user_id", "role"
            )
        }
        | {
            ("training", *row)
            for row in Training.objects.filter(network=network).values_list(
                "user_id", "kind"
            )
        }
    )


def expected_change(world, form) -> tuple[set, set]:
    """What `form` (sent with setup_forms' data) removes and adds."""
    person, lawyer = world["people"]["org member"], world["people"]["lawyer"]
    return {
        "save settings": (
            {("setting", "verifications_needed", "2")},
            {("setting", "verifications_needed", "3")},
        ),
        "record training": (set(), {("training", person.pk, "verification")}),
        "give role": (set(), {("role", person.pk, "support")}),
        "remove role": ({("role", lawyer.pk, "lawyer")}, set()),
    }[form]


SETUP_FORMS = ["save settings", "record training", "give role", "remove role"]


@pytest.mark.parametrize("form", SETUP_FORMS)
def test_each_setup_form_saves_from_its_own_url(client, world, form):
    url, data = setup_forms(world)[form]
    before = snapshot(world["network"])
    client.force_login(world["people"]["admin"])
    page = client.post(url, data, follow=True)
    slug = world["network"].slug
    assert page.redirect_chain == [(f"/rr/{slug}/setup/", 302)]
    assert "Saved." in page.content.decode()
    after = snapshot(world["network"])
    assert (before - after, after - before) == expected_change(world, form)


@pytest.mark.parametrize("form", SETUP_FORMS)
@pytest.mark.parametrize(
    "who", ["stranger", "org member", "dispatcher", "admin of another network"]
)
def test_setup_forms_answer_404_to_all_but_the_organizations_admins(
    client, world, form, who
):
    if who == "admin of another network":
        person = build(name="Northside Network", city="Evanston")["people"]["admin"]
    else:
        person = world["people"][who]
    url, data = setup_forms(world)[form]
    before = snapshot(world["network"])
    client.force_login(person)
    assert client.post(url, data).status_code == 404
    assert snapshot(world["network"]) == before


@pytest.mark.parametrize("form", SETUP_FORMS)
def test_setup_forms_send_strangers_to_log_in(client, world, form):
    url, data = setup_forms(world)[form]
    before = snapshot(world["network"])
    page = client.post(url, data)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert snapshot(world["network"]) == before


@pytest.mark.parametrize(
    "form, overrides, message",
    [
        ("save settings", {"areas": "nowhere"}, "Line 1: write"),
        ("save settings", {"verifications_needed": "0"}, "greater than or equal"),
        (
            "record training",
            {"completed_on": "2999-01-01"},
            "Give the day the training was completed.",
        ),
        (
            "record training",
            {"email": "nobody@example.org"},
            "Nobody with this address is in the organization",
        ),
        ("give role", {"role": "verifier"}, "Verifier needs Verification training"),
        ("give role", {"role": "boss"}, "Select a valid choice."),
        (
            "remove role",
            {"email": "nobody@example.org"},
            "Nobody with this address is in the organization",
        ),
    ],
)
def test_bad_setup_input_is_explained_and_changes_nothing(
    client, world, form, overrides, message
):
    url, data = setup_forms(world)[form]
    before = snapshot(world["network"])
    client.force_login(world["people"]["admin"])
    page = client.post(url, {**data, **overrides})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert snapshot(world["network"]) == before


@pytest.mark.parametrize("form", ["record training", "give role", "remove role"])
def test_the_setup_forms_own_urls_take_only_posts(client, world, form):
    url, _ = setup_forms(world)[form]
    client.force_login(world["people"]["admin"])
    assert client.get(url).status_code == 405


def test_the_setup_page_sends_each_form_to_its_own_url(client, world):
    slug = world["network"].slug
    client.force_login(world["people"]["admin"])
    page = client.get(f"/rr/{slug}/setup/").content.decode()
    for url in ("setup/", "setup/trainings/", "setup/roles/"):
        assert f'<form method="post" action="/rr/{slug}/{url}"' in page
    assert f'formaction="/rr/{slug}/setup/roles/remove/"' in page


# On call: taking and leaving a slot, each at its own URL.


def test_taking_and_leaving_a_slot(client, world):
    slug, slot = world["network"].slug, world["slots"][0]
    lawyer = world["people"]["lawyer"]
    client.force_login(lawyer)
    page = client.post(f"/rr/{slug}/on-call/{slot.pk}/take/")
    assert page["Location"] == f"/rr/{slug}/on-call/"
    assert OnCall.objects.filter(slot=slot, user=lawyer).exists()
    schedule = client.get(f"/rr/{slug}/on-call/").content.decode()
    assert f'action="/rr/{slug}/on-call/{slot.pk}/leave/"' in schedule
    assert f'action="/rr/{slug}/on-call/{world["slots"][1].pk}/take/"' in schedule
    page = client.post(f"/rr/{slug}/on-call/{slot.pk}/leave/")
    assert page["Location"] == f"/rr/{slug}/on-call/"
    assert not OnCall.objects.filter(slot=slot, user=lawyer).exists()


@pytest.mark.parametrize("action", ["take", "leave"])
@pytest.mark.parametrize("who", ["stranger", "org member", "another network's"])
def test_slots_answer_404_to_people_without_a_role_there(client, world, action, who):
    if who == "another network's":
        person = build(name="Northside Network", city="Evanston")["people"]["responder"]
    else:
        person = world["people"][who]
    slot = world["slots"][0]
    people = set(slot.people.values_list("user_id", flat=True))
    client.force_login(person)
    url = f"/rr/{world['network'].slug}/on-call/{slot.pk}/{action}/"
    assert client.post(url).status_code == 404
    assert set(slot.people.values_list("user_id", flat=True)) == people


def test_a_full_slot_is_explained_and_not_taken(client, world):
    slug, slot = world["network"].slug, world["slots"][0]
    slot.places = 2
    slot.save(update_fields=["places"])
    client.force_login(world["people"]["lawyer"])
    page = client.post(f"/rr/{slug}/on-call/{slot.pk}/take/", follow=True)
    assert "This slot is full." in page.content.decode()
    assert slot.people.count() == 2
