"""A visitor finds an action, reads it, and switches the interface to Spanish."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from events.seeding import load_seeds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded():
    load_seeds(Path(settings.BASE_DIR) / "seeds")


def test_a_visitor_filters_opens_an_action_and_reads_it_in_spanish(
    live_server, page, seeded
):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Find an action")

    page.get_by_role("link", name="Actions", exact=True).first.click()
    page.get_by_role("textbox", name="Search", exact=True).fill("Milwaukee")
    page.get_by_role("combobox", name="When").select_option("past")
    page.get_by_role("combobox", name="Kind of action").select_option("vigil")
    page.get_by_role("button", name="Show actions").click()

    expect(page.locator(".count")).to_have_text("1 action found")
    page.get_by_role("link", name="Vigil at All People's Gathering Church").click()

    expect(page).to_have_url(
        re.compile(r"/actions/milwaukee-maarpr-vigil-2026-01-30/$")
    )
    body = page.locator("main")
    expect(body).to_contain_text("Friday, Jan. 30, 2026 · time to be announced")
    expect(body).to_contain_text("America/Chicago")
    expect(body).to_contain_text(
        "Milwaukee Alliance Against Racist and Political Repression"
    )
    expect(body).to_contain_text("003_67614a5cabe3c31c.txt")

    page.locator("#language-select").select_option("es")
    page.get_by_role("button", name="Change language").click()

    expect(page).to_have_url(
        re.compile(r"/es/actions/milwaukee-maarpr-vigil-2026-01-30/$")
    )
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(body).to_contain_text("Vigilia")
    expect(body).to_contain_text("viernes, 30 de enero de 2026")
    expect(page.get_by_role("link", name="Acciones", exact=True).first).to_be_visible()


def test_a_bad_filter_is_explained_and_the_rest_still_apply(live_server, page, seeded):
    page.goto(
        live_server.url + "/actions/?when=past&date_from=2026-02-31&city=Milwaukee"
    )

    expect(page.get_by_role("alert")).to_contain_text("From")
    expect(page.locator(".count")).to_have_text("2 actions found")
