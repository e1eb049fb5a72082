"""Running calls at the same moment, for the race tests on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections


def postgres_only(why: str = "SQLite has no row locks") -> None:
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (set DATABASE_URL): {why}")


def race(calls) -> list[BaseException]:
    """Run the calls at once, each in its own thread and database connection,
    released together by a barrier. Returns what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
