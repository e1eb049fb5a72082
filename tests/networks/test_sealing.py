"""Personal data sealed at rest: what a copy of the database shows (nothing
that identifies or locates anyone), what happens when the keys are destroyed
(values read as erased, pages still work), and rotation."""

import copy
import io
import os
import pickle
import shutil
import subprocess

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from events.services import confirm_guest_signup, request_guest_signup
from networks import sealing
from networks.models import Invitation, Membership, Notification, Role
from networks.models.mutual_aid import HelpRequest, Pledge
from networks.models.rapid_response import Report, ReportNote
from networks.mutual_aid import services as mutual_aid
from networks.organizations import services as organizations
from networks.outbox import services as outbox
from networks.rapid_response import services as rapid_response
from tests.factories import OrganizationFactory, ShiftFactory, UserFactory
from tests.networks import aid_world, response_world

OLD_KEY = "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE="
NEW_KEY = "Yk0bEwUjKkO5C2g6q7Vn8Jm1x9Wb4Lr3Tz0Ah6Ds2Pc="

# Every field that identifies or locates someone outside an account.
SEALED = {
    "events.GuestSignupRequest.email",
    "events.GuestSignupRequest.name",
    "events.Signup.guest_email",
    "events.Signup.guest_name",
    "networks.HelpRequest.contact",
    "networks.HelpRequest.details",
    "networks.Invitation.email",
    "networks.Pledge.label",
    "networks.Report.contact",
    "networks.Report.description",
    "networks.Report.location",
    "networks.ReportNote.text",
    "networks.TimelineEntry.detail",
    "networks.Verification.note",
}

# What the journey below types in; none of it may be readable in a dump.
PERSONAL = {
    "report place": "4417 W Quarrystone Ave",
    "report contact": "+1 312 555 0177 ask for Quetzal",
    "report description": "Agents took Yolotzin from the laundromat",
    "note": "Called Itzel's sister at 773 555 0166",
    "verification note": "Seen by Tenoch at the Quarrystone laundromat",
    "status note": "Family of Yolotzin says she was released",
    "aid contact": "Signal +1 773 555 0188",
    "aid details": "Xochitl and three kids, second floor",
    "pledge": "Tlaloc parish",
    "guest name": "Citlali Ozomatli",
    "guest address": "citlali.ozo@example.net",
    "pending guest name": "Nayeli Quauhtli",
    "pending guest address": "nayeli.q@example.net",
    "invited address": "invitee.zacnite@example.net",
}


def journey(client) -> dict:
    """A report with a contact, an exact place and a note; a request for help
    with a contact; a pledge; a guest signed up and one waiting; an
    invitation. Through the forms where a stranger would use them."""
    rr = response_world.build()
    slug = rr["network"].slug
    page = client.post(
        f"/rr/{slug}/report/",
        response_world.report_data(
            location=PERSONAL["report place"],
            contact=PERSONAL["report contact"],
            description=PERSONAL["report description"],
        ),
    )
    assert page.status_code == 302
    report = Report.objects.get(network=rr["network"])
    client.force_login(rr["people"]["responder"])
    client.post(f"/rr/{slug}/reports/{report.pk}/note/", {"text": PERSONAL["note"]})
    client.logout()
    rapid_response.verify(
        report=report,
        verifier=rr["people"]["verifier"],
        method="photo",
        note=PERSONAL["verification note"],
    )
    rapid_response.verify(
        report=report,
        verifier=rr["people"]["verifier 2"],
        method="on_scene",
        note="",
    )
    rapid_response.set_status(
        report=report,
        actor=rr["people"]["dispatcher"],
        status="closed",
        note=PERSONAL["status note"],
    )
    aid = aid_world.build()
    page = client.post(
        f"/aid/{aid['network'].slug}/ask/",
        aid_world.ask_data(
            contact=PERSONAL["aid contact"], details=PERSONAL["aid details"]
        ),
    )
    assert page.status_code == 302
    fund = mutual_aid.create_fund(
        network=aid["network"],
        values={"name": "Bond fund", "kind": "bond", "goal": 5000},
    )
    mutual_aid.add_pledge(fund=fund, amount=100, label=PERSONAL["pledge"])
    shift = ShiftFactory(places=5)
    guest = request_guest_signup(
        shift_id=shift.pk,
        name=PERSONAL["guest name"],
        email=PERSONAL["guest address"],
    )
    signup = confirm_guest_signup(token=guest.token)
    request_guest_signup(
        shift_id=shift.pk,
        name=PERSONAL["pending guest name"],
        email=PERSONAL["pending guest address"],
    )
    organizations.invite(
        organization=rr["network"].organization,
        email=PERSONAL["invited address"],
        role=Role.MEMBER,
        actor=rr["people"]["admin"],
    )
    return {"rr": rr, "aid": aid, "report": report, "shift": shift, "signup": signup}


def pg_dump() -> str:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): the proof is a pg_dump")
    if not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump (apt-get install postgresql-client)")
    db = connection.settings_dict
    result = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "--host",
            db["HOST"] or "localhost",
            "--port",
            str(db["PORT"] or 5432),
            "--username",
            db["USER"],
            db["NAME"],
        ],
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_these_fields_and_no_others_are_sealed():
    found = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in sealing.sealed_fields(model)
    }
    assert found == SEALED
    print(f"sealed fields: {len(found)}")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_database_exposes_no_one(client):
    world = journey(client)

    dump = pg_dump()

    # The control: the dump holds what was typed in where it is public.
    assert world["rr"]["network"].name in dump and "Pilsen" in dump
    exposed = sorted(
        what
        for what, text in PERSONAL.items()
        if text in dump or text.lower() in dump.lower()
    )
    print(f"personal strings in the dump: {len(exposed)} of {len(PERSONAL)}")
    assert exposed == []
    # And the app still reads them back.
    assert Report.objects.get().location == PERSONAL["report place"]
    assert world["signup"].guest_name == PERSONAL["guest name"]


