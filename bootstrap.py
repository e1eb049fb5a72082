#!/usr/bin/env python3
"""Set up and run the app, or set up and run the tests, with one command each.

    python3 bootstrap.py run     # web server, Celery worker and beat, seeded data
    python3 bootstrap.py test    # lint, migration check, the whole test suite

It needs only a Python 3 interpreter to start: it finds a Python 3.12 or newer
(Django 6.1 needs one), makes `.venv/`, installs the pinned packages from
`requirements.lock` when they changed, and then does the work inside it.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
MIN_PYTHON = (3, 12)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    python = ensure_venv()
    if argv[0] == "run":
        return run(python)
    return test(python, argv[1:])


def find_python() -> str:
    """A Python >= 3.12: this one, one on PATH, or one that pyenv installed."""
    if sys.version_info[:2] >= MIN_PYTHON:
        return sys.executable
    names = [f"python3.{minor}" for minor in range(20, MIN_PYTHON[1] - 1, -1)]
    candidates = [shutil.which(name) for name in names]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(
        glob.glob(f"{pyenv_root}/versions/3.*/bin/python3"), reverse=True
    )
    for candidate in filter(None, candidates):
        if python_version(candidate) >= MIN_PYTHON:
            return candidate
    sys.exit(
        "bootstrap: this app needs Python 3.12 or newer (Django 6.1 does); "
        "install one (python3.12 on PATH is enough) and run this again."
    )


def python_version(executable: str) -> tuple[int, int]:
    code = "import sys; print(*sys.version_info[:2])"
    try:
        out = subprocess.run(
            [executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return (0, 0)
    major, minor = out.split()
    return int(major), int(minor)


def ensure_venv() -> str:
    python = VENV / "bin" / "python"
    if not python.exists():
        print("bootstrap: creating .venv", flush=True)
        subprocess.run([find_python(), "-m", "venv", str(VENV)], check=True)
    marker = VENV / ".lock-sha256"
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not marker.exists() or marker.read_text() != digest:
        print("bootstrap: installing pinned packages", flush=True)
        pip = [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-r", str(LOCK)], check=True)
        marker.write_text(digest)
    return str(python)


def manage(python: str, *args: str, env: dict[str, str]) -> None:
    subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run(python: str) -> int:
    env = dict(os.environ)
    env.setdefault("DEBUG", "true")
    port = env.setdefault("PORT", "8000")
    manage(python, "migrate", "--noinput", env=env)
    manage(python, "collectstatic", "--noinput", "--verbosity", "0", env=env)
    manage(python, "load_seeds", env=env)
    bin_dir = VENV / "bin"
    commands = {
        "web": [
            str(bin_dir / "waitress-serve"),
            f"--listen=127.0.0.1:{port}",
            # settings.UPLOAD_MAX_BYTES: waitress holds a body before Django.
            "--max-request-body-size=34603008",
            "config.wsgi:application",
        ],
        "worker": [str(bin_dir / "celery"), "-A", "config", "worker", "-l", "info"],
        "beat": [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "beat",
            "-l",
            "info",
            "-s",
            str(ROOT / ".local" / "celerybeat-schedule"),
        ],
    }
    processes = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env) for name, cmd in commands.items()
    }
    print(f"\n  The app is running at http://127.0.0.1:{port}/  (Ctrl-C stops it)\n")
    return supervise(processes)


def supervise(processes: dict[str, subprocess.Popen]) -> int:
    """Wait until one process ends or Ctrl-C, then stop the others."""
    code = 0
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"bootstrap: {name} stopped with code {process.returncode}")
                code = process.returncode or 1
    except KeyboardInterrupt:
        pass
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    return code


def test(python: str, pytest_args: list[str]) -> int:
    env = dict(os.environ)
    # Tests never need a real key; a deployment always sets its own.
    env.setdefault("SECRET_KEY", "test-only-" + hashlib.sha256(b"tests").hexdigest())
    bin_dir = VENV / "bin"
    steps = [
        [str(bin_dir / "ruff"), "format", "--check", "."],
        [str(bin_dir / "ruff"), "check", "."],
        [python, "manage.py", "makemigrations", "--check", "--dry-run"],
        [python, "-m", "pytest", *pytest_args],
    ]
    for step in steps:
        print(
            "bootstrap: "
            + " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)),
            flush=True,
        )
        result = subprocess.run(step, cwd=ROOT, env=env)
        if result.returncode != 0:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
