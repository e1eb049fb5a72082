"""Organizers run their organization's actions, shifts and rosters.

A permission table covers every organizer URL for each kind of visitor;
anyone without an organizing role in the organization gets 404.
"""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import urls as events_urls
from events import views as events_views
from events.models import (
    Action,
    ActionStatus,
    DatePrecision,
    Shift,
    Signup,
    SignupStatus,
)
from events.services import sign_up
from networks.models import AuditEntry, Invitation, Membership, Role
from networks.organizations.services import create_organization, set_member
from tests.factories import ActionFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db
NEXT_MONTH = (timezone.now() + dt.timedelta(days=30)).date()


@pytest.fixture
def world():
    admin = UserFactory(email="admin@example.org")
    organization = create_organization(
        user=admin, name="Tacoma Mutual", kind="grassroots"
    )
    organizer, member = UserFactory(), UserFactory()
    set_member(
        organization=organization, user=organizer, role=Role.ORGANIZER, actor=admin
    )
    set_member(organization=organization, user=member, role=Role.MEMBER, actor=admin)
    stranger_admin = UserFactory()
    create_organization(user=stranger_admin, name="Elsewhere", kind="grassroots")
    action = ActionFactory(title="Rally", organizers=[organization])
    shift = ShiftFactory(action=action, places=1)
    volunteer = UserFactory(email="volunteer@example.org", first_name="Ana")
    signup = sign_up(shift_id=shift.pk, volunteer=volunteer)
    staff = UserFactory(is_staff=True, is_superuser=True)
    return {
        "organization": organization,
        "action": action,
        "shift": shift,
        "signup": signup,
        "people": {
            "anonymous": None,
            "volunteer": volunteer,
            "other organizer": stranger_admin,
            "member": member,
            "staff": staff,
            "organizer": organizer,
            "admin": admin,
        },
    }


def urls(world) -> dict[str, tuple[str, str]]:
    slug = world["organization"].slug
    action, shift, signup = world["action"].pk, world["shift"].pk, world["signup"].pk
    membership = Membership.objects.get(role=Role.MEMBER).pk
    return {
        "organization": ("get", f"/manage/o/{slug}/"),
        "new action": ("get", f"/manage/o/{slug}/actions/new/"),
        "action": ("get", f"/manage/actions/{action}/"),
        "new shift": ("get", f"/manage/actions/{action}/shifts/new/"),
        "messages": ("get", f"/manage/actions/{action}/messages/"),
        "shift": ("get", f"/manage/shifts/{shift}/"),
        "roster": ("get", f"/manage/shifts/{shift}/roster/"),
        "roster csv": ("get", f"/manage/shifts/{shift}/roster/?format=csv"),
        "publish": ("post", f"/manage/actions/{action}/publish/"),
        "duplicate": ("post", f"/manage/actions/{action}/duplicate/"),
        "check in": ("post", f"/manage/signups/{signup}/check-in/"),
        "remove shift": ("post", f"/manage/shifts/{shift}/delete/"),
        "invite": ("post", f"/manage/o/{slug}/invitations/"),
        "membership": ("post", f"/manage/memberships/{membership}/"),
        # Last of these: it removes the membership the row above changes.
        "remove member": ("post", f"/manage/memberships/{membership}/remove/"),
    }


ORGANIZING = {"organizer", "admin"}
ADMIN_ONLY = {"invite", "membership", "remove member"}
DATA = {
    "invite": {"email": "someone@example.org", "role": "member"},
    "membership": {"role": "member"},
}
# Pages of one's own, and one public page, in the same table.
OWN_PAGES = {
    "my shifts": ("get", "/me/shifts/"),
    "my account": ("get", "/me/"),
    "my data": ("get", "/me/data.json"),
    "my notification choices": ("get", "/me/notifications/"),
}


