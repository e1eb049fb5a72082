"""200 people signing up to one shift at once, over HTTP, per web server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python tests/bench/bench_signup_servers.py [--rounds 7]

Builds a throwaway test database with CLIENTS people, each logged in (a
session row and its cookie), and starts every server configuration below that
is installed, each serving the app (DEBUG off, as in production) on its own
port. Then, round after round, in turn for each server (A B C A B C ...): a
new shift with a fifth as many places as clients, and every client released at
once from a barrier, each POSTing the signup form on its own connection. Per
server it prints, over all rounds: signups per second (clients / time from
release to the last answer; median of the rounds and its spread), the median
and p95 of one request, how many were answered other than with the redirect,
and how many more people than places were confirmed (must be 0).

With REDIS_URL the servers use Redis for the cache and the broker (as in a
deployment); the signup's "sweep now" message goes to BENCH_BROKER_DB
(default 14), which is emptied.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import harness  # noqa: E402 - this folder is on the path

if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = harness.scratch_broker()
harness.setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import Signup, SignupStatus  # noqa: E402
from tests.factories import ActionFactory, ShiftFactory, UserFactory  # noqa: E402
from tests.live import wait_for  # noqa: E402

CLIENTS = 200
CSRF = "b" * 32  # the cookie and the header carry the same secret

BIN = Path(sys.executable).parent
SERVERS = {
    "waitress, 4 threads (its default)": lambda port: [
        BIN / "waitress-serve",
        f"--listen=127.0.0.1:{port}",
        "config.wsgi:application",
    ],
    "waitress, 16 threads": lambda port: [
        BIN / "waitress-serve",
        f"--listen=127.0.0.1:{port}",
        "--threads=16",
        "config.wsgi:application",
    ],
    "gunicorn sync, 4 processes": lambda port: [
        BIN / "gunicorn",
        f"--bind=127.0.0.1:{port}",
        "--workers=4",
        "config.wsgi:application",
    ],
    "gunicorn gthread, 2 processes x 8 threads": lambda port: [
        BIN / "gunicorn",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--threads=8",
        "--worker-class=gthread",
        "config.wsgi:application",
    ],
    "gunicorn gthread, 4 processes x 4 threads": lambda port: [
        BIN / "gunicorn",
        f"--bind=127.0.0.1:{port}",
        "--workers=4",
        "--threads=4",
        "--worker-class=gthread",
        "config.wsgi:application",
    ],
    "granian wsgi, 2 processes x 8 threads": lambda port: [
        BIN / "granian",
        "--interface=wsgi",
        "--host=127.0.0.1",
        f"--port={port}",
        "--workers=2",
        "--blocking-threads=8",
        "config.wsgi:application",
    ],
}


def sessions(people) -> list[str]:
    """A logged-in session for each person; returns the session keys."""
    keys = []
    for person in people:
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        keys.append(store.session_key)
    return keys


def start(name: str, port: int, folder: Path) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
            f"@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "DEBUG": "false",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOCAL_DIR": str(folder / "local"),
    }
    log = (folder / f"server-{port}.log").open("ab")
    return subprocess.Popen(
        [str(part) for part in SERVERS[name](port)],
        cwd=harness.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def answers(port: int) -> bool:
    try:
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        client.request("GET", "/healthz")
        return client.getresponse().status == 200
    except OSError:
        return False


def one_round(port: int, keys: list[str], starts) -> dict:
    shift = ShiftFactory(
        places=len(keys) // 5,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        action=ActionFactory(status="published"),
    )
    path = f"/shifts/{shift.pk}/signup/"
    barrier = threading.Barrier(len(keys) + 1)
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def client(key: str):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.connect()
        headers = {
            "Cookie": f"sessionid={key}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        barrier.wait()
        began = time.perf_counter()
        try:
            connection.request("POST", path, body="", headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0
        with lock:
            latencies.append(time.perf_counter() - began)
            statuses.append(status)
        connection.close()

    threads = [threading.Thread(target=client, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    barrier.wait()
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - released
    confirmed = Signup.objects.filter(
        shift=shift, status=SignupStatus.CONFIRMED
    ).count()
    return {
        "rate": len(keys) / elapsed,
        "latencies": latencies,
        "errors": sum(1 for s in statuses if s != 302),
        "oversold": max(0, confirmed - shift.places),
        "signed": Signup.objects.filter(shift=shift).count(),
    }


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--port", type=int, default=9251, help="first port")
    parser.add_argument("--only", action="append", help="servers whose name has this")
    args = parser.parse_args()
    names = [
        name
        for name, command in SERVERS.items()
        if Path(command(0)[0]).exists()
        and (not args.only or any(part in name for part in args.only))
    ]
    folder = Path(tempfile.mkdtemp(prefix="bench-signup-servers-"))
    with harness.throwaway_database():
        if connection.vendor != "postgresql":
            sys.exit("bench_signup_servers: needs PostgreSQL; set DATABASE_URL")
        keys = sessions(UserFactory.create_batch(CLIENTS))
        servers = {
            name: (args.port + i, start(name, args.port + i, folder))
            for i, name in enumerate(names)
        }
        try:
            for name, (port, _) in servers.items():
                wait_for(lambda p=port: answers(p), timeout=60, what=name)
            report(servers, keys, args.rounds)
        finally:
            for _, process in servers.values():
                os.killpg(process.pid, 15)
                process.wait(timeout=30)
            shutil.rmtree(folder, ignore_errors=True)


def report(servers, keys, rounds) -> None:
    results = {name: [] for name in servers}
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=30)
    for number in range(rounds):
        for name, (port, _) in servers.items():
            # A shift of its own each round, at a time of its own.
            starts += dt.timedelta(hours=3)
            results[name].append(one_round(port, keys, starts))
        print(f"round {number + 1} of {rounds} done", file=sys.stderr)
    print(
        f"{CLIENTS} clients at once on one shift of {CLIENTS // 5} places, "
        f"{rounds} rounds, servers in turn"
    )
    print(
        f"{'server':<44}{'signups/s':>10}{'(min-max)':>12}{'p50 ms':>8}"
        f"{'p95 ms':>8}{'not 302':>8}{'oversold':>9}"
    )
    for name, rows in results.items():
        rates = [row["rate"] for row in rows]
        latencies = [t * 1000 for row in rows for t in row["latencies"]]
        spread = f"{min(rates):.0f}-{max(rates):.0f}"
        print(
            f"{name:<44}{statistics.median(rates):>10.1f}{spread:>12}"
            f"{statistics.median(latencies):>8.0f}{p95(latencies):>8.0f}"
            f"{sum(row['errors'] for row in rows):>8}"
            f"{sum(row['oversold'] for row in rows):>9}"
        )
        assert all(row["signed"] == CLIENTS for row in rows if not row["errors"])


if __name__ == "__main__":
    main()
