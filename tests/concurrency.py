"""Running calls at the same moment, for the race tests on PostgreSQL."""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from networks.transactions import is_conflict


def postgres_only(why: str = "SQLite has no row locks") -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (set DATABASE_URL): {why}")


class Race:
    """Calls started at once, each in its own thread and database connection,
    released together by a barrier; `join()` returns what they raised."""

    def __init__(self, calls):
        self.errors: list[BaseException] = []
        self.barrier = threading.Barrier(len(calls))
        self.threads = [
            threading.Thread(target=self._run, args=(call,)) for call in calls
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, call):
        try:
            self.barrier.wait()
            call()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.errors.append(error)
        finally:
            connections.close_all()

    def join(self, timeout: float = 120) -> list[BaseException]:
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "a racer never finished"
        return self.errors


def race(calls) -> list[BaseException]:
    """Run the calls at once; returns what they raised."""
    return Race(calls).join()


def conflicts(errors) -> list[BaseException]:
    """The errors that are PostgreSQL aborting a transaction as a deadlock or a
    serialization failure (raised as they are, or as the cause of the "try
    again" error a service gives after its retries)."""
    return [e for e in errors if is_conflict(e)]


def wait_for_lock_waiters(count: int, *, timeout: float = 30) -> None:
    """Wait until `count` other connections to this database wait on a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Inside a transaction PostgreSQL keeps one snapshot of the
            # activity view unless told to take a new one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                "current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            assert time.monotonic() < deadline, f"{count} waiters never came"
            time.sleep(0.02)


@contextmanager
def held(queryset):
    """This connection locks the rows (FOR UPDATE) until the block ends.

    Racers started inside the block queue up on the locks; leaving the block
    lets them all go at the same moment, so the interleaving a test wants is
    certain rather than hoped for (see `wait_for_lock_waiters`)."""
    with transaction.atomic():
        list(queryset.select_for_update())
        yield
