"""What a person sees on a phone: the feedback of what they just did is on
the screen in front of them, not above it."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from events import services
from events.models import GuestSignupRequest, OrganizerMessage, Signup
from networks.models import Membership
from networks.models.mutual_aid import HelpRequest
from networks.models.rapid_response import Report
from networks.organizations.services import create_organization
from tests.factories import ActionFactory, ShiftFactory, UserFactory
from tests.networks import aid_world, response_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    """Opens a 360 px phone for a person (or nobody); closes them all after
    the test, so no page is left talking to the server."""
    contexts = []

    def open_phone(user=None, *, locale="en-US"):
        context = browser.new_context(locale=locale, viewport=PHONE)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"].value
            context.add_cookies(
                [{"name": "sessionid", "value": cookie, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_phone
    for context in contexts:
        context.close()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def an_action_with_shifts():
    """An action whose shifts sit far down its page, under a long text."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    action = ActionFactory(
        title="Vigil for the detained",
        description="\n\n".join(["Why we gather, and what to expect."] * 30),
    )
    early = ShiftFactory(action=action, places=1, starts_at=starts)
    late = ShiftFactory(
        action=action, role="medic", starts_at=starts + dt.timedelta(hours=1)
    )
    return action, early, late


def test_signing_up_says_so_inside_the_shift_on_screen(phone, live_server):
    action, early, late = an_action_with_shifts()
    volunteer = UserFactory(email="vero@example.org")
    services.sign_up(shift_id=early.pk, volunteer=UserFactory())
    page = phone(volunteer)
    page.goto(live_server.url + action.get_absolute_url())

    page.locator(f"#shift-{late.pk}").get_by_role("button", name="Sign up").click()

    box = page.locator(f"#shift-{late.pk}")
    done = box.get_by_role("status").get_by_text("You are signed up. Thank you!")
    expect(done).to_be_in_viewport()
    expect(box.locator(".badge.ok")).to_have_text("You are signed up. My shifts")
    assert page.evaluate("scrollY") > 740  # the shift is far down the page

    page.locator(f"#shift-{early.pk}").get_by_role(
        "button", name="Join the waitlist"
    ).click()
    box = page.locator(f"#shift-{early.pk}")
    expect(box.get_by_text("This shift is full")).to_be_in_viewport()
    expect(box.get_by_text("This overlaps another of your shifts")).to_be_in_viewport()
    # Waiting is not an error: a neutral badge, not the red one.
    expect(box.locator(".badge.neutral")).to_contain_text("You are on the waitlist.")
    assert fits(page)


def test_cancelling_a_signup_asks_first(phone, live_server):
    action, early, late = an_action_with_shifts()
    volunteer = UserFactory(email="vero@example.org")
    signup = services.sign_up(shift_id=late.pk, volunteer=volunteer)
    page = phone(volunteer)
    page.goto(live_server.url + "/me/shifts/")

    yes = page.get_by_role("button", name="Yes, cancel it")
    expect(yes).to_be_hidden()
    page.get_by_text("Cancel this signup").click()
    expect(page.get_by_text("Cancelling frees your place")).to_be_visible()
    signup.refresh_from_db()
    assert signup.status == "confirmed"
    yes.click()

    expect(page.get_by_role("status")).to_contain_text("Your signup is cancelled.")
    signup.refresh_from_db()
    assert signup.status == "cancelled"


def test_a_guest_sees_the_e_mail_notice_where_they_signed_up(phone, live_server):
    action, early, late = an_action_with_shifts()
    page = phone()
    page.goto(live_server.url + action.get_absolute_url())

    page.locator(f"#shift-{late.pk}").get_by_role("link", name="Sign up").click()
    page.get_by_label("Your name").fill("Gabriela")
    # The browser lets this through; the server does not (no top-level domain).
    page.get_by_label("Your e-mail address").fill("gabriela@example")
    page.get_by_role("button", name="Send me the link").click()
    email = page.get_by_label("Your e-mail address")
    expect(email).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + email.get_attribute("aria-describedby").split()[-1])
    expect(error).to_contain_text("Enter a valid email address.")
    expect(error).to_be_in_viewport()

    email.fill("gabriela@example.org")
    page.get_by_role("button", name="Send me the link").click()
    notice = page.locator(f"#shift-{late.pk}").get_by_role("status")
    expect(notice).to_contain_text("Almost done: we e-mailed you a link.")
    expect(notice).to_be_in_viewport()
    assert fits(page)

    # Addresses are sealed at rest: the one request there is, read back.
    [request] = GuestSignupRequest.objects.all()
    assert request.email == "gabriela@example.org"
    token = request.token
    page.goto(f"{live_server.url}/signups/confirm/{token}/")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".badge.ok")).to_have_text("Confirmed")
    [signup] = Signup.objects.exclude(guest_email="")
    assert (signup.guest_email, signup.status) == ("gabriela@example.org", "confirmed")
    assert fits(page)


