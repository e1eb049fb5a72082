"""Someone reports a raid from a phone; a dispatcher alerts the people on call;
a responder says they are going; the dispatcher sees it."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models.rapid_response import Report
from networks.rapid_response import services as rapid_response
from tests.browser.conftest import logged_in_page
from tests.networks.response_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_from_the_public_form_to_a_dispatched_alert(browser, live_server):
    world = build()
    network, people = world["network"], world["people"]

    phone = browser.new_context(locale="es-US", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/es/rr/{network.slug}/report/")
    page.get_by_label("Redada en una vivienda").check()
    page.get_by_label("Ciudad").fill("Chicago")
    page.get_by_label("Barrio").fill("Pilsen")
    page.get_by_label("Lugar exacto").fill("1800 S Blue Island Ave")
    page.get_by_label("¿Qué está pasando?").fill("Dos camionetas sin placas.")
    page.get_by_role("button", name="Enviar el reporte").click()
    expect(page.locator("h1")).to_contain_text("Gracias")
    phone.close()
    report = Report.objects.get()
    assert (report.language, report.neighbourhood) == ("es", "Pilsen")

    desk = logged_in_page(browser, live_server, people["dispatcher"])
    desk.goto(f"{live_server.url}/rr/{network.slug}/desk/")
    desk.get_by_role("link", name=report.created_at.strftime("%b")).first.click()
    expect(desk.get_by_text("1800 S Blue Island Ave")).to_be_visible()
    desk.get_by_role("button", name="Alert the people on call now").click()
    expect(desk.locator(".messages")).to_contain_text("2 people on call alerted.")
    expect(desk.get_by_text(f"{people['responder'].email} · group 1")).to_be_visible()

    alert = report.alerts.get(responder=people["responder"])
    responder = logged_in_page(browser, live_server, people["responder"])
    responder.goto(f"{live_server.url}/rr/alerts/{alert.pk}/")
    responder.get_by_role("button", name="I am going").click()
    expect(responder.locator(".messages")).to_contain_text("Thank you")

    desk.reload()
    expect(
        desk.get_by_text(f"{people['responder'].email} · group 1 · Going")
    ).to_be_visible()


def test_an_admin_gives_and_removes_a_role_from_the_setup_page(browser, live_server):
    world = build()
    network, people = world["network"], world["people"]
    member = people["org member"]
    page = logged_in_page(browser, live_server, people["admin"])
    page.goto(f"{live_server.url}/rr/{network.slug}/setup/")
    roles = page.locator("form").filter(has=page.get_by_label("Role", exact=True))

    roles.get_by_label("Their e-mail address").fill(member.email)
    roles.get_by_label("Role", exact=True).select_option("support")
    roles.get_by_role("button", name="Give the role").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_text(f"{member.email} · Support")).to_be_visible()

    # The form's other button posts the same fields to the removal's URL.
    roles.get_by_label("Their e-mail address").fill(member.email)
    roles.get_by_label("Role", exact=True).select_option("support")
    roles.get_by_role("button", name="Remove the role").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.get_by_text(f"{member.email} · Support")).to_have_count(0)

    roles.get_by_label("Their e-mail address").fill(member.email)
    roles.get_by_label("Role", exact=True).select_option("verifier")
    roles.get_by_role("button", name="Give the role").click()
    expect(roles).to_contain_text("Verifier needs Verification training first")
    expect(page.get_by_text(f"{member.email} · Verifier")).to_have_count(0)


def test_a_lawyer_takes_a_slot_and_leaves_it(browser, live_server):
    world = build()
    network, lawyer = world["network"], world["people"]["lawyer"]
    page = logged_in_page(browser, live_server, lawyer)
    page.goto(f"{live_server.url}/rr/{network.slug}/on-call/")
    first = page.locator("tbody tr").first
    first.get_by_role("button", name="Take this slot").click()
    expect(first).to_contain_text(lawyer.email)
    first.get_by_role("button", name="Leave").click()
    expect(first.get_by_role("button", name="Take this slot")).to_be_visible()
    expect(first).not_to_contain_text(lawyer.email)


def test_the_desk_shows_a_new_report_without_a_reload(browser, live_server, settings):
    settings.DESK_REFRESH_SECONDS = 1
    world = build()
    network, people = world["network"], world["people"]
    desk = logged_in_page(browser, live_server, people["dispatcher"])
    errors = []
    desk.on("console", lambda m: m.type == "error" and errors.append(m.text))
    desk.goto(f"{live_server.url}/rr/{network.slug}/desk/")
    expect(desk.get_by_text("No open reports.")).to_be_visible()

    rapid_response.submit_report(
        network=network,
        values={
            "kind": "checkpoint",
            "seen_at": timezone.now(),
            "city": "Chicago",
            "neighbourhood": "Little Village",
        },
        source="hotline",
    )
    row = desk.get_by_role("row").filter(has_text="Little Village")
    expect(row).to_be_visible(timeout=20_000)
    expect(row).to_contain_text("new")
    expect(desk.locator(".desk-summary")).to_contain_text(
        "1 new report since you last looked."
    )
    assert errors == []


def test_a_dispatcher_opens_a_request_for_help_from_a_phone(browser, live_server):
    from networks.models.mutual_aid import HelpRequest
    from networks.mutual_aid import services as mutual_aid

    world = build()
    network, people = world["network"], world["people"]
    mutual_aid.create_network(
        organization=network.organization,
        values={"name": "Pilsen Mutual Aid", "timezone": "America/Chicago"},
    )
    report = rapid_response.submit_report(
        network=network,
        values={
            "kind": "home_raid",
            "seen_at": timezone.now(),
            "city": "Chicago",
            "neighbourhood": "Pilsen",
            "zip_code": "60608",
            "location": "1800 S Blue Island Ave",
            "description": "Dos camionetas.",
            "language": "es",
            "contact": "+1 312 555 0199",
        },
    )
    rapid_response.record_outcome(
        report=report, actor=people["dispatcher"], values={"detained": 1}
    )
    desk = logged_in_page(browser, live_server, people["dispatcher"])
    desk.set_viewport_size({"width": 360, "height": 800})
    desk.goto(f"{live_server.url}/es/rr/{network.slug}/reports/{report.pk}/")
    form = desk.locator(
        "form", has=desk.get_by_role("button", name="Abrir una solicitud de ayuda")
    )
    form.get_by_label("Red de ayuda mutua").select_option(label="Pilsen Mutual Aid")
    form.get_by_label("Monto (US$)", exact=False).fill("2000")
    form.get_by_role("button", name="Abrir una solicitud de ayuda").click()
    expect(desk.locator(".messages")).to_contain_text("queda en espera")
    if shots := os.environ.get("SCREENSHOT_DIR"):
        desk.screenshot(path=f"{shots}/report-help-es-360.png", full_page=True)
    width = desk.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    request = HelpRequest.objects.get()
    assert (request.kind, request.amount, request.contact) == ("bond", 2000, "")
