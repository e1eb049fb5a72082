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
    request = HelpRequest.objects.get()
    assert request.language == "es"

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
    request.refresh_from_db()
    assert (request.status, request.helper) == ("fulfilled", people["grocer"])
