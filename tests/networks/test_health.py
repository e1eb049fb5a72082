"""/healthz/live (this process answers) and /healthz/ready (its database and
cache answer; the outbox's lag is reported)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from networks.models import Notification, NotificationKind
from networks.outbox import services as outbox
from tests.factories import UserFactory

NOW = dt.datetime(2026, 2, 7, 15, 0, tzinfo=dt.UTC)


def test_liveness_touches_no_database(client, settings):
    # No django_db mark: a query here would raise.
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/healthz/live")

    assert (page.status_code, page.json()) == (200, {"status": "ok"})
    assert page["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readiness_is_ok_with_an_empty_outbox(client):
    page = client.get("/healthz/ready")

    assert page.status_code == 200
    assert page.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "outbox": "ok",
        "outbox_lag_seconds": 0,
    }


@pytest.mark.django_db
def test_readiness_names_a_lagging_outbox_and_stays_ready(client, settings):
    settings.OUTBOX_LAG_LIMIT_SECONDS = 600
    user = UserFactory()
    with time_machine.travel(NOW, tick=False):
        late = outbox.new(
            kind=NotificationKind.MESSAGE,
            target=user,
            recipient_id=user.pk,
            due_at=timezone.now() - dt.timedelta(minutes=20),
        )
        Notification.objects.bulk_create([late])

        page = client.get("/healthz/ready")

    assert page.status_code == 200
    assert (page.json()["outbox"], page.json()["outbox_lag_seconds"]) == (
        "lagging",
        1200,
    )


@pytest.mark.django_db
def test_readiness_fails_when_redis_does_not_answer(client, settings):
    # Nothing listens on this port (one of this test's own range).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9349/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    page = client.get("/healthz/ready")

    assert page.status_code == 503
    assert page.json()["status"] == "unavailable"
    assert (page.json()["database"], page.json()["cache"]) == ("ok", "error")


@pytest.mark.django_db
def test_health_checks_are_not_sent_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz/ready").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/actions/").status_code == 301
