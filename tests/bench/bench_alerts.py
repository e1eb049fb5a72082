"""Alerts for one confirmed report to every responder on call.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python tests/bench/bench_alerts.py [--responders 500]

Builds a throwaway database with a network whose first on-call group has
RESPONDERS people, starts an SMTP sink (its own process) and one
`celery worker --beat` (one process per CPU, the production one-minute
sweep), and waits until the worker answers. Then the second verifier
confirms a report, which dispatches it; writing the alerts asks a worker to
sweep at once. Prints the time from the confirmation to the last alert the
SMTP sink accepted, the part of it spent confirming and writing the alerts,
and the database queries per alert for dispatching and for delivering, at 50
and at RESPONDERS people (they must not grow).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import harness  # noqa: E402 - this folder is on the path

if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
    sys.exit("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
# The kick that follows the alerts goes to the workers' own broker.
BROKER = harness.scratch_broker()
os.environ["REDIS_URL"] = BROKER
harness.setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from networks.models import (  # noqa: E402
    Heartbeat,
    Notification,
    NotificationKind,
    NotificationState,
)
from networks.models.rapid_response import (  # noqa: E402
    NetworkMember,
    OnCall,
    Report,
    ResponseRole,
)
from networks.organizations.services import create_organization  # noqa: E402
from networks.outbox import services as outbox  # noqa: E402
from networks.rapid_response import services as rapid_response  # noqa: E402
from tests.live import wait_for  # noqa: E402


def network_with(responders: int, tag: str):
    """A network, two verifiers and `responders` people on call now."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{tag}-{i}", email=f"{tag}-{i}@example.org")
        for i in range(responders + 2)
    )
    organization = create_organization(
        user=users[0], name=f"Bench {tag}", kind="network"
    )
    network = rapid_response.create_network(
        organization=organization,
        values={
            "name": f"Bench {tag}",
            "timezone": "America/Chicago",
            "languages": ["en"],
            "services": ["legal"],
            "areas": [("city", "Chicago")],
        },
    )
    verifiers, people = users[:2], users[2:]
    NetworkMember.objects.bulk_create(
        [
            NetworkMember(network=network, user=u, role=ResponseRole.VERIFIER)
            for u in verifiers
        ]
        + [
            NetworkMember(network=network, user=u, role=ResponseRole.RESPONDER)
            for u in people
        ]
    )
    now = timezone.now()
    slot = rapid_response.add_slot(
        network=network,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=6),
        tier=1,
        places=responders,
    )
    OnCall.objects.bulk_create(OnCall(slot=slot, user=u) for u in people)
    report = rapid_response.submit_report(
        network=network,
        values={
            "kind": "workplace_raid",
            "seen_at": now - dt.timedelta(minutes=5),
            "city": "Chicago",
            "neighbourhood": "Pilsen",
            "location": "Warehouse on S Halsted",
        },
    )
    rapid_response.verify(report=report, verifier=verifiers[0], method="on_scene")
    return report, verifiers[1]


def confirm(report: Report, verifier) -> None:
    rapid_response.verify(report=report, verifier=verifier, method="photo")


def query_figures(sizes) -> None:
    for size in sizes:
        report, verifier = network_with(size, f"q{size}")
        dispatching = harness.QueryCounter()
        with connection.execute_wrapper(dispatching):
            confirm(report, verifier)
        ids = list(
            Notification.objects.filter(kind=NotificationKind.ALERT)
            .filter(target_id__in=report.alerts.values("pk"))
            .values_list("pk", flat=True)
        )
        assert len(ids) == size
        delivering = harness.QueryCounter()
        with connection.execute_wrapper(delivering):
            for start in range(0, len(ids), outbox.CHUNK):
                outbox.deliver(ids[start : start + outbox.CHUNK])
        print(
            f"{size} responders: confirming and dispatching {dispatching.count} "
            f"queries ({dispatching.count / size:.3f} per alert); delivering "
            f"{delivering.count} ({delivering.count / size:.3f} per alert)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responders", type=int, default=500)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    with (
        harness.smtp_sink(work) as (port, log),
        harness.throwaway_database(),
        override_settings(MAILERS=harness.mailer(port), NOTIFICATIONS_KICK=False),
    ):
        query_figures([50, args.responders])
        log.write_text("")
        report, verifier = network_with(args.responders, "main")
        worker = harness.start_worker(
            broker=BROKER, port=port, folder=work, processes=args.processes
        )
        try:
            from celery import current_app

            current_app.send_task(
                "networks.tasks.record_heartbeat", kwargs={"name": "bench ready"}
            )
            wait_for(
                lambda: Heartbeat.objects.filter(name="bench ready").exists(),
                timeout=60,
                what="the worker",
            )
            with override_settings(NOTIFICATIONS_KICK=True):
                started = time.time()
                confirm(report, verifier)
                written = time.time()
            alerts = Notification.objects.filter(
                kind=NotificationKind.ALERT, target_id__in=report.alerts.values("pk")
            )
            wait_for(
                lambda: not alerts.exclude(state=NotificationState.SENT).exists(),
                timeout=600,
                every=0.2,
                what="every alert sent",
            )
        finally:
            worker.stop()
        accepted = harness.sink_log(log)
        assert len(accepted) == args.responders, len(accepted)
        last = max(min(times) for times in accepted.values())
        first = min(min(times) for times in accepted.values())
        print(
            f"{args.responders} responders: confirmation -> last alert accepted "
            f"{(last - started) * 1000:.0f} ms (confirming and writing the alerts "
            f"{(written - started) * 1000:.0f} ms; first alert after "
            f"{(first - started) * 1000:.0f} ms; "
            f"{args.responders / (last - first):.0f} alerts/s once sending)"
        )


if __name__ == "__main__":
    main()
