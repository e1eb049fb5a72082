"""A request for help sent in Spanish is published, matched, claimed and
fulfilled, each step in a real browser."""

import pytest
from playwright.sync_api import expect

from networks.models.mutual_aid import HelpRequest
from tests.browser.conftest import logged_in_page
from tests.networks.aid_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_spanish_request_is_matched_claimed_and_fulfilled(browser, live_server):
    world = build()
    network, people = world["network"], world["people"]

    phone = browser.new_context(locale="es-US", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/es/aid/{network.slug}/ask/")
    page.get_by_label("Comida").check()
    page.get_by_label("Esta semana").check()
    page.get_by_label("Código postal").fill("60608")
    page.get_by_label("Idioma para contactarte").select_option("es")
    page.get_by_label("¿Cómo podemos contactarte?").fill("Llamar al 773 555 0142")
    page.get_by_role("button", name="Enviar mi solicitud").click()
    expect(page.locator("h1")).to_contain_text("Recibimos tu solicitud")
    phone.close()
    help_request = HelpRequest.objects.get()
    assert help_request.language == "es"

    desk = logged_in_page(browser, live_server, people["coordinator"])
    desk.goto(f"{live_server.url}/aid/{network.slug}/coordinate/")
    expect(
        desk.get_by_text(f"{people['grocer'].email}: Groceries for a family")
    ).to_be_visible()
    desk.get_by_role("link", name="Food · 60608").first.click()
    expect(desk.get_by_text("Llamar al 773 555 0142")).to_be_visible()
    desk.get_by_role("button", name="Publish to helpers").click()
    expect(desk.locator(".badge")).to_contain_text("Open")

    helper = logged_in_page(browser, live_server, people["grocer"])
    helper.goto(f"{live_server.url}/aid/{network.slug}/board/")
    expect(helper.get_by_text("Llamar al 773 555 0142")).to_have_count(0)
    helper.get_by_role("button", name="I can help with this").click()
    expect(helper.get_by_text("Llamar al 773 555 0142")).to_be_visible()
    helper.get_by_role("button", name="Done: mark fulfilled").click()
    expect(helper.locator(".messages")).to_contain_text("Thank you")
    help_request.refresh_from_db()
    assert (help_request.status, help_request.helper) == ("fulfilled", people["grocer"])


def test_an_admin_gives_and_takes_away_a_role_on_the_setup_page(browser, live_server):
    world = build()
    network, people = world["network"], world["people"]
    member = people["org member"]
    page = logged_in_page(browser, live_server, people["admin"])
    page.goto(f"{live_server.url}/aid/{network.slug}/setup/")

    page.get_by_label("Their e-mail address").fill(people["stranger"].email)
    page.get_by_role("button", name="Give the role").click()
    expect(page.locator(".messages")).to_contain_text(
        "Nobody with this address is in the organization"
    )

    page.get_by_label("Their e-mail address").fill(member.email)
    page.get_by_label("Role").select_option("coordinator")
    page.get_by_role("button", name="Give the role").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_text(f"{member.email} · Coordinator")).to_be_visible()

    page.get_by_role("listitem").filter(
        has_text=f"{member.email} · Coordinator"
    ).get_by_role("button", name="Remove the role").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_text(f"{member.email} · Coordinator")).to_have_count(0)
    assert not member.aid_roles.exists()
