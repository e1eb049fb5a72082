"""Signups under contention on one shift, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python tests/bench/bench_signups.py [--rounds 3]

Builds a throwaway test database, then for 50 and for 200 clients: one shift
with a fifth as many places as clients, every client released at once from a
barrier, each signing up through `events.services.sign_up` on its own thread
and connection. Prints signups per second (clients / time from release to the
last commit), the median and p95 time of one signup, and, as the baseline
measured in the same run, one client signing the same number of people up
one after another. Then the queries of the action (signup), roster and
"my shifts" pages at 1 and at 100 signups. The database allows 100
connections, so the 200 clients share 90 (a pool, as a deployment would);
the wait for a connection counts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import harness  # noqa: E402 - this folder is on the path

harness.setup_django()

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402

from events.models import Signup, SignupStatus  # noqa: E402
from events.services import sign_up  # noqa: E402
from networks.organizations.services import create_organization  # noqa: E402
from tests.factories import (  # noqa: E402
    ActionFactory,
    ShiftFactory,
    UserFactory,
)

MAX_CONNECTIONS = 90


def contended(clients: int) -> tuple[float, list[float]]:
    shift = ShiftFactory(places=clients // 5)
    people = UserFactory.create_batch(clients)
    pool = threading.BoundedSemaphore(MAX_CONNECTIONS)
    barrier = threading.Barrier(clients + 1)
    latencies: list[float] = []
    lock = threading.Lock()

    def client(person):
        barrier.wait()
        started = time.perf_counter()
        with pool:
            try:
                sign_up(shift_id=shift.pk, volunteer=person)
            finally:
                connections.close_all()
        with lock:
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - released
    confirmed = Signup.objects.filter(shift=shift, status=SignupStatus.CONFIRMED)
    assert confirmed.count() == shift.places, "capacity broken"
    return clients / elapsed, latencies


def sequential(count: int) -> tuple[float, list[float]]:
    shift = ShiftFactory(places=count // 5)
    people = UserFactory.create_batch(count)
    latencies = []
    started = time.perf_counter()
    for person in people:
        one = time.perf_counter()
        sign_up(shift_id=shift.pk, volunteer=person)
        latencies.append((time.perf_counter() - one) * 1000)
    return count / (time.perf_counter() - started), latencies


def page_queries(signups: int) -> dict[str, int]:
    """Queries of the action (signup), roster and my-shifts pages."""
    organizer = UserFactory()
    organization = create_organization(user=organizer, name="Bench", kind="network")
    action = ActionFactory(organizers=[organization])
    me = UserFactory()
    shifts = [ShiftFactory(action=action, places=signups) for _ in range(signups)]
    for shift in shifts:
        sign_up(shift_id=shift.pk, volunteer=me)
    for person in UserFactory.create_batch(signups - 1):
        sign_up(shift_id=shifts[0].pk, volunteer=person)
    pages = {
        "action (signup) page": (me, action.get_absolute_url()),
        "roster": (organizer, f"/manage/shifts/{shifts[0].pk}/roster/"),
        "my shifts": (me, "/me/shifts/"),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        counter = harness.QueryCounter()
        with connection.execute_wrapper(counter):
            assert client.get(url).status_code == 200, url
        counts[name] = counter.count
    return counts


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with harness.throwaway_database():
        if connection.vendor != "postgresql":
            sys.exit("bench_signups: needs PostgreSQL; set DATABASE_URL")
        print(f"{'clients':<28}{'signups/s':>10}{'median ms':>11}{'p95 ms':>9}")
        for clients in (50, 200):
            for label, measure in (
                (f"{clients} at once", contended),
                (f"{clients} one by one (base)", sequential),
            ):
                rates, latencies = [], []
                for _ in range(args.rounds):
                    rate, samples = measure(clients)
                    rates.append(rate)
                    latencies += samples
                print(
                    f"{label:<28}{statistics.median(rates):>10.0f}"
                    f"{statistics.median(latencies):>11.2f}{p95(latencies):>9.2f}"
                )
        one, hundred = page_queries(1), page_queries(100)
        print(f"\n{'page':<24}{'queries at 1':>14}{'at 100 signups':>16}")
        for name in one:
            print(f"{name:<24}{one[name]:>14}{hundred[name]:>16}")


if __name__ == "__main__":
    main()
