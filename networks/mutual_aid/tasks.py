from celery import shared_task
from django.db import DatabaseError

from networks.mutual_aid import services


@shared_task(
    name="networks.tasks.aid_housekeeping",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
)
def aid_housekeeping() -> dict[str, int]:
    """Hourly: remind coordinators, expire stale requests, purge old details."""
    return services.housekeeping()
