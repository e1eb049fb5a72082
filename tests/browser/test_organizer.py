"""An organizer staffs an action; a volunteer signs up; the organizer checks in."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Action
from events.services import sign_up
from networks.organizations.services import create_organization
from tests.browser.conftest import logged_in_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organizer_staffs_an_action_and_checks_a_volunteer_in(browser, live_server):
    organizer = UserFactory(email="organizer@example.org")
    organization = create_organization(
        user=organizer, name="Tacoma Rapid", kind="network"
    )
    early_bird = UserFactory(email="early@example.org", first_name="Early")
    volunteer = UserFactory(email="late@example.org", first_name="Late")
    day = (timezone.now() + dt.timedelta(days=20)).date().isoformat()

    page = logged_in_page(browser, live_server, organizer)
    page.goto(f"{live_server.url}/manage/o/{organization.slug}/")
    page.get_by_role("link", name="New action").click()
    page.get_by_label("Title").fill("Vigil for the detained")
    page.get_by_label("Kind of action").select_option("vigil")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("City").fill("Tacoma")
    page.get_by_label("State or region").fill("WA")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".messages")).to_contain_text("Saved as a draft")
    for role, places in (("marshal", "1"), ("medic", "3")):
        page.get_by_role("link", name="Add a shift").click()
        page.get_by_label("Role").select_option(role)
        page.get_by_label("Starts").fill(f"{day}T17:30")
        page.get_by_label("Ends").fill(f"{day}T20:30")
        page.get_by_label("Places").fill(places)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("Shift added")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Published")

    action = Action.objects.get(title="Vigil for the detained")
    marshal = action.shifts.get(role="marshal")
    sign_up(shift_id=marshal.pk, volunteer=early_bird)

    other = logged_in_page(browser, live_server, volunteer)
    other.goto(live_server.url + action.get_absolute_url())
    shift_box = other.locator(f"#shift-{marshal.pk}")
    expect(shift_box).to_contain_text("1 of 1 place taken")
    shift_box.get_by_role("button", name="Join the waitlist").click()
    expect(other.locator(".messages")).to_contain_text("you are on the waitlist")
    other.get_by_role("link", name="My shifts").first.click()
    expect(other.locator("main")).to_contain_text("On the waitlist, 0 people ahead")

    page.goto(f"{live_server.url}/manage/shifts/{marshal.pk}/roster/")
    roster = page.locator("main")
    expect(roster).to_contain_text("early@example.org")
    expect(roster).to_contain_text("late@example.org")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("button", name="Checked in · undo")).to_be_visible()
    assert marshal.signups.get(volunteer=early_bird).checked_in_at is not None
