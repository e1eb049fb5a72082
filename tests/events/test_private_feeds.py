"""Private feeds: a volunteer's own shifts, an organization's drafts."""

import datetime as dt

import icalendar
import pytest
import vobject
from django.core.cache import cache

from events.models import ActionStatus
from events.services import cancel_signup, sign_up
from networks.models import Role
from networks.organizations.services import create_organization, feed_token, set_member
from tests.factories import ActionFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def parse(content: bytes) -> icalendar.Calendar:
    vobject.readOne(content.decode())  # a second, independent parser agrees
    return icalendar.Calendar.from_ical(content)


def test_a_volunteer_subscribes_to_their_own_shifts(client):
    me, someone = (
        UserFactory(email="me@example.org"),
        UserFactory(email="x@example.org"),
    )
    full = ShiftFactory(places=1, role="medic", what_to_bring="Gloves")
    sign_up(shift_id=full.pk, volunteer=someone)
    waiting = sign_up(shift_id=full.pk, volunteer=me)
    mine = sign_up(shift_id=ShiftFactory(role="marshal").pk, volunteer=me)
    ShiftFactory()  # a shift I am not on
    token = feed_token(me)

    response = client.get(f"/feeds/private/{token}/shifts.ics")

    assert response["Cache-Control"].startswith("private")
    events = {str(e["uid"]): e for e in parse(response.content).walk("VEVENT")}
    assert set(events) == {
        f"signup-{waiting.pk}@organizer.invalid",
        f"signup-{mine.pk}@organizer.invalid",
    }
    medic = events[f"signup-{waiting.pk}@organizer.invalid"]
    assert str(medic["status"]) == "TENTATIVE"
    assert str(medic["summary"]).startswith("Medic · ")
    assert "Gloves" in str(medic["description"])
    assert medic.decoded("dtstart") == full.starts_at
    assert (
        b"x@example.org" not in response.content
        and b"me@example.org" not in response.content
    )


def test_cancelling_shows_in_the_feed(client):
    me = UserFactory()
    signup = sign_up(shift_id=ShiftFactory().pk, volunteer=me)
    url = f"/feeds/private/{feed_token(me)}/shifts.ics"
    client.get(url)

    cancel_signup(signup_id=signup.pk)

    event = parse(client.get(url).content).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED"


def test_a_promotion_reaches_the_feed(client):
    me = UserFactory()
    shift = ShiftFactory(places=1)
    first = sign_up(shift_id=shift.pk, volunteer=UserFactory())
    sign_up(shift_id=shift.pk, volunteer=me)
    url = f"/feeds/private/{feed_token(me)}/shifts.ics"
    assert (
        str(parse(client.get(url).content).walk("VEVENT")[0]["status"]) == "TENTATIVE"
    )

    cancel_signup(signup_id=first.pk)  # promotes me with bulk_update

    assert (
        str(parse(client.get(url).content).walk("VEVENT")[0]["status"]) == "CONFIRMED"
    )


def test_regenerating_the_token_kills_the_old_address(client):
    me = UserFactory()
    client.force_login(me)
    old = feed_token(me)
    assert client.get(f"/feeds/private/{old}/shifts.ics").status_code == 200

    client.post("/me/feed/regenerate/")

    assert client.get(f"/feeds/private/{old}/shifts.ics").status_code == 404
    assert client.get(f"/feeds/private/{feed_token(me)}/shifts.ics").status_code == 200
    assert client.get("/feeds/private/made-up/shifts.ics").status_code == 404


def test_organizers_get_their_organizations_drafts_and_nobody_else_does(client):
    admin, member = UserFactory(), UserFactory()
    organization = create_organization(user=admin, name="Night Watch", kind="network")
    set_member(organization=organization, user=member, role=Role.MEMBER, actor=admin)
    ActionFactory(
        title="Secret draft",
        status=ActionStatus.DRAFT,
        organizers=[organization],
        start_date=dt.date.today() + dt.timedelta(days=9),
    )
    url = "/feeds/private/{}/organizations/" + organization.slug + ".ics"

    own = client.get(url.format(feed_token(admin)))
    other = client.get(url.format(feed_token(member)))

    assert b"Secret draft" in own.content
    assert own["Cache-Control"].startswith("private")
    assert other.status_code == 404
    assert b"Secret draft" not in client.get("/feeds/actions.ics").content


def test_the_account_page_offers_the_private_feeds(client):
    me = UserFactory()
    create_organization(user=me, name="Night Watch", kind="network")
    client.force_login(me)

    page = client.get("/me/").content.decode()

    assert f"/feeds/private/{feed_token(me)}/shifts.ics" in page
    assert f"/feeds/private/{feed_token(me)}/organizations/night-watch.ics" in page
