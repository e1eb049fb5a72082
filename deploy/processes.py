#!/usr/bin/env python3
"""The three process types, defined once: `web`, `worker` and `beat`.

    python deploy/processes.py web|worker|beat|migrate

replaces itself with that process (the image's entrypoint runs it this way),
and `bootstrap.py run` starts the same commands on one laptop. Each reads its
sizing from the environment:

- web: granian (WSGI) on 0.0.0.0:$PORT (default 8000; HOST to narrow it),
  WEB_CONCURRENCY worker processes (default 1: scale a container by
  replicas; on a machine of its own, one per core) of WEB_THREADS threads
  (default 8); tests/bench/bench_servers.py says why granian;
- worker: a Celery worker of WORKER_CONCURRENCY processes (default 2);
- beat: Celery beat; its schedule file goes to BEAT_SCHEDULE (default a
  temporary file: the schedule itself is code, in config/celery.py);
- migrate: `manage.py migrate`, for a release step or a Kubernetes Job.

Only the standard library: bootstrap.py loads this file before any package
is installed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("web", "worker", "beat", "migrate")


def command(kind: str, env: dict[str, str], bin_dir: Path) -> list[str]:
    if kind == "web":
        # Forwarded headers are judged by the app (TRUSTED_PROXIES,
        # networks/proxies.py), not by the server. No access log: it would
        # hold addresses and paths with tokens; the app logs each request's
        # route (networks/logs.py).
        return [
            str(bin_dir / "granian"),
            "--interface=wsgi",
            f"--host={env.get('HOST', '0.0.0.0')}",
            f"--port={env.get('PORT', '8000')}",
            f"--workers={env.get('WEB_CONCURRENCY', '1')}",
            f"--blocking-threads={env.get('WEB_THREADS', '8')}",
            "--respawn-failed-workers",
            "--no-ws",
            "config.wsgi:application",
        ]
    if kind == "worker":
        return [
            str(bin_dir / "celery"),
            "--app=config",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={env.get('WORKER_CONCURRENCY', '2')}",
        ]
    if kind == "beat":
        schedule = env.get("BEAT_SCHEDULE", "/tmp/celerybeat-schedule")
        return [
            str(bin_dir / "celery"),
            "--app=config",
            "beat",
            "--loglevel=INFO",
            f"--schedule={schedule}",
        ]
    if kind == "migrate":
        return [str(bin_dir / "python"), "manage.py", "migrate", "--noinput"]
    raise ValueError(f"unknown process type {kind!r}; one of {', '.join(KINDS)}")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in KINDS:
        print(__doc__)
        return 2
    argv = [
        arg
        for arg in command(argv[0], dict(os.environ), Path(sys.executable).parent)
        if arg
    ]
    os.chdir(ROOT)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
