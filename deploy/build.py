#!/usr/bin/env python3
"""The build steps of the image, in one place: the Dockerfile runs them, and
so does the test suite (tests/deploy/test_build.py), so they cannot drift.

    python deploy/build.py requirements > requirements.txt
        the production packages (pyproject's dependencies, without the dev
        extra) at the exact versions of requirements.lock;
    python deploy/build.py assets
        compiled translations and collected, hashed static files, made with
        the production settings (DEBUG off) the image runs with.

It uses only the standard library and the Python that runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def name_of(requirement: str) -> str:
    """The normalized project name of "Name[extra]==1.0"."""
    name = re.split(r"[\[=<>!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements() -> list[str]:
    """pyproject's runtime dependencies (with their extras), checked to be in
    requirements.lock; install them with `-c requirements.lock` so that what
    they pull in has the locked versions too."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {
        name_of(line): line.strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    wanted = []
    for dependency in project["dependencies"]:
        name = name_of(dependency)
        if name not in locked:
            sys.exit(f"build: {name} is in pyproject.toml but not requirements.lock")
        wanted.append(dependency)
    return wanted


def assets() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        # Building needs settings to load, not a real key: the image never
        # keeps this one, every deployment sets its own.
        "SECRET_KEY": "build-only-not-a-secret",
        "LOCAL_DIR": os.environ.get("LOCAL_DIR", "/tmp/organizer-build"),
    }
    manage = [sys.executable, "manage.py"]
    for args in (
        ["compilemessages", "--ignore=.venv"],
        ["collectstatic", "--noinput", "--verbosity=0"],
    ):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True)


def main(argv: list[str]) -> int:
    if argv == ["requirements"]:
        print("\n".join(requirements()))
        return 0
    if argv == ["assets"]:
        assets()
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
