"""A new person signs up on a phone in Spanish, confirms the address and logs
in again; a dispatcher sets up two-factor authentication on a laptop and gets
back to the desk. Account pages look like the rest of the site throughout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from networks.models.rapid_response import ResponseRole
from tests.networks.response_world import build, member_with
from tests.test_accounts import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, *, locale, width, height):
    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def expect_site_page(page, language):
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator(".site-header .brand")).to_be_visible()
    # The stylesheet is applied: the header has the site's colour.
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        == "rgb(11, 93, 75)"
    )
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "window.innerWidth"
    )


def test_sign_up_confirm_and_log_in_on_a_phone_in_spanish(browser, live_server):
    page = new_page(browser, locale="es-US", width=390, height=844)

    # A Spanish browser asking for a private page is sent to log in, in Spanish.
    page.goto(f"{live_server.url}/me/shifts/")
    expect(page).to_have_url(re.compile(r"/es/accounts/login/\?next=/es/me/shifts/$"))
    expect_site_page(page, "es")
    page.locator("main a[href^='/es/accounts/signup/']").click()

    expect_site_page(page, "es")
    page.get_by_label("Correo electrónico").fill("rosa@example.org")
    page.locator("#id_first_name").fill("Rosa")
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_label("Contraseña (de nuevo)").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/es/accounts/confirm-email/$"))
    expect_site_page(page, "es")

    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)[1]
    page.goto(live_server.url + link)
    expect_site_page(page, "es")
    expect(page.locator("main")).to_contain_text("rosa@example.org")
    page.get_by_role("button", name="Confirmar").click()

    # Confirmed in the browser that signed up: logged in, where she was going.
    expect(page).to_have_url(f"{live_server.url}/es/me/shifts/")
    expect(page.locator("h1")).to_have_text("Mis turnos")
    assert EmailAddress.objects.get(email="rosa@example.org").verified

    open_menu(page)
    page.get_by_role("link", name="Cerrar sesión").click()
    expect_site_page(page, "es")
    page.locator("main form button[type=submit]").click()
    open_menu(page)
    page.get_by_role("link", name="Iniciar sesión").click()
    page.get_by_label("Correo electrónico").fill("rosa@example.org")
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/es/")
    open_menu(page)
    expect(page.get_by_role("link", name="Mi cuenta")).to_be_visible()
    page.get_by_role("link", name="Mi cuenta").click()
    expect(page.locator("#id_name")).to_have_value("Rosa")
    page.context.close()


def open_menu(page):
    """On a phone the header's links are folded behind its menu button."""
    menu = page.locator("header details.menu")
    if (
        menu.get_attribute("open") is None
        and page.locator("header details.menu > summary").is_visible()
    ):
        page.locator("header details.menu > summary").click()


def test_a_dispatcher_sets_up_two_factor_and_gets_back_to_the_desk(
    browser, live_server
):
    network = build()["network"]
    dispatcher = member_with(
        network, ResponseRole.DISPATCHER, email="new-dispatcher@example.org", mfa=False
    )
    dispatcher.set_password(PASSWORD)
    dispatcher.save()
    EmailAddress.objects.create(
        user=dispatcher, email=dispatcher.email, verified=True, primary=True
    )
    desk = f"/rr/{network.slug}/desk/"
    page = new_page(browser, locale="en-US", width=1280, height=800)

    page.goto(live_server.url + desk)
    expect(page.locator("h1")).to_have_text("Log in")
    expect_site_page(page, "en")
    page.get_by_label("Email").fill(dispatcher.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(live_server.url + desk)
    expect(page.locator("h1")).to_have_text("Two-factor authentication needed")
    page.get_by_role("link", name="Set up two-factor authentication").click()
    # allauth asks for the password again before a second factor changes.
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    expect_site_page(page, "en")
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.locator("h1")).to_have_text("Recovery codes")
    expect_site_page(page, "en")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept my codes: continue where I was").click()

    expect(page).to_have_url(live_server.url + desk)
    expect(page.locator("h1")).to_contain_text(f"Desk: {network.name}")
    page.context.close()
