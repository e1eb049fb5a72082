from celery import shared_task
from django.db import DatabaseError

from networks import aid, outbox, response, services


# A database hiccup (a lock, a dropped connection) is retried within seconds
# rather than waiting a whole minute for the next beat.
@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=5
)
def record_heartbeat(name: str = "beat") -> None:
    services.record_heartbeat(name=name)


@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=3
)
def sweep_notifications() -> int:
    """Every minute (beat): hand due notifications to delivery tasks, by id."""
    outbox.recover()
    chunks = outbox.queue_due()
    for ids in chunks:
        deliver_notifications.delay(ids)
    outbox.record_sweep()
    return sum(len(ids) for ids in chunks)


# No automatic retry: a row that is not delivered stays pending or sending in
# the database, and the sweep takes it again after the lease.
@shared_task
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    return outbox.deliver(ids)


@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=3
)
def escalate_alerts() -> int:
    """Every minute: reports nobody is going to get the next on-call group."""
    return response.escalate()


@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=3
)
def apply_report_retention() -> dict[str, int]:
    """Hourly: each network's retention schedule for reports."""
    return response.apply_retention()


@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=3
)
def aid_housekeeping() -> dict[str, int]:
    """Hourly: remind coordinators, expire stale requests, purge old details."""
    return aid.housekeeping()


@shared_task(
    autoretry_for=(DatabaseError,), retry_backoff=1, retry_jitter=False, max_retries=3
)
def purge_notifications() -> int:
    """Daily: notifications done with for 90 days are deleted."""
    return outbox.purge()
