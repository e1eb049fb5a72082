"""deploy/processes.py: the image's process types, which `bootstrap.py run`
starts too; and the web process, for real, behind a proxy it trusts."""

import http.client
import json
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from tests.deploy import port as free_port
from tests.live import wait_for

ROOT = settings.BASE_DIR


def load(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


processes = load(ROOT / "deploy" / "processes.py")
bootstrap = load(ROOT / "bootstrap.py")


def test_bootstrap_runs_the_images_commands():
    env = {"PORT": "8123", "HOST": "127.0.0.1", "BEAT_SCHEDULE": "/tmp/b"}

    commands = bootstrap.process_commands(env)

    bin_dir = bootstrap.VENV / "bin"
    assert commands == {
        kind: [a for a in processes.command(kind, env, bin_dir) if a]
        for kind in ("web", "worker", "beat")
    }
    assert commands["web"][0].endswith("/granian")
    assert "--port=8123" in commands["web"]
    assert "--schedule=/tmp/b" in commands["beat"]


def test_an_unknown_process_type_is_refused_with_the_known_ones():
    result = subprocess.run(
        [sys.executable, "deploy/processes.py", "webb"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 2
    assert "web|worker|beat|migrate" in result.stdout


@pytest.fixture
def web(tmp_path):
    """`deploy/processes.py web` in production mode on a database of its own,
    trusting 127.0.0.1 as its proxy."""
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "web-under-test",
        "SEALING_KEYS": "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE=",
        "ALLOWED_HOSTS": "organizer.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOCAL_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "TRUSTED_PROXIES": "127.0.0.1",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_THREADS": "2",
    }
    env.pop("REDIS_URL", None)
    for step in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *step, "-v0"], cwd=ROOT, env=env, check=True
        )
    log = (tmp_path / "web.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "deploy/processes.py", "web"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: get(port, "/healthz/live")[0] == 200, timeout=60, what="web")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
        print((tmp_path / "web.log").read_text()[-3000:])


def get(port: int, path: str, **headers):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path, headers={"Host": "organizer.test", **headers})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    except OSError:
        return 0, {}, b""


def test_behind_its_tls_proxy_the_web_process_answers_instead_of_redirecting(web):
    proxied = get(web, "/actions/", **{"X-Forwarded-Proto": "https"})
    plain = get(web, "/actions/")

    assert proxied[0] == 200
    assert (plain[0], plain[1]["location"]) == (301, "https://organizer.test/actions/")
    ready = get(web, "/healthz/ready")
    assert (ready[0], json.loads(ready[2])["database"]) == (200, "ok")
    assert len(proxied[1]["x-request-id"]) == 32
