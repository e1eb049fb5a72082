"""10,000 due reminders through the outbox to a local SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python tests/bench/bench_notifications.py [--count 10000]

Builds a throwaway test database with COUNT confirmed signups on 100 shifts
and one reminder each, all due at the same moment a few seconds ahead. Starts
an SMTP sink (aiosmtpd, its own process) and one `celery worker --beat` with
the production sweep interval (60 s unless --sweep-seconds) and one process
per CPU (--processes), then waits until every reminder is marked sent. Prints:

- reminders per second, from the first to the last message the sink
  accepted, and the sink's own raw accept rate measured in the same run
  (smtplib, as many connections as the worker has processes, messages of the
  same size, no database), and their ratio;
- the delay from each reminder's due time to its acceptance by the sink,
  median and worst (its floor is the wait for the next sweep);
- database queries per reminder, counted in this process for batches of 100
  and of 1,000 rows (it must not grow with the batch).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import harness  # noqa: E402 - this folder is on the path

harness.setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import (  # noqa: E402
    Action,
    ActionStatus,
    DatePrecision,
    Shift,
    ShiftRole,
    Signup,
    SignupStatus,
)
from networks.models import (  # noqa: E402
    Notification,
    NotificationKind,
    NotificationState,
)
from networks.outbox import services as outbox  # noqa: E402
from tests.live import wait_for  # noqa: E402

SHIFTS = 100


def build(count: int, due: dt.datetime, tag: str) -> list[int]:
    """`count` confirmed signups, each with one reminder due at `due`."""
    starts = due + dt.timedelta(hours=2)
    action = Action.objects.create(
        slug=f"bench-{tag}",
        title=f"Benchmark rally {tag}",
        kind="rally",
        status=ActionStatus.PUBLISHED,
        date_precision=DatePrecision.DATETIME,
        starts_at=starts,
        start_date=starts.date(),
        timezone="America/Chicago",
        city="Chicago",
        region="IL",
    )
    shifts = Shift.objects.bulk_create(
        Shift(
            action=action,
            role=ShiftRole.MARSHAL,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            places=count,
        )
        for _ in range(SHIFTS)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{tag}-{i}", email=f"{tag}-{i}@example.org")
        for i in range(count)
    )
    now = timezone.now()
    signups = Signup.objects.bulk_create(
        Signup(
            shift=shifts[i % SHIFTS],
            volunteer=user,
            status=SignupStatus.CONFIRMED,
            queued_at=now,
            confirmed_at=now,
        )
        for i, user in enumerate(users)
    )
    rows = Notification.objects.bulk_create(
        outbox.new(
            kind=NotificationKind.REMINDER,
            target=signup,
            recipient_id=signup.volunteer_id,
            due_at=due,
            key=f"bench:{signup.pk}",
            payload={"minutes": 120},
        )
        for signup in signups
    )
    return [row.pk for row in rows]


def queries_per_row(sizes=(100, 1000)) -> list[tuple[int, int]]:
    """(rows, queries) for delivering batches of each size in this process."""
    figures = []
    for size in sizes:
        ids = build(size, timezone.now(), f"q{size}")
        queries = harness.QueryCounter()
        with connection.execute_wrapper(queries):
            for ids_chunk in [
                ids[i : i + outbox.CHUNK] for i in range(0, len(ids), outbox.CHUNK)
            ]:
                outbox.deliver(ids_chunk)
        assert Notification.objects.filter(
            pk__in=ids, state=NotificationState.SENT
        ).count() == len(ids)
        figures.append((size, queries.count))
    return figures


def raw_rate(port: int, size: int, count: int, connections: int) -> float:
    """Messages per second the sink accepts from plain smtplib clients."""
    line = b"x" * 76 + b"\r\n"
    body = b"Subject: raw\r\nMessage-ID: <raw@bench>\r\n\r\n" + line * (size // 78)
    per = count // connections

    def client():
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for _ in range(per):
                smtp.sendmail("bench@localhost", ["raw@example.org"], body)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per * connections / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sweep-seconds", type=int, default=60)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        sys.exit("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    broker = harness.scratch_broker()
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    with (
        harness.smtp_sink(work) as (port, log),
        harness.throwaway_database(),
        override_settings(MAILERS=harness.mailer(port)),
    ):
        run(args, args.processes, broker, work, port, log)


def run(args, processes, broker, work, port, log) -> None:
    for size, queries in queries_per_row():
        print(
            f"queries: {queries} for {size} reminders = "
            f"{queries / size:.3f} per reminder (batches of {outbox.CHUNK})"
        )
    log.write_text("")

    sample = outbox.preview(Notification.objects.first())
    size = len(sample.text.encode()) + len(sample.html.encode()) + 600  # headers
    raw = raw_rate(port, size, 2000, processes)
    print(f"sink raw accept rate: {raw:.0f}/s ({processes} connections)")
    log.write_text("")

    due = timezone.now() + dt.timedelta(seconds=5)
    ids = build(args.count, due, "main")
    worker = harness.start_worker(
        broker=broker,
        port=port,
        folder=work,
        processes=processes,
        NOTIFICATION_SWEEP_SECONDS=str(args.sweep_seconds),
    )
    try:
        pending = Notification.objects.filter(pk__in=ids).exclude(
            state=NotificationState.SENT
        )
        wait_for(
            lambda: not pending.exists(),
            timeout=args.sweep_seconds + 1800,
            every=1,
            what=f"{args.count} reminders sent",
        )
    finally:
        worker.stop()
    accepted = harness.sink_log(log)
    due_at = {
        outbox.message_id(n): n.due_at for n in Notification.objects.filter(pk__in=ids)
    }
    assert set(accepted) == set(due_at), "the sink did not get every reminder"
    twice = sum(1 for times in accepted.values() if len(times) > 1)
    times = sorted(min(t) for t in accepted.values())
    rate = len(times) / (times[-1] - times[0])
    delays = sorted(min(accepted[m]) - due_at[m].timestamp() for m in accepted)
    print(f"reminders: {len(times)} sent, {twice} twice")
    print(
        f"rate: {rate:.0f}/s first to last acceptance; "
        f"ratio to the sink's raw rate {rate / raw:.2f}"
    )
    print(
        f"due -> accepted: median {statistics.median(delays):.1f} s, "
        f"worst {delays[-1]:.1f} s (sweep every {args.sweep_seconds} s)"
    )


if __name__ == "__main__":
    main()
