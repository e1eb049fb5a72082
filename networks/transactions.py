"""Transactions PostgreSQL aborts to break a deadlock are run again.

PostgreSQL ends one of two transactions that wait on each other's locks
(SQLSTATE 40P01, deadlock detected) and may end one that cannot be serialized
(40001). Both are safe to run again from the start: the aborted transaction
wrote nothing. Services that lock rows wrap themselves in `retry_conflicts`,
which runs the whole transaction again a few times after a short random
pause, then gives up with an error the person can read ("try again"), never
a server error. The services also take their locks in one order (by id), so
on the paths the tests cover a deadlock is not expected at all; this is the
second line.

A call made inside an outer transaction is not retried: the outer one is
already aborted, so only its own caller can run it again.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import DatabaseError, transaction

log = logging.getLogger(__name__)

CONFLICT_SQLSTATES = frozenset({"40P01", "40001"})
# Runs of the transaction in all; the pause before run n is up to n * PAUSE.
ATTEMPTS = 4
PAUSE = 0.05


def is_conflict(error: BaseException) -> bool:
    """Did PostgreSQL abort this transaction as a deadlock or a conflict?"""
    while error is not None:
        if getattr(error, "sqlstate", None) in CONFLICT_SQLSTATES:
            return True
        error = error.__cause__
    return False


def retry_conflicts(busy: Callable[[], Exception]):
    """Run the decorated transaction again when PostgreSQL aborts it as a
    deadlock or serialization failure; after ATTEMPTS, raise `busy()`."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if transaction.get_connection().in_atomic_block:
                return function(*args, **kwargs)
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return function(*args, **kwargs)
                except DatabaseError as error:
                    if not is_conflict(error):
                        raise
                    log.warning(
                        "%s: transaction aborted (%s), run %d of %d",
                        function.__qualname__,
                        getattr(error.__cause__, "sqlstate", "?"),
                        attempt,
                        ATTEMPTS,
                    )
                    if attempt == ATTEMPTS:
                        raise busy() from error
                # Random, so that the two that collided do not meet again.
                time.sleep(random.uniform(0, PAUSE * attempt))
            raise AssertionError("unreachable")

        return wrapper

    return decorate
