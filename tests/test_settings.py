"""Settings read from the environment, checked in fresh processes."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-key-" + "x" * 50,
    "ALLOWED_HOSTS": "organizer.example.org",
    "DATABASE_URL": "sqlite:////tmp/organizer-check.sqlite3",
    "AID_CONTACT_KEYS": "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE=",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A fresh process sees only what a deployment would set.
    inherited = {
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SEALING_KEYS",
        "AID_CONTACT_KEYS",
    }
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_boolean_is_refused_with_its_name():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_development_makes_its_own_key(tmp_path):
    env = {"DEBUG": "true", "LOCAL_DIR": str(tmp_path)}
    script = "from django.conf import settings; print(len(settings.SECRET_KEY))"

    first = manage("shell", "--no-imports", "-c", script, env=env)
    second = manage("shell", "--no-imports", "-c", script, env=env)

    assert first.returncode == 0, first.stderr
    assert int(first.stdout) >= 50
    assert (tmp_path / "secret_key").read_text().strip()
    assert first.stdout == second.stdout


def test_database_and_redis_urls_select_the_services():
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://app@db.internal:5432/organizer",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], "
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL)"
    )

    result = manage("shell", "--no-imports", "-c", script, env=env)

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.internal:6379/0",
    ]


def test_no_configuration_means_sqlite_and_an_embedded_broker(tmp_path):
    env = {
        "DEBUG": "true",
        "LOCAL_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    script = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)"
    )

    result = manage("shell", "--no-imports", "-c", script, env=env)

    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]


def test_production_refuses_to_start_without_sealing_keys():
    env = {k: v for k, v in PRODUCTION.items() if k != "AID_CONTACT_KEYS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "networks.E002" in result.stderr + result.stdout


def test_sealing_keys_are_read_under_the_new_name_or_the_old_one():
    key = PRODUCTION["AID_CONTACT_KEYS"]
    script = "from django.conf import settings; print(settings.SEALING_KEYS)"
    env = {k: v for k, v in PRODUCTION.items() if k != "AID_CONTACT_KEYS"}
    new = manage(
        "shell", "--no-imports", "-c", script, env={**env, "SEALING_KEYS": key}
    )
    old = manage("shell", "--no-imports", "-c", script, env=PRODUCTION)
    assert new.stdout.strip() == old.stdout.strip() == repr([key])


def test_a_bad_sealing_key_stops_the_app():
    result = manage("check", env={**PRODUCTION, "AID_CONTACT_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "networks.E001" in result.stderr + result.stdout


def test_the_run_command_points_links_at_the_server_it_starts():
    sys.path.insert(0, str(settings.BASE_DIR))
    try:
        import bootstrap
    finally:
        sys.path.pop(0)

    assert bootstrap.run_environment({"PORT": "9452"})["SITE_URL"] == (
        "http://127.0.0.1:9452"
    )
    assert bootstrap.run_environment({})["SITE_URL"] == "http://127.0.0.1:8000"
    given = {"PORT": "9452", "SITE_URL": "https://organizer.example.org"}
    assert bootstrap.run_environment(given)["SITE_URL"] == given["SITE_URL"]
