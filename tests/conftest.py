"""Shared fixtures, and the rule that CI runs every test.

Tests that need a service a machine may lack (PostgreSQL, Redis, Chromium,
gettext) skip with a reason locally. With REQUIRE_SERVICES set (as `.ci/run`
does), every skip is reported as a failure instead, so CI cannot pass
without them.
"""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.concurrency import postgres_only
from tests.live import SmtpSink, Worker

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


# Real services started by tests (tests/live.py): an SMTP server, and Celery
# workers on Redis and the test database.


@pytest.fixture
def sink(settings):
    with SmtpSink() as server:
        settings.MAILERS = {"default": server.mailer()}
        yield server


@pytest.fixture
def broker():
    """A Redis database of its own for the workers' broker, emptied around."""
    postgres_only("a worker process must reach the test database")
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis (set REDIS_URL) for a real Celery broker")
    import redis

    # Database 15 unless TEST_BROKER_DB says another (several checkouts on
    # one machine each take their own: the fixture empties it).
    parts = urlsplit(url)
    url = urlunsplit(parts._replace(path="/" + os.environ.get("TEST_BROKER_DB", "15")))
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()


@pytest.fixture
def workers(transactional_db, broker, sink, tmp_path):
    """Start workers with `workers(...)`; all are stopped after the test."""
    url, _ = broker
    database = connection.settings_dict
    started: list[Worker] = []

    def start(*, beat=True, concurrency=2, **settings):
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
                f"@{database['HOST']}:{database['PORT']}/{database['NAME']}"
            ),
            "REDIS_URL": url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "DEBUG": "false",
            "SECRET_KEY": "worker-under-test",
            "NOTIFICATION_SWEEP_SECONDS": "1",
            "NOTIFICATION_LEASE_SECONDS": "4",
            "NOTIFICATION_RETRY_DELAYS": "1",
            "DB_CONN_MAX_AGE": "0",
            **settings,
        }
        worker = Worker(
            env=env,
            beat=beat,
            concurrency=concurrency,
            log=tmp_path / f"worker-{len(started)}.log",
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:
        print(f"--- {worker.log.name}\n{worker.log.read_text()[-4000:]}")


@pytest.fixture(autouse=True)
def aid_key(settings):
    """A key of the tests' own for sealing mutual-aid contacts."""
    settings.AID_CONTACT_KEYS = ["mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE="]