def expected(name: str, method: str, who: str) -> int:
    if name == "public action page":
        return 200
    if who == "anonymous":
        return 302  # to the login page
    if name in OWN_PAGES:
        return 200
    if name == "cancel the volunteer's signup":
        return 302 if who == "volunteer" else 404
    if name in ADMIN_ONLY:
        return 302 if who == "admin" else 404
    if who in ORGANIZING:
        return 302 if method == "post" else 200
    return 404


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "volunteer",
        "other organizer",
        "member",
        "staff",
        "organizer",
        "admin",
    ],
)
def test_permission_table(client, world, who):
    person = world["people"][who]
    if person:
        client.force_login(person)
    table = {
        **urls(world),
        **OWN_PAGES,
        "public action page": ("get", world["action"].get_absolute_url()),
        # Last: it changes the signup the rows above use.
        "cancel the volunteer's signup": (
            "post",
            f"/signups/{world['signup'].pk}/cancel/",
        ),
    }
    for name, (method, url) in table.items():
        response = getattr(client, method)(url, DATA.get(name, {}))
        want = expected(name, method, who)
        assert response.status_code == want, (who, name, response.status_code)
        if want == 302 and person is None:
            assert response["Location"].startswith("/accounts/login/")


def test_the_dashboard_needs_a_login_and_lists_ones_organizations(client, world):
    assert client.get("/manage/").status_code == 302
    client.force_login(world["people"]["organizer"])

    page = client.get("/manage/").content.decode()

    assert "Tacoma Mutual" in page and "Elsewhere" not in page