@pytest.mark.django_db
def test_a_sealed_value_cannot_be_compared_in_sql():
    with pytest.raises(TypeError, match="contact is sealed"):
        list(Report.objects.filter(contact="+1 312 555 0199"))
    with pytest.raises(Exception, match="Unsupported lookup"):
        list(Report.objects.filter(location__icontains="Blue Island"))


@pytest.mark.django_db(transaction=True)
def test_rotation_reseals_every_field_and_its_hashes(client, settings):
    world = journey(client)
    before = {n: raw(n) for n in ("networks_report", "events_signup")}
    stored = stored_values()
    settings.SEALING_KEYS = [NEW_KEY, OLD_KEY]
    out = io.StringIO()

    call_command("reseal", stdout=out)

    settings.SEALING_KEYS = [NEW_KEY]  # the old key is gone
    assert stored > 12
    assert f"re-sealed {stored} values; 0 unreadable" in out.getvalue()
    assert {n: raw(n) for n in before} != before
    report = Report.objects.get()
    assert (report.location, report.contact) == (
        PERSONAL["report place"],
        PERSONAL["report contact"],
    )
    assert ReportNote.objects.get().text == PERSONAL["note"]
    assert HelpRequest.objects.get().contact == PERSONAL["aid contact"]
    assert Pledge.objects.get().label == PERSONAL["pledge"]
    # The hash moved to the new key: the same address still cannot sign up twice.
    again = request_guest_signup(
        shift_id=world["shift"].pk, name="X", email=PERSONAL["guest address"].upper()
    )
    with pytest.raises(Exception, match="already signed up"):
        confirm_guest_signup(token=again.token)


def stored_values() -> int:
    """How many sealed values the database holds (empty ones aside)."""
    return sum(
        1
        for model in apps.get_models()
        for row in model.objects.all()
        for field in sealing.sealed_fields(model)
        if getattr(row, field.attname)
    )


def raw(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_after_the_keys_are_destroyed_pages_work_and_values_read_erased(
    client, settings
):
    world = journey(client)
    organizer = UserFactory()
    organization = OrganizationFactory()
    Membership.objects.create(
        organization=organization, user=organizer, role=Role.ORGANIZER
    )
    world["shift"].action.organizers.add(organization)
    rr, aid, report = world["rr"], world["aid"], world["report"]
    help_request = HelpRequest.objects.get()

    sealed_before = stored_values()
    settings.SEALING_KEYS = [NEW_KEY]  # the drill: new key, old one destroyed

    call_command("check")  # the app starts
    pages_without = [f"/rr/{rr['network'].slug}/desk/", "/manage/"]
    client.force_login(rr["people"]["dispatcher"])
    for path in pages_without:  # member pages that show no sealed value
        assert client.get(path).status_code == 200, path
    client.logout()
    for public in ("/", f"/rr/{rr['network'].slug}/", f"/aid/{aid['network'].slug}/"):
        assert client.get(public).status_code == 200, public
    pages = [
        (rr["people"]["dispatcher"], f"/rr/{rr['network'].slug}/reports/{report.pk}/"),
        (
            aid["people"]["coordinator"],
            f"/aid/{aid['network'].slug}/requests/{help_request.pk}/",
        ),
        (organizer, f"/manage/shifts/{world['shift'].pk}/roster/"),
    ]
    for person, path in pages:
        client.force_login(person)
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.content.decode()
        assert not any(value in text for value in PERSONAL.values()), path
        assert "(erased)" in text, path
    # Mail waiting for an erased address is dropped, not sent to "(erased)".
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    dropped = Notification.objects.filter(last_error=outbox.ADDRESS_ERASED)
    assert list(dropped.values_list("kind", flat=True)) == ["confirmation"]
    assert not Notification.objects.filter(state="failed").exists()
    # A row saved again keeps the token it had (nothing is overwritten)...
    before = raw("networks_report")
    stored = Report.objects.get()
    stored.save()
    assert raw("networks_report") == before
    # ...and new data is sealed under the new key and read back.
    client.logout()
    client.post(
        f"/rr/{rr['network'].slug}/report/",
        response_world.report_data(location="Under the new key"),
    )
    assert Report.objects.filter(pk__gt=report.pk).get().location == (
        "Under the new key"
    )
    out = io.StringIO()
    call_command("reseal", stdout=out)
    sealed_after = stored_values()
    assert sealed_before > 12
    assert (
        f"re-sealed {sealed_after - sealed_before} values; "
        f"{sealed_before} unreadable" in out.getvalue()
    )
    assert Invitation.objects.get().email == "(erased)"


def test_an_erased_value_keeps_its_token_through_copies_and_pickles(settings):
    token = sealing.seal("12 Oak St")
    settings.SEALING_KEYS = [NEW_KEY]
    erased = sealing.unseal(token)
    for copied in (copy.deepcopy(erased), pickle.loads(pickle.dumps(erased))):
        assert (copied, copied.token) == ("(erased)", token)
    assert sealing.seal(erased) == token  # saved back as it was
