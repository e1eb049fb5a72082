"""The periodic heartbeat goes through a real broker and a real worker.

The broker is whatever the settings name: Redis when REDIS_URL is set (as in
CI), the embedded file-system broker otherwise.
"""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from networks.models import Heartbeat
from networks.tasks import record_heartbeat
from tests.live import wait_for


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_the_heartbeat():
    # A queue of this test's own: whatever else waits in the broker's default
    # queue (left by an earlier run or another program) is not in front of it.
    queue = f"test-heartbeat-{uuid.uuid4().hex}"
    with start_worker(
        app, perform_ping_check=False, pool="solo", loglevel="WARNING", queues=[queue]
    ):
        record_heartbeat.apply_async(args=["test-beat"], queue=queue)
        wait_for(
            lambda: Heartbeat.objects.filter(name="test-beat").exists(),
            timeout=60,
            what="the worker to run the task",
        )

    assert Heartbeat.objects.get(name="test-beat").last_run_at is not None


def test_beat_runs_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["heartbeat"]

    assert entry["task"] == record_heartbeat.name
    assert entry["schedule"] == 60.0
