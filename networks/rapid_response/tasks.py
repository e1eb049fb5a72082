from celery import shared_task
from django.db import DatabaseError

from networks.rapid_response import services


@shared_task(
    name="networks.tasks.escalate_alerts",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
)
def escalate_alerts() -> int:
    """Every minute: reports nobody is going to get the next on-call group."""
    return services.escalate()


@shared_task(
    name="networks.tasks.apply_report_retention",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
)
def apply_report_retention() -> dict[str, int]:
    """Hourly: each network's retention schedule for reports."""
    return services.apply_retention()
