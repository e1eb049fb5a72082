"""The migrations that sealed personal data convert the rows stored in plain
text before them, and give them back in plain text when reversed."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from networks import sealing

BEFORE = [("networks", "0011_notification_kinds"), ("events", "0008_notifications")]
AFTER = [
    ("networks", "0012_sealed_personal_data"),
    ("events", "0009_sealed_personal_data"),
]
PLAIN = {
    "networks_report": ("location", "12 Plain St"),
    "networks_invitation": ("email", "plain@example.net"),
    "events_signup": ("guest_email", "guest@example.net"),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def stored(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def plain_rows(apps):
    now = timezone.now()
    org = apps.get_model("networks", "Organization").objects.create(
        slug="o", name="O", kind="network"
    )
    apps.get_model("networks", "Invitation").objects.create(
        organization=org,
        email="plain@example.net",
        role="member",
        token="t",
        expires_at=now,
    )
    network = apps.get_model("networks", "ResponseNetwork").objects.create(
        organization=org, slug="n", name="N", timezone="America/Chicago"
    )
    apps.get_model("networks", "Report").objects.create(
        network=network,
        kind="arrest",
        seen_at=now,
        city="Chicago",
        location="12 Plain St",
    )
    action = apps.get_model("events", "Action").objects.create(
        slug="a",
        title="A",
        kind="rally",
        date_precision="date",
        start_date=dt.date(2026, 2, 7),
        timezone="America/Chicago",
    )
    shift = apps.get_model("events", "Shift").objects.create(
        action=action,
        role="marshal",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
        places=3,
    )
    apps.get_model("events", "Signup").objects.create(
        shift=shift,
        guest_name="Gu",
        guest_email="guest@example.net",
        status="waitlisted",
    )


@pytest.mark.django_db(transaction=True)
def test_plain_rows_are_sealed_and_reversing_gives_them_back():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        plain_rows(migrate(BEFORE))

        migrate(AFTER)

        for table, (column, text) in PLAIN.items():
            token = stored(table, column)
            assert text not in token and sealing.unseal(token) == text
        assert stored("events_signup", "guest_email_hash") == sealing.lookup_hash(
            "guest@example.net"
        )
        assert stored("networks_invitation", "email_hash") == sealing.lookup_hash(
            "plain@example.net"
        )

        migrate(BEFORE)

        for table, (column, text) in PLAIN.items():
            assert stored(table, column) == text
    finally:
        migrate(latest)
