"""Reads of the outbox: what staff and /healthz see."""

from django.db.models import Count, Min
from django.utils import timezone

from networks.models import Heartbeat, Notification, NotificationState
from networks.outbox.services import SWEEP_NAME

State = NotificationState


def stats() -> dict:
    counts = dict(
        Notification.objects.values_list("state").annotate(n=Count("pk")).order_by()
    )
    oldest = Notification.objects.filter(
        state=State.PENDING, due_at__lte=timezone.now()
    ).aggregate(oldest=Min("due_at"))["oldest"]
    sweep = Heartbeat.objects.filter(name=SWEEP_NAME).first()
    return {
        "last_sweep": sweep.last_run_at if sweep else None,
        "oldest_due": oldest,
        **{state: counts.get(state, 0) for state in State.values},
    }


def heartbeats():
    """Each periodic job's last run (the sweep's among them), by name."""
    return Heartbeat.objects.order_by("name")
