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
    old = setup_databases(verbosity=0, interactive=False)
    try:
        with override_settings(
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
