"""What the benchmarks here share: Django set up, a throwaway database, and
a query counter. Run a benchmark as a script: `.venv/bin/python
tests/bench/bench_pages.py`; this folder is then first on the import path.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    import django

    django.setup()


@contextlib.contextmanager
def throwaway_database():
    """A test database (created, migrated, then dropped) and test-friendly
    settings: plain HTTP, the test client's host, static files from folders."""
    from django.test.utils import (
        override_settings,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    setup_test_environment()
    production_rendering()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(
            ROOT_URLCONF="trivial_urls",
            SECURE_SSL_REDIRECT=False,
            ALLOWED_HOSTS=["testserver"],
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {
                    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                },
            },
        ):
            yield
    finally:
        from django.db import connections

        connections.close_all()
        teardown_databases(old, verbosity=0)


def production_rendering() -> None:
    """Undo the test environment's instrumented template rendering.

    setup_test_environment() makes every template (each include too) send a
    signal that the test client answers by copying the whole context; that
    tripled the list page's time here, and production never pays it.
    """
    from django.template.base import PartialTemplate, Template
    from django.test.utils import _TestState

    Template._render = _TestState.saved_data.template_render
    PartialTemplate._render = _TestState.saved_data.partial_template_render


def clock(name: str):
    """ "wall" (perf_counter) or "cpu" (this process's CPU time).

    On a machine running more processes than it has cores, a request longer
    than a scheduler slice waits for the others in the middle of it and a
    short one mostly does not, so wall-clock ratios grow with the load; CPU
    time counts only the work (but not a database server's, in its own
    process: use wall for PostgreSQL, on a quiet machine).
    """
    import time

    return {"wall": time.perf_counter, "cpu": time.process_time}[name]


def interleaved(
    sides: dict, rounds: int, per_round: int, timer=None
) -> dict[str, list[float]]:
    """Milliseconds per call of each side, A B A B...: `rounds` rounds, each
    the median of `per_round` calls per side, the sides taken in turn call by
    call so that a drift of the machine falls on all of them alike."""
    import statistics
    import time

    timer = timer or time.perf_counter

    result: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        samples: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(per_round):
            for name, function in sides.items():
                started = timer()
                function()
                samples[name].append((timer() - started) * 1000)
        for name, values in samples.items():
            result[name].append(statistics.median(values))
    return result


def ratios(rounds: dict[str, list[float]], side: str, base: str) -> list[float]:
    """Round by round, side over base."""
    return [a / b for a, b in zip(rounds[side], rounds[base], strict=True)]


def spread(values: list[float]) -> str:
    """median [min-max] of a list of ratios."""
    import statistics

    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


class QueryCounter:
    """Counts queries through `connection.execute_wrapper(counter)`.

    (Django empties connection.queries at every request, so a context around
    a test-client request would see none.)
    """

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# Real parts for the delivery benchmarks: an SMTP sink in its own process, a
# scratch Redis database for the broker, and a Celery worker with its beat.


def scratch_broker() -> str:
    """Redis database 14 of REDIS_URL (or BENCH_BROKER_DB), emptied."""
    from urllib.parse import urlsplit, urlunsplit

    import redis

    number = os.environ.get("BENCH_BROKER_DB", "14")
    url = urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{number}"))
    redis.Redis.from_url(url).flushdb()
    return url


@contextlib.contextmanager
def smtp_sink(folder: Path):
    """(port, log): aiosmtpd in a process of its own, logging each message
    it accepts as "<Message-ID>\\t<time>" to `log`."""
    import smtplib
    import subprocess

    from tests.live import free_port, wait_for

    port = free_port()
    log = folder / "sink.log"
    log.write_text("")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.live", str(port), str(log)], cwd=ROOT
    )

    def answers() -> bool:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=1) as smtp:
                smtp.noop()
            return True
        except OSError:
            return False

    try:
        wait_for(answers, timeout=20, what="the SMTP sink")
        yield port, log
    finally:
        process.terminate()
        process.wait()


def sink_log(log: Path) -> dict[str, list[float]]:
    accepted: dict[str, list[float]] = {}
    for line in log.read_text().splitlines():
        message_id, at = line.split("\t")
        accepted.setdefault(message_id, []).append(float(at))
    return accepted


def mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }


def start_worker(*, broker: str, port: int, folder: Path, processes: int, **env):
    """A `celery worker --beat` on the throwaway database, sending to `port`."""
    from django.db import connection

    from tests.live import Worker

    database = connection.settings_dict
    return Worker(
        env={
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
                f"@{database['HOST']}:{database['PORT']}/{database['NAME']}"
            ),
            "REDIS_URL": broker,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only",
            **env,
        },
        beat=True,
        concurrency=processes,
        log=folder / "worker.log",
    )
