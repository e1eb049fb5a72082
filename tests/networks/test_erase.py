"""Emergency erase: an organization's admin, with two-factor authentication
and the network's name typed, erases a network's sensitive data at once;
only counts remain, and the pages still work."""

import pytest
from django.db import connection

from networks.models import AuditEntry, AuditVerb
from networks.models.mutual_aid import HelpRequest
from networks.models.rapid_response import Report, ReportNote, ReportPhoto
from networks.mutual_aid import services as mutual_aid
from networks.rapid_response import services as rapid_response
from tests.networks import aid_world, response_world
from tests.networks.response_world import jpeg_with_gps, report_data, with_mfa

pytestmark = pytest.mark.django_db


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def rr(client):
    world = response_world.build()
    slug = world["network"].slug
    client.post(f"/rr/{slug}/report/", {**report_data(), "photos": [jpeg_with_gps()]})
    client.post(f"/rr/{slug}/report/", report_data(location="2nd St and Oak"))
    report = Report.objects.order_by("pk").first()
    rapid_response.verify(
        report=report,
        verifier=world["people"]["verifier"],
        method="on_scene",
        note="Saw Marisol's van",
    )
    rapid_response.add_note(
        report=report, author=world["people"]["responder"], text="Family at church"
    )
    world["report"] = report
    world["erase"] = f"/rr/{slug}/setup/erase/"
    return world


def erase(client, person, path, typed):
    client.force_login(person)
    return client.post(path, {"confirm": typed})


def sensitive_rr() -> list[tuple]:
    return rows(
        "SELECT contact, location, description FROM networks_report ORDER BY id"
    )


def test_an_admin_with_two_factor_erases_a_rapid_response_network(
    client, rr, django_capture_on_commit_callbacks
):
    admin = with_mfa(rr["people"]["admin"])
    photo = ReportPhoto.objects.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    assert all(all(values) for values in sensitive_rr())

    with django_capture_on_commit_callbacks(execute=True):
        page = erase(client, admin, rr["erase"], rr["network"].name)

    assert page.status_code == 302
    # Straight from the database: the reports are there, as counts only.
    assert sensitive_rr() == [("", "", ""), ("", "", "")]
    assert rows("SELECT count(*) FROM networks_reportphoto") == [(0,)]
    assert rows("SELECT count(*) FROM networks_reportnote") == [(0,)]
    assert rows("SELECT note FROM networks_verification") == [("",)]
    assert not storage.exists(name)
    assert (
        rows("SELECT kind, neighbourhood, city FROM networks_report")
        == [("home_raid", "Pilsen", "Chicago")] * 2
    )
    entry = AuditEntry.objects.get(verb=AuditVerb.ERASED)
    assert (entry.actor, entry.subject, entry.changes) == (
        admin,
        rr["network"].name,
        {"reports": 2, "photos": 1, "notes": 1},
    )
    # What is left still renders, for the public and for the dispatcher.
    slug = rr["network"].slug
    assert client.get(f"/rr/{slug}/").status_code == 200
    client.force_login(rr["people"]["dispatcher"])
    detail = client.get(f"/rr/{slug}/reports/{rr['report'].pk}/")
    assert detail.status_code == 200
    assert "1800 S Blue Island Ave" not in detail.content.decode()
    assert client.get(f"/rr/{slug}/desk/").status_code == 200


@pytest.mark.parametrize("who", ["dispatcher", "org member", "stranger"])
def test_anyone_but_the_admins_gets_404(client, rr, who):
    person = with_mfa(rr["people"][who]) if who != "dispatcher" else rr["people"][who]
    client.force_login(person)
    assert client.get(rr["erase"]).status_code == 404
    assert client.post(rr["erase"], {"confirm": rr["network"].name}).status_code == 404
    assert ReportNote.objects.count() == 1
    assert all(all(values) for values in sensitive_rr())


def test_strangers_are_sent_to_log_in(client, rr):
    page = client.post(rr["erase"], {"confirm": rr["network"].name})
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert all(all(values) for values in sensitive_rr())


def test_an_admin_without_two_factor_is_refused(client, rr):
    page = erase(client, rr["people"]["admin"], rr["erase"], rr["network"].name)
    assert page.status_code == 403
    assert "Two-factor authentication needed" in page.content.decode()
    assert all(all(values) for values in sensitive_rr())
    assert not AuditEntry.objects.filter(verb=AuditVerb.ERASED).exists()


@pytest.mark.parametrize("typed", ["", "Southwest Side", "yes", "x" * 300])
def test_a_wrong_name_changes_nothing(client, rr, typed):
    admin = with_mfa(rr["people"]["admin"])
    before = rows("SELECT * FROM networks_report ORDER BY id")

    page = erase(client, admin, rr["erase"], typed)

    assert page.status_code == 400
    if typed in ("Southwest Side", "yes"):
        assert "That is not the network&#x27;s name" in page.content.decode()
    assert rows("SELECT * FROM networks_report ORDER BY id") == before
    assert (ReportPhoto.objects.count(), ReportNote.objects.count()) == (1, 1)
    assert not AuditEntry.objects.filter(verb=AuditVerb.ERASED).exists()


def test_the_page_says_what_it_erases(client, rr):
    client.force_login(with_mfa(rr["people"]["admin"]))
    page = client.get(rr["erase"]).content.decode()
    assert "Type the network&#x27;s name to confirm" in page
    assert "reporters&#x27; contacts" in page


def test_an_admin_with_two_factor_erases_a_mutual_aid_network(client):
    world = aid_world.build()
    network = world["network"]
    mutual_aid.submit_request(
        network=network,
        values=aid_world.help_request_values(),
        contact=aid_world.CONTACT,
    )
    fund = mutual_aid.create_fund(
        network=network, values={"name": "Bond", "kind": "bond", "goal": 500}
    )
    mutual_aid.add_pledge(fund=fund, amount=50, label="Don Rafa")
    path = f"/aid/{network.slug}/setup/erase/"
    admin = world["people"]["admin"]
    assert erase(client, admin, path, network.name).status_code == 403  # no 2FA
    assert erase(client, with_mfa(admin), path, "Pilsen").status_code == 400
    assert HelpRequest.objects.get().contact == aid_world.CONTACT

    page = erase(client, admin, path, network.name.upper())

    assert page.status_code == 302
    assert rows("SELECT contact, details, kind FROM networks_helprequest") == [
        ("", "", "food")
    ]
    assert rows("SELECT label FROM networks_pledge") == [("",)]
    client.force_login(world["people"]["coordinator"])
    help_request = HelpRequest.objects.get()
    detail = client.get(f"/aid/{network.slug}/requests/{help_request.pk}/")
    assert detail.status_code == 200
    assert aid_world.CONTACT not in detail.content.decode()
    assert client.get(f"/aid/{network.slug}/coordinate/").status_code == 200