def test_anyone_logged_in_can_start_an_organization_and_becomes_its_admin(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(
        "/manage/organizations/new/", {"name": "Night Watch", "kind": "network"}
    )

    membership = Membership.objects.get(user=person)
    assert membership.role == Role.ADMIN
    assert response["Location"] == f"/manage/o/{membership.organization.slug}/"


def action_data(**overrides):
    data = {
        "title": "Vigil at the courthouse",
        "kind": "vigil",
        "description": "Candles provided.",
        "demands": "ICE out\n\nFree them all\n",
        "date": NEXT_MONTH.isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "venue": "Courthouse steps",
        "city": "Chicago",
        "region": "il",
        "country": "us",
        "timezone": "",
    }
    return {**data, **overrides}


def test_an_organizer_creates_a_draft_adds_two_shifts_and_publishes(client, world):
    client.force_login(world["people"]["organizer"])
    slug = world["organization"].slug

    response = client.post(f"/manage/o/{slug}/actions/new/", action_data())

    action = Action.objects.get(title="Vigil at the courthouse")
    assert response["Location"] == f"/manage/actions/{action.pk}/"
    assert action.status == ActionStatus.DRAFT
    assert action.timezone == "America/Chicago"
    assert action.local_starts_at.hour == 18
    assert action.demands == ["ICE out", "Free them all"]
    assert (action.region, action.country) == ("IL", "US")
    assert client.get(action.get_absolute_url()).status_code == 404
    for role in ("marshal", "medic"):
        client.post(
            f"/manage/actions/{action.pk}/shifts/new/",
            {
                "role": role,
                "starts": f"{NEXT_MONTH}T17:30",
                "ends": f"{NEXT_MONTH}T20:30",
                "places": "4",
            },
        )
    client.post(f"/manage/actions/{action.pk}/publish/")

    page = client.get(action.get_absolute_url()).content.decode()
    assert "Marshal" in page and "Medic" in page
    shift = action.shifts.get(role="medic")
    assert shift.starts_at.astimezone(action.zone).hour == 17
    assert AuditEntry.objects.filter(verb="published", subject=action.title).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "17:00"}, "end_time", "The end is not after the start."),
        ({"date": "2001-01-01"}, "date", "more than a year ago"),
        ({"date": "2099-01-01"}, "date", "more than three years ahead"),
        ({"timezone": "Mars/Olympus"}, "timezone", "is not an IANA time zone"),
        (
            {"city": "Nowhere Special", "region": ""},
            "timezone",
            "cannot tell the time zone",
        ),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"kind": "parade"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_action_input_is_explained_and_nothing_is_stored(
    client, world, changes, field, message
):
    client.force_login(world["people"]["organizer"])
    before = Action.objects.count()

    response = client.post(
        f"/manage/o/{world['organization'].slug}/actions/new/", action_data(**changes)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Action.objects.count() == before


def test_html_in_text_is_shown_as_text(client, world):
    client.force_login(world["people"]["organizer"])
    client.post(
        f"/manage/o/{world['organization'].slug}/actions/new/",
        action_data(title="<script>alert(1)</script>"),
    )
    action = Action.objects.get(title="<script>alert(1)</script>")
    client.post(f"/manage/actions/{action.pk}/publish/")

    page = client.get(action.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_organizers_choose_when_reminders_go(client, world):
    client.force_login(world["people"]["organizer"])
    slug = world["organization"].slug
    client.post(f"/manage/o/{slug}/actions/new/", action_data(reminders="48, 0.5"))
    action = Action.objects.get(title="Vigil at the courthouse")
    assert action.reminder_offsets == [2880, 30]
    page = client.get(f"/manage/actions/{action.pk}/").content.decode()
    assert 'value="48, 0.5"' in page
    client.post(f"/manage/actions/{action.pk}/", action_data(reminders=""))
    action.refresh_from_db()
    assert action.reminder_offsets == []


@pytest.mark.parametrize(
    ("reminders", "message"),
    [
        ("soon", "“soon” is not a number of hours."),
        ("24, nan", "“nan” is not a number of hours."),
        ("0.1", "between 15 minutes and 14 days"),
        ("400", "between 15 minutes and 14 days"),
        ("2, 2", "Each reminder time may appear once."),
        ("1, 2, 3, 4, 5", "At most 4 reminders."),
    ],
)
def test_bad_reminder_times_are_explained_and_change_nothing(
    client, world, reminders, message
):
    client.force_login(world["people"]["organizer"])
    action = world["action"]
    before = list(action.reminder_offsets)
    response = client.post(
        f"/manage/actions/{action.pk}/", action_data(reminders=reminders)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    action.refresh_from_db()
    assert action.reminder_offsets == before == [1440, 120]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"places": "-1"}, "greater than or equal to 0"),
        ({"places": "100000"}, "less than or equal to 10000"),
        ({"ends": f"{NEXT_MONTH}T16:00"}, "The end is not after the start."),
    ],
)
def test_bad_shift_input_is_explained(client, world, values, message):
    client.force_login(world["people"]["organizer"])
    action = world["action"]
    data = {
        "role": "medic",
        "starts": f"{NEXT_MONTH}T17:00",
        "ends": f"{NEXT_MONTH}T19:00",
        "places": "3",
        **values,
    }

    response = client.post(f"/manage/actions/{action.pk}/shifts/new/", data)

    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert action.shifts.count() == 1


def test_places_below_the_confirmed_are_refused_with_the_reason(client, world):
    client.force_login(world["people"]["organizer"])
    shift = world["shift"]
    data = {
        "role": shift.role,
        "starts": shift.starts_at.astimezone(shift.action.zone).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "ends": shift.ends_at.astimezone(shift.action.zone).strftime("%Y-%m-%dT%H:%M"),
        "places": "0",
    }

    response = client.post(f"/manage/shifts/{shift.pk}/", data)

    assert "1 people are already confirmed" in str(response.context["form"].errors)
    shift.refresh_from_db()
    assert shift.places == 1


def test_a_cancelled_action_shows_its_reason_to_everyone(client, world):
    client.force_login(world["people"]["organizer"])
    action = world["action"]

    client.post(f"/manage/actions/{action.pk}/cancel/", {"reason": "Storm warning"})

    client.logout()
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Storm warning" in page
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED


