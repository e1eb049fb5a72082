"""Every Celery task of the lower layer, found here by Celery's autodiscovery.

Each wing keeps its own tasks in its `tasks.py`. Their names stay
"networks.tasks.<name>" (set explicitly there): the beat schedule, queued
messages and running deployments know them by that name, so moving the code
between modules must not rename them.
"""

from networks.mutual_aid.tasks import aid_housekeeping
from networks.organizations.tasks import record_heartbeat
from networks.outbox.tasks import (
    deliver_notifications,
    purge_notifications,
    sweep_notifications,
)
from networks.rapid_response.tasks import apply_report_retention, escalate_alerts

__all__ = [
    "aid_housekeeping",
    "apply_report_retention",
    "deliver_notifications",
    "escalate_alerts",
    "purge_notifications",
    "record_heartbeat",
    "sweep_notifications",
]
