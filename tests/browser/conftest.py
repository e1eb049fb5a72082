"""Headless Chromium (Debian's package) driven by Playwright.

Playwright's own browser download does not work on every machine (no network
beyond package registries), so the tests use the system Chromium and skip with
a reason when it is missing; CI installs it.
"""

import os
import shutil

import pytest
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(live_server_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def live_server_settings(django_db_setup):
    """Plain HTTP for the whole session.

    The live server builds its middleware once, when it starts, so the
    per-test settings in tests/conftest.py come too late for it.
    """
    from django.test.utils import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # ORM calls are still synchronous, so Django's async guard is relaxed here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def logged_in_page(browser, live_server, user):
    """A browser context carrying a real session for `user`."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-US")
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def pytest_terminal_summary(terminalreporter):
    """The page walk's figures and where its screenshots are."""
    from tests.browser import walk

    for line in walk.summary():
        terminalreporter.write_line(line)
