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


def wait_for_lock_waiters(
    count: int, *, not_blocked_by: tuple = (), timeout: float = 30
) -> None:
    """Wait until `count` other connections to this database wait on a lock
    held by someone, none of them by a connection in `not_blocked_by`."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            # Inside a transaction PostgreSQL keeps one snapshot of the
            # activity view unless told to take a new one.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT pg_blocking_pids(pid) FROM pg_stat_activity WHERE "
                "datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            blockers = [set(row[0]) for row in cursor.fetchall()]
            ready = [b for b in blockers if b and not b & set(not_blocked_by)]
            if len(ready) >= count:
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


class Holder:
    """A connection of its own that holds row locks until `release()`.

    Two holders let a test decide in which order racers get two rows: hold
    both, start the racers, let one row go, wait until the racers stand where
    the test wants them (`wait_for_lock_waiters(..., not_blocked_by=...)`),
    then let the other go."""

    def __init__(self, queryset):
        self.pid = None
        self._locked, self._go = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._hold, args=(queryset,))
        self._thread.start()
        assert self._locked.wait(30), "the holder never got its locks"

    def _hold(self, queryset):
        try:
            with transaction.atomic():
                list(queryset.select_for_update())
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.pid = cursor.fetchone()[0]
                self._locked.set()
                self._go.wait(120)
        finally:
            connections.close_all()

    def release(self) -> None:
        self._go.set()
        self._thread.join(30)
        assert not self._thread.is_alive(), "the holder never let go"
