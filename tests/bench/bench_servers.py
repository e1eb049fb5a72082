"""Which WSGI server to run in production: waitress (today's), gunicorn with
threads, granian. Requests per second and memory, on this machine.

    .venv/bin/python tests/bench/bench_servers.py [--rounds 7] [--seconds 2]

Makes a seeded database of its own (SQLite in a temporary folder, or
PostgreSQL when DATABASE_URL is set, whose database it then uses: give it a
scratch one), collects static files, and starts the three servers once, each
on its own port with the same production settings (DEBUG off) and the same
budget of 8 threads: waitress one process of 8 threads (it has no worker
processes); gunicorn (gthread) and granian each as 1 process of 8 threads and
as 2 processes of 4. Then, in rounds that interleave the servers (A B C A B C
...), a client of 8 threads on keep-alive connections asks for:

- list: the public list of actions (/actions/), a rendered page with queries;
- feed: the calendar feed of all actions, whose body is cached after the
  first request (what calendar clients poll).

It prints, per server and page, the median requests per second over the
rounds and the median of the per-round ratios to waitress, error counts, and
the memory (resident, all processes of the server) at rest and after load.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.live import wait_for  # noqa: E402

BIN = Path(sys.executable).parent
PAGES = {"list": "/actions/", "feed": "/feeds/actions.ics"}
FIRST_PORT = int(os.environ.get("BENCH_PORT", "9301"))


def servers(port: int) -> dict[str, list[str]]:
    """Each server once with one process of 8 threads (waitress has no worker
    processes), and gunicorn and granian also with 2 processes of 4 threads:
    the same 8 threads either way."""
    app = "config.wsgi:application"
    waitress = [str(BIN / "waitress-serve"), "--threads=8", app]

    def gunicorn(workers: int, threads: int) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            app,
        ]

    def granian(workers: int, threads: int) -> list[str]:
        return [
            str(BIN / "granian"),
            "--interface=wsgi",
            "--host=127.0.0.1",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            app,
        ]

    commands = {
        "waitress": waitress,
        "gunicorn 1x8": gunicorn(1, 8),
        "gunicorn 2x4": gunicorn(2, 4),
        "granian 1x8": granian(1, 8),
        "granian 2x4": granian(2, 4),
    }
    ports = {name: port + i for i, name in enumerate(commands)}
    listen = {
        "waitress": lambda p: [f"--listen=127.0.0.1:{p}"],
        "gunicorn": lambda p: [f"--bind=127.0.0.1:{p}"],
        "granian": lambda p: [f"--port={p}"],
    }
    return {
        name: [*command[:1], *listen[name.split()[0]](ports[name]), *command[1:]]
        for name, command in commands.items()
    }


def rss_kib(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def load(port: int, path: str, *, seconds: float, threads: int = 8):
    """(requests per second, errors) for `threads` keep-alive clients."""
    done, errors = [0] * threads, [0] * threads
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def answers(port: int, path: str) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        return connection.getresponse().status == 200
    except OSError:
        return False


def prepare(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "LOCAL_DIR": str(folder),
        "DATABASE_URL": os.environ.get("DATABASE_URL")
        or f"sqlite:///{folder / 'bench.sqlite3'}",
        "SEALING_KEYS": "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE=",
        "LOG_LEVEL": "WARNING",
    }
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_seeds"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument(
        "--servers", help="comma-separated names, e.g. 'waitress,granian 1x8'"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = prepare(Path(folder))
        commands = servers(FIRST_PORT)
        if options.servers:
            wanted = ["waitress", *options.servers.split(",")]
            commands = {name: commands[name] for name in dict.fromkeys(wanted)}
        ports = {
            name: int(commands[name][1].rsplit(":", 1)[-1].split("=")[-1])
            for name in commands
        }
        print("\n".join(" ".join(command) for command in commands.values()))
        processes = {
            name: subprocess.Popen(
                command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL
            )
            for name, command in commands.items()
        }
        try:
            run(processes, ports, options)
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(timeout=30)


def run(processes, ports, options) -> None:
    for name, port in ports.items():
        for path in PAGES.values():
            wait_for(lambda p=port, u=path: answers(p, u), timeout=60, what=name)
            load(port, path, seconds=0.5)  # warm: imports, caches, connections
    at_rest = {name: rss_kib(p.pid) for name, p in processes.items()}
    rates = {(name, page): [] for name in ports for page in PAGES}
    errors = dict.fromkeys(rates, 0)
    for _ in range(options.rounds):
        for page, path in PAGES.items():
            for name, port in ports.items():
                rate, failed = load(port, path, seconds=options.seconds)
                rates[name, page].append(rate)
                errors[name, page] += failed
    after = {name: rss_kib(p.pid) for name, p in processes.items()}
    print(f"{options.rounds} rounds of {options.seconds:g} s per server and page\n")
    print(f"{'server':13} {'page':5} {'req/s':>8} {'x waitress':>10} {'errors':>6}")
    for (name, page), values in rates.items():
        ratios = [
            a / b for a, b in zip(values, rates["waitress", page], strict=True) if b
        ]
        print(
            f"{name:13} {page:5} {statistics.median(values):8.0f} "
            f"{statistics.median(ratios):10.2f} {errors[name, page]:6}"
        )
    print(f"\n{'server':13} {'MiB at rest':>12} {'MiB after':>10}")
    for name in ports:
        print(f"{name:13} {at_rest[name] / 1024:12.0f} {after[name] / 1024:10.0f}")


if __name__ == "__main__":
    main()
