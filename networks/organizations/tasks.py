from celery import shared_task
from django.db import DatabaseError

from networks.organizations import services


# A database hiccup (a lock, a dropped connection) is retried within seconds
# rather than waiting a whole minute for the next beat.
@shared_task(
    name="networks.tasks.record_heartbeat",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=5,
)
def record_heartbeat(name: str = "beat") -> None:
    services.record_heartbeat(name=name)
