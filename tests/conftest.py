"""Shared fixtures, and the rule that CI runs every test.

Tests that need a service a machine may lack (PostgreSQL, Redis, Chromium,
gettext) skip with a reason locally. With REQUIRE_SERVICES set (as `.ci/run`
does), every skip is reported as a failure instead, so CI cannot pass
without them.
"""

import os
import uuid

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES is set, so this skip fails: {reason}"


@pytest.fixture(autouse=True)
def plain_http(settings):
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    # Static files come from the app folders, not from a collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test sees a cache of its own (rate limits, feed versions, ...).

    The cache outlives a test run (files under .local/, or Redis), so without
    this one run's rate-limit counters would fail the next run's logins.
    """
    default = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def english(settings):
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def no_kick(settings):
    """Tests sweep the outbox themselves; nothing is sent to a broker."""
    settings.NOTIFICATIONS_KICK = False