def test_cancelling_logs_the_reason_whole_and_the_status_in_words(client, world):
    client.force_login(world["people"]["organizer"])
    action = world["action"]

    client.post(f"/manage/actions/{action.pk}/cancel/", {"reason": "Storm warning"})

    entry = AuditEntry.objects.get(verb="cancelled")
    assert entry.changes == {
        "status": ["published", "cancelled"],
        "reason": [None, "Storm warning"],
    }
    client.force_login(world["people"]["admin"])
    page = client.get(f"/manage/o/{world['organization'].slug}/").content.decode()
    assert "reason: Storm warning</li>" in page
    assert "status: Published → Cancelled</li>" in page
    assert "M → o" not in page


def test_the_audit_log_names_roles_and_times_in_the_readers_language(client, world):
    organizer = world["people"]["organizer"]
    client.force_login(organizer)
    client.post(
        f"/manage/actions/{world['action'].pk}/shifts/new/",
        {
            "role": "sign_in",
            "starts": f"{NEXT_MONTH}T09:00",
            "ends": f"{NEXT_MONTH}T11:00",
            "places": 2,
        },
    )
    client.force_login(world["people"]["admin"])

    page = client.get(f"/manage/o/{world['organization'].slug}/").content.decode()
    client.cookies["django_language"] = "es"
    spanish = client.get(f"/es/manage/o/{world['organization'].slug}/").content.decode()

    assert "role: Sign-in</li>" in page and "role: Organizer</li>" in page
    assert "sign_in" not in page and "organizer</li>" not in page
    assert re.search(r"<td[^>]*>[^<]+ UTC</td>", page)
    assert "función: Registro de asistencia</li>" in spanish


def test_cancelling_needs_a_reason(client, world):
    client.force_login(world["people"]["organizer"])
    action = world["action"]

    client.post(f"/manage/actions/{action.pk}/cancel/", {"reason": "  "})

    action.refresh_from_db()
    assert action.status == ActionStatus.PUBLISHED


def test_duplicating_copies_the_shifts_but_nobody_on_them(client, world):
    client.force_login(world["people"]["organizer"])

    response = client.post(f"/manage/actions/{world['action'].pk}/duplicate/")

    copy = Action.objects.exclude(pk=world["action"].pk).get()
    assert response["Location"] == f"/manage/actions/{copy.pk}/"
    assert copy.status == ActionStatus.DRAFT
    assert list(copy.organizers.all()) == [world["organization"]]
    assert copy.shifts.count() == 1
    assert not Signup.objects.filter(shift__action=copy).exists()


def test_the_roster_shows_names_to_organizers_and_checks_people_in(client, world):
    client.force_login(world["people"]["organizer"])
    shift, signup = world["shift"], world["signup"]
    waiting = sign_up(
        shift_id=shift.pk, volunteer=UserFactory(email="second@example.org")
    )

    page = client.get(f"/manage/shifts/{shift.pk}/roster/").content.decode()
    client.post(f"/manage/signups/{signup.pk}/check-in/")

    assert "volunteer@example.org" in page and "second@example.org" in page
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    assert waiting.status == SignupStatus.WAITLISTED
    client.post(f"/manage/signups/{signup.pk}/check-in/", {"present": "0"})
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_the_roster_csv_is_private_and_safe_in_a_spreadsheet(client, world):
    client.force_login(world["people"]["organizer"])
    shift = world["shift"]
    sign_up(shift_id=shift.pk, volunteer=UserFactory(first_name="=HYPERLINK(1)"))

    response = client.get(f"/manage/shifts/{shift.pk}/roster/?format=csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Name", "E-mail", "Status", "Signed up", "Checked in"]
    assert rows[1][:3] == ["Ana", "volunteer@example.org", "Confirmed"]
    assert any(row[0].startswith("'=HYPERLINK") for row in rows[1:])


