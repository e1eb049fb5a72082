"""The Celery app and its beat schedule.

The schedule is code, here, so that every deployment runs the same periodic work.
Periodic tasks claim rows from the database; nothing is held in delayed messages.
"""

import os

from celery import Celery
from django.conf import settings

from networks.logs import connect_celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("organizer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# A task queued during a request logs with that request's id.
connect_celery()

app.conf.beat_schedule = {
    "heartbeat": {
        "task": "networks.tasks.record_heartbeat",
        "schedule": 60.0,
    },
    # Due notifications, read from the database (networks/outbox/services.py). A sweep
    # still queued when the next one is sent is dropped (expires): on a busy
    # worker, sweeps piling up would stand in front of the deliveries they
    # hand out, and the next sweep finds the same rows anyway.
    "sweep-notifications": {
        "task": "networks.tasks.sweep_notifications",
        "schedule": float(settings.NOTIFICATION_SWEEP_SECONDS),
        "options": {"expires": float(settings.NOTIFICATION_SWEEP_SECONDS)},
    },
    # Rapid response: alerts nobody answered go to the next on-call group,
    # checked as often as the outbox is swept.
    "escalate-alerts": {
        "task": "networks.tasks.escalate_alerts",
        "schedule": float(settings.NOTIFICATION_SWEEP_SECONDS),
        "options": {"expires": float(settings.NOTIFICATION_SWEEP_SECONDS)},
    },
    # Rapid response: reports, contacts and exact places past their time.
    "report-retention": {
        "task": "networks.tasks.apply_report_retention",
        "schedule": 3600.0,
    },
    # Mutual aid: reminders, expiry, and requests' details deleted on time.
    "aid-housekeeping": {
        "task": "networks.tasks.aid_housekeeping",
        "schedule": 3600.0,
    },
    # Notifications done with for 90 days (networks/outbox/services.py, `purge`).
    "purge-notifications": {
        "task": "networks.tasks.purge_notifications",
        "schedule": 86400.0,
    },
    # Personal data past its use (events.services.purge_personal_data).
    "purge-personal-data": {
        "task": "events.tasks.purge_personal_data",
        "schedule": 3600.0,
    },
}
