"""The outbox against a local SMTP sink: its sending rate, and how late a
reminder is.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python tests/bench/bench_notifications.py [--rounds 7]

Builds a throwaway test database, starts an SMTP sink (aiosmtpd, its own
process) and one `celery worker --beat` with the production sweep interval
(60 s unless --sweep-seconds) and one process per CPU (--processes). Prints:

- database queries per reminder, counted in this process for batches of 100
  and of 1,000 rows (it must not grow with the batch);
- the sending rate, in rounds that take turns (A B A B ...): A, the sink's
  raw accept rate (smtplib, as many connections as the worker has processes,
  messages of the same size, no database); B, --batch reminders (100 shifts)
  written due now and handed to the worker by one sweep, from the first to
  the last message the sink accepted. Per round the ratio B / A; the median
  ratio and its spread over the rounds;
- the delay from each of --count reminders' due time to its acceptance by the
  sink, median and worst. They are written (as signups write them, through
  `outbox.add`) a few seconds before they fall due, with the worker running
  and its minute's sweep not due for a while: sent on time only if the
  wake-up at the due time works.

The bench process asks the worker for sweeps through BENCH_BROKER_DB
(default 14) of REDIS_URL, which is emptied.
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

if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
    sys.exit("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
# Wake-ups and sweeps asked for here go to the worker's own broker.
BROKER = harness.scratch_broker()
os.environ["REDIS_URL"] = BROKER
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


def build(count: int, due: dt.datetime, tag: str, *, add=False) -> list[int]:
    """`count` confirmed signups, each with one reminder due at `due`; with
    `add`, written through `outbox.add` (which asks for a wake-up)."""
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
    rows = [
        outbox.new(
            kind=NotificationKind.REMINDER,
            target=signup,
            recipient_id=signup.volunteer_id,
            due_at=due,
            key=f"bench:{signup.pk}",
            payload={"minutes": 120},
        )
        for signup in signups
    ]
    if add:
        with override_settings(NOTIFICATIONS_KICK=True):
            outbox.add(rows)
    else:
        Notification.objects.bulk_create(rows)
    return list(
        Notification.objects.filter(key__startswith="bench:")
        .filter(target_id__in=[signup.pk for signup in signups])
        .values_list("pk", flat=True)
    )


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
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--sweep-seconds", type=int, default=60)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL (DATABASE_URL)")
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    with (
        harness.smtp_sink(work) as (port, log),
        harness.throwaway_database(),
        override_settings(MAILERS=harness.mailer(port), NOTIFICATIONS_KICK=False),
    ):
        run(args, work, port, log)


def sent(ids: list[int], *, timeout: float) -> None:
    pending = Notification.objects.filter(pk__in=ids).exclude(
        state=NotificationState.SENT
    )
    wait_for(lambda: not pending.exists(), timeout=timeout, every=0.2, what="sent")


def run(args, work, port, log) -> None:
    for size, queries in queries_per_row():
        print(
            f"queries: {queries} for {size} reminders = "
            f"{queries / size:.3f} per reminder (batches of {outbox.CHUNK})"
        )
    worker = harness.start_worker(
        broker=BROKER,
        port=port,
        folder=work,
        processes=args.processes,
        NOTIFICATION_SWEEP_SECONDS=str(args.sweep_seconds),
    )
    try:
        wait_for(lambda: worker_answers(), timeout=120, what="the worker")
        rates(args, port, log)
        delays(args, log)
    finally:
        worker.stop()


def worker_answers() -> bool:
    from celery import current_app

    from networks.models import Heartbeat

    if Heartbeat.objects.filter(name="bench ready").exists():
        return True
    current_app.send_task(
        "networks.tasks.record_heartbeat", kwargs={"name": "bench ready"}
    )
    time.sleep(1)
    return False


def rates(args, port, log) -> None:
    sample = outbox.preview(Notification.objects.first())
    size = len(sample.text.encode()) + len(sample.html.encode()) + 600  # headers
    raws, ours, ratios = [], [], []
    if not args.rounds:
        return
    for number in range(args.rounds):
        log.write_text("")
        raw = raw_rate(port, size, args.batch, args.processes)
        ids = build(args.batch, timezone.now(), f"r{number}")
        log.write_text("")
        with override_settings(NOTIFICATIONS_KICK=True):
            outbox.kick()
        sent(ids, timeout=1800)
        times = sorted(min(t) for t in harness.sink_log(log).values())
        assert len(times) == len(ids), "the sink did not get every reminder"
        rate = len(times) / (times[-1] - times[0])
        raws.append(raw)
        ours.append(rate)
        ratios.append(rate / raw)
        print(
            f"round {number + 1}: raw {raw:.0f}/s, outbox {rate:.0f}/s, "
            f"ratio {rate / raw:.2f}",
            flush=True,
        )
    print(
        f"sink raw accept rate: median {statistics.median(raws):.0f}/s "
        f"({args.processes} connections); outbox: median "
        f"{statistics.median(ours):.0f}/s ({args.processes} worker processes, "
        f"{args.batch} reminders a round)"
    )
    print(
        f"ratio outbox / raw: median {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {args.rounds} rounds)"
    )


def delays(args, log) -> None:
    log.write_text("")
    due = timezone.now() + dt.timedelta(seconds=10)
    ids = build(args.count, due, "main", add=True)
    sent(ids, timeout=args.sweep_seconds + 1800)
    accepted = harness.sink_log(log)
    due_at = {
        outbox.message_id(n): n.due_at for n in Notification.objects.filter(pk__in=ids)
    }
    assert set(accepted) == set(due_at), "the sink did not get every reminder"
    twice = sum(1 for times in accepted.values() if len(times) > 1)
    times = sorted(min(t) for t in accepted.values())
    delays = sorted(min(accepted[m]) - due_at[m].timestamp() for m in accepted)
    print(f"reminders: {len(times)} sent, {twice} twice")
    print(f"rate: {len(times) / (times[-1] - times[0]):.0f}/s first to last")
    print(
        f"due -> accepted: first {delays[0]:.1f} s, median "
        f"{statistics.median(delays):.1f} s, worst {delays[-1]:.1f} s "
        f"(sweep every {args.sweep_seconds} s)"
    )


if __name__ == "__main__":
    main()
