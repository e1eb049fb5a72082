from celery import shared_task
from django.db import DatabaseError

from networks.outbox import services as outbox


@shared_task(
    name="networks.tasks.sweep_notifications",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
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
@shared_task(name="networks.tasks.deliver_notifications")
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    return outbox.deliver(ids)


@shared_task(
    name="networks.tasks.purge_notifications",
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_jitter=False,
    max_retries=3,
)
def purge_notifications() -> int:
    """Daily: notifications done with for 90 days are deleted."""
    return outbox.purge()