def test_a_report_from_a_360_px_phone(phone, live_server):
    world = response_world.build()
    network = world["network"]
    page = phone()
    page.goto(f"{live_server.url}/rr/{network.slug}/report/")
    assert fits(page)

    page.get_by_label("Home raid").check()
    page.get_by_label("City").fill("Chicago")
    page.get_by_label("What is happening?").fill("Two unmarked vans, six agents.")
    page.get_by_label("Exact place").fill("1800 S Blue Island Ave")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_be_in_viewport()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert fits(page)
    assert Report.objects.get().location == "1800 S Blue Island Ave"


def test_asking_for_help_in_spanish_on_a_phone(phone, live_server):
    world = aid_world.build()
    network = world["network"]
    page = phone(locale="es-US")
    page.goto(f"{live_server.url}/es/aid/{network.slug}/ask/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert fits(page)

    page.get_by_label("Renta y servicios").check()
    page.get_by_label("Esta semana").check()
    page.get_by_label("¿Cómo podemos contactarte?").fill("Llamar al 773 555 0142")
    page.get_by_role("button", name="Enviar mi solicitud").click()
    # Said in Spanish, beside the field, and tied to it for screen readers.
    zip_code = page.get_by_label("Código postal")
    expect(zip_code).to_have_attribute("aria-invalid", "true")
    expect(zip_code).to_have_attribute(
        "aria-describedby", re.compile("id_zip_code_error")
    )
    expect(page.locator("#id_zip_code_error")).to_have_text(
        "Indica un código postal o un barrio."
    )
    expect(page.locator("#id_amount_error")).to_have_text(
        "Indica cuánto dinero hace falta."
    )
    assert not HelpRequest.objects.exists()

    zip_code.fill("60608")
    page.get_by_label("Monto (US$)").fill("900")
    page.get_by_role("button", name="Enviar mi solicitud").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Recibimos tu solicitud"
    )
    assert fits(page)
    assert HelpRequest.objects.get().language == "es"


def test_writing_to_everyone_shows_who_gets_it_before_it_goes(phone, live_server):
    action, early, late = an_action_with_shifts()
    organizer = UserFactory(email="olga@example.org")
    organization = create_organization(
        user=organizer, name="Tacoma Rapid", kind="network"
    )
    action.organizers.set([organization])
    for shift in (early, late):
        services.sign_up(shift_id=shift.pk, volunteer=UserFactory())
    services.sign_up(shift_id=early.pk, volunteer=UserFactory())  # waitlisted
    member = UserFactory(email="member@example.org")
    Membership.objects.create(organization=organization, user=member, role="member")
    page = phone(organizer)
    page.goto(f"{live_server.url}/manage/actions/{action.pk}/messages/")

    page.get_by_label("Subject").fill("Meet at gate B")
    page.get_by_label("Message").fill("Bring water.\nWear green.")
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Check before sending")
    expect(preview).to_contain_text("This goes to 2 people")
    expect(preview).to_contain_text("Bring water.\nWear green.")
    expect(preview).to_be_in_viewport()
    assert not OrganizerMessage.objects.exists()
    assert fits(page)
    preview.get_by_role("button", name="Send to 2 people").click()
    expect(page.get_by_role("status")).to_contain_text("Your message is on its way.")
    assert OrganizerMessage.objects.get().subject == "Meet at gate B"

    page.goto(f"{live_server.url}/manage/o/{organization.slug}/")
    row = page.get_by_role("row").filter(has_text="member@example.org")
    row.locator("summary", has_text="Remove").click()
    expect(row).to_contain_text("loses access to this organization")
    assert Membership.objects.filter(user=member).exists()
    row.get_by_role("button", name="Yes, remove").click()
    cell = page.get_by_role("cell", name="member@example.org", exact=True)
    expect(cell).to_have_count(0)
    assert not Membership.objects.filter(user=member).exists()
    assert fits(page)