def test_admins_see_the_audit_log_and_members_but_organizers_do_not(client, world):
    client.force_login(world["people"]["organizer"])
    client.post(f"/manage/actions/{world['action'].pk}/duplicate/")
    organizer_page = client.get(
        f"/manage/o/{world['organization'].slug}/"
    ).content.decode()

    client.force_login(world["people"]["admin"])
    admin_page = client.get(f"/manage/o/{world['organization'].slug}/").content.decode()

    assert "duplicated an action" in admin_page and "added a member" in admin_page
    assert "duplicated an action" not in organizer_page
    client.cookies["django_language"] = "es"
    spanish = client.get(f"/es/manage/o/{world['organization'].slug}/").content.decode()
    assert "duplicó una acción" in spanish
    assert "admin@example.org" in admin_page


# The invitation goes out once the data commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_inviting_an_existing_account_adds_nobody_until_they_accept(client, world):
    admin = world["people"]["admin"]
    client.force_login(admin)
    newcomer = verified_user("newcomer@example.org")
    slug = world["organization"].slug

    known = client.post(
        f"/manage/o/{slug}/invitations/",
        {"email": "NEWCOMER@example.org", "role": "organizer"},
    )
    unknown = client.post(
        f"/manage/o/{slug}/invitations/",
        {"email": "nobody@example.org", "role": "member"},
    )

    # The same answer whether or not the address has an account.
    assert known.status_code == unknown.status_code == 302
    assert not Membership.objects.filter(user=newcomer).exists()
    client.force_login(newcomer)
    client.post(invitation_link(mail.outbox[-2]))
    assert Membership.objects.get(user=newcomer).role == Role.ORGANIZER


def test_the_last_admin_cannot_be_removed(client, world):
    admin = world["people"]["admin"]
    client.force_login(admin)
    own = Membership.objects.get(user=admin)

    response = client.post(f"/manage/memberships/{own.pk}/remove/", follow=True)

    assert "at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk, role=Role.ADMIN).exists()


def test_a_shift_with_people_on_it_is_not_removed(client, world):
    client.force_login(world["people"]["organizer"])

    client.post(f"/manage/shifts/{world['shift'].pk}/delete/")

    assert Shift.objects.filter(pk=world["shift"].pk).exists()


def test_the_roster_costs_the_same_queries_at_1_and_100_signups(client, world):
    client.force_login(world["people"]["organizer"])
    small = ShiftFactory(action=world["action"], places=200)
    large = ShiftFactory(action=world["action"], places=200)
    sign_up(shift_id=small.pk, volunteer=UserFactory())
    for person in UserFactory.create_batch(100):
        sign_up(shift_id=large.pk, volunteer=person)

    def queries(shift) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/manage/shifts/{shift.pk}/roster/").status_code == 200
        return len(captured)

    assert queries(small) == queries(large)


def invitation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body)[1]


def verified_user(email: str):
    person = UserFactory(email=email)
    EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
    return person


# The invitation goes out once the data commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_an_invitation_by_email_lets_a_newcomer_join_with_the_role(client, world):
    client.force_login(world["people"]["admin"])
    client.post(
        f"/manage/o/{world['organization'].slug}/invitations/",
        {"email": "New.Person@example.org", "role": "organizer"},
    )
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.org"]
    assert "Tacoma Mutual" in message.subject
    link = invitation_link(message)

    newcomer = verified_user("new.person@example.org")
    client.force_login(newcomer)
    client.post(link)

    assert Membership.objects.get(user=newcomer).role == Role.ORGANIZER
    again = client.post(link, follow=True)
    assert "not valid any more" in again.content.decode()


