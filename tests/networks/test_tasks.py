"""The periodic heartbeat goes through a real broker and a real worker.

The broker is whatever the settings name: Redis when REDIS_URL is set (as in
CI), the embedded file-system broker otherwise.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from networks.models import Heartbeat
from networks.tasks import record_heartbeat


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_the_heartbeat():
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        record_heartbeat.delay("test-beat")
        deadline = time.monotonic() + 30
        while not Heartbeat.objects.filter(name="test-beat").exists():
            assert time.monotonic() < deadline, "the worker never ran the task"
            time.sleep(0.25)

    assert Heartbeat.objects.get(name="test-beat").last_run_at is not None


def test_beat_runs_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["heartbeat"]

    assert entry["task"] == record_heartbeat.name
    assert entry["schedule"] == 60.0
