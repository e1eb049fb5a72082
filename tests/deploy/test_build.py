"""deploy/build.py, the image's build steps, run here as the Dockerfile runs
them (tests/deploy/test_dockerfile.py checks that it does)."""

import json
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def build(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "deploy/build.py", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's files (what `COPY . .` brings, less ignored
    files), so that the build writes nothing into the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = tmp_path / "app" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tmp_path / "app"


def normalized(name: str) -> str:
    """A package's name as PyPI compares them (PEP 503): pip freeze writes
    pillow_heif where pyproject.toml says pillow-heif."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_are_the_runtime_dependencies_at_locked_versions():
    locked = {
        normalized(line.split("==")[0]): line.split("==")[1]
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }

    result = build("requirements")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    names = {normalized(line.split("[")[0].split("==")[0]): line for line in lines}
    assert {"django", "granian", "celery", "psycopg"} <= set(names)
    assert not {"pytest", "ruff", "playwright", "waitress", "gunicorn"} & set(names)
    for name, line in names.items():
        assert line.endswith("==" + locked[name]), line


def test_assets_are_compiled_translations_and_hashed_static_files(tree):
    if not shutil.which("msgfmt"):
        pytest.skip("needs gettext's msgfmt (apt-get install gettext)")
    (tree / "locale/es/LC_MESSAGES/django.mo").unlink()

    result = build("assets", cwd=tree)

    assert result.returncode == 0, result.stderr
    assert (tree / "locale/es/LC_MESSAGES/django.mo").stat().st_size > 1000
    manifest = json.loads((tree / "staticfiles/staticfiles.json").read_text())
    assert manifest["paths"]["admin/css/base.css"].startswith("admin/css/base.")
    ours = [path for path in manifest["paths"] if not path.startswith("admin/")]
    assert any(path.endswith(".css") for path in ours)
    assert list((tree / "staticfiles").rglob("*.gz"))