# The invitation goes out once the data commits, as in production.
@pytest.mark.django_db(transaction=True)
def test_an_invitation_works_only_for_its_address_and_in_time(client, world):
    client.force_login(world["people"]["admin"])
    client.post(
        f"/manage/o/{world['organization'].slug}/invitations/",
        {"email": "invited@example.org", "role": "member"},
    )
    link = invitation_link(mail.outbox[-1])

    client.force_login(verified_user("someone.else@example.org"))
    wrong = client.post(link, follow=True)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(verified_user("invited@example.org"))
    late = client.post(link, follow=True)

    assert "This invitation is for invited@example.org" in wrong.content.decode()
    assert "has expired" in late.content.decode()
    assert not Membership.objects.filter(user__email="invited@example.org").exists()
    assert client.get("/invitations/not-a-token/").status_code == 404


@pytest.mark.parametrize("data", [{}, {"role": "overlord"}])
def test_a_bad_membership_change_is_refused_and_changes_nothing(client, world, data):
    client.force_login(world["people"]["admin"])
    membership = Membership.objects.get(role=Role.MEMBER)

    response = client.post(f"/manage/memberships/{membership.pk}/", data, follow=True)

    assert "Choose a role, or remove the member" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_a_bad_organization_is_refused(client):
    client.force_login(UserFactory())

    response = client.post(
        "/manage/organizations/new/", {"name": "", "kind": "cult"}, follow=True
    )

    assert "Give the organization a name and a kind" in response.content.decode()
    assert not Membership.objects.exists()


# One URL for each form of the organization pages.


def test_starting_an_organization_has_a_url_of_its_own(client):
    person = UserFactory()
    client.force_login(person)

    page = client.get("/manage/").content.decode()
    old_way = client.post("/manage/", {"name": "Night Watch", "kind": "network"})
    looked = client.get("/manage/organizations/new/")

    assert 'action="/manage/organizations/new/"' in page
    assert (old_way.status_code, looked.status_code) == (405, 405)
    assert not Membership.objects.filter(user=person).exists()


def test_starting_an_organization_needs_a_login(client):
    response = client.post(
        "/manage/organizations/new/", {"name": "Night Watch", "kind": "network"}
    )

    assert response["Location"].startswith("/accounts/login/")
    assert not Membership.objects.exists()


def test_the_organization_page_sends_each_form_to_its_own_url(client, world):
    client.force_login(world["people"]["admin"])
    slug = world["organization"].slug
    member = Membership.objects.get(role=Role.MEMBER)

    page = client.get(f"/manage/o/{slug}/").content.decode()
    old_way = client.post(
        f"/manage/o/{slug}/", {"email": "x@example.org", "role": "member"}
    )

    assert f'action="/manage/o/{slug}/invitations/"' in page
    assert f'action="/manage/memberships/{member.pk}/"' in page
    assert f'action="/manage/memberships/{member.pk}/remove/"' in page
    assert old_way.status_code == 405
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["organizer", "member", "other organizer", "staff"])
def test_only_the_organizations_admins_invite(client, world, who):
    client.force_login(world["people"][who])
    sent = len(mail.outbox)

    response = client.post(
        f"/manage/o/{world['organization'].slug}/invitations/",
        {"email": "x@example.org", "role": "admin"},
    )

    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == sent


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-address", "role": "member"}, "E-mail address: Enter a"),
        ({"email": "x@example.org", "role": "overlord"}, "Role: Select a valid"),
        ({"role": "member"}, "E-mail address: This field is required."),
    ],
)
def test_a_bad_invitation_is_explained_and_sends_nothing(client, world, data, error):
    client.force_login(world["people"]["admin"])
    slug = world["organization"].slug
    sent = len(mail.outbox)

    response = client.post(f"/manage/o/{slug}/invitations/", data, follow=True)

    assert response.redirect_chain == [(f"/manage/o/{slug}/", 302)]
    assert error in response.content.decode()
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == sent


def test_an_admin_changes_a_members_role(client, world):
    client.force_login(world["people"]["admin"])
    membership = Membership.objects.get(role=Role.MEMBER)

    response = client.post(
        f"/manage/memberships/{membership.pk}/", {"role": "organizer"}
    )

    assert response["Location"] == f"/manage/o/{world['organization'].slug}/"
    membership.refresh_from_db()
    assert membership.role == Role.ORGANIZER


def test_an_admin_removes_a_member(client, world):
    client.force_login(world["people"]["admin"])
    membership = Membership.objects.get(role=Role.MEMBER)

    response = client.post(f"/manage/memberships/{membership.pk}/remove/")

    assert response["Location"] == f"/manage/o/{world['organization'].slug}/"
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("who", ["other organizer", "organizer", "volunteer"])
def test_nobody_but_its_admins_changes_or_removes_a_member(client, world, who):
    client.force_login(world["people"][who])
    membership = Membership.objects.get(role=Role.MEMBER)

    role = client.post(f"/manage/memberships/{membership.pk}/", {"role": "admin"})
    removed = client.post(f"/manage/memberships/{membership.pk}/remove/")

    assert (role.status_code, removed.status_code) == (404, 404)
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_removing_a_member_needs_a_post(client, world):
    client.force_login(world["people"]["admin"])
    membership = Membership.objects.get(role=Role.MEMBER)

    response = client.get(f"/manage/memberships/{membership.pk}/remove/")

    assert response.status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


# Every page either says it is public, or goes through `events.rules`.

SAMPLE = {
    "IntConverter": 999999,
    "SlugConverter": "nothing-here",
    "StringConverter": "not-a-token",
}


def sample_url(pattern) -> str:
    kwargs = {
        name: SAMPLE[type(converter).__name__]
        for name, converter in pattern.pattern.converters.items()
    }
    return reverse(f"events:{pattern.name}", kwargs=kwargs)


def refuses(response) -> bool:
    if response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code in (404, 405)


@pytest.mark.parametrize(
    "pattern",
    [p for p in events_urls.urlpatterns if not getattr(p.callback, "public", False)],
    ids=lambda p: p.name,
)
def test_a_page_not_marked_public_refuses_an_anonymous_visitor(client, pattern):
    url = sample_url(pattern)

    assert refuses(client.get(url)) and refuses(client.post(url)), url


def test_views_neither_query_nor_answer_404_themselves():
    """Reads are the selectors', and who may see what is `events.rules`'."""
    views = Path(events_views.__file__).parent
    found = {
        (path.name, word)
        for path in views.glob("*.py")
        for word in (".objects", "Http404", "get_object_or_404", "is_admin(")
        if word in path.read_text()
    }

    assert found == set()


def test_a_new_shift_starts_as_the_actions_span(client, world):
    action = world["action"]
    action.date_precision = DatePrecision.DATETIME
    action.start_date = NEXT_MONTH
    action.starts_at = dt.datetime.combine(NEXT_MONTH, dt.time(17), tzinfo=dt.UTC)
    action.ends_at = action.starts_at + dt.timedelta(hours=3)
    action.save()
    client.force_login(world["people"]["organizer"])

    response = client.get(f"/manage/actions/{action.pk}/shifts/new/")

    local = action.local_starts_at.replace(tzinfo=None)
    form = response.context["form"]
    assert form["starts"].value() == local
    assert form["ends"].value() == local + dt.timedelta(hours=3)
    # As a browser's datetime-local input takes it (with the "T").
    page = response.content.decode()
    assert f'name="starts" value="{local:%Y-%m-%dT%H:%M}"' in page
    ends = local + dt.timedelta(hours=3)
    assert f'name="ends" value="{ends:%Y-%m-%dT%H:%M}"' in page


def test_a_new_shift_of_a_date_only_action_offers_no_invented_time(client, world):
    client.force_login(world["people"]["organizer"])

    form = client.get(f"/manage/actions/{world['action'].pk}/shifts/new/").context[
        "form"
    ]

    assert form["starts"].value() is None and form["ends"].value() is None
