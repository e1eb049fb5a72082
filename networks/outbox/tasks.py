from celery import shared_task

from networks.outbox import services as outbox
from networks.periodic import periodic_task


@periodic_task("sweep_notifications")
def sweep_notifications() -> int:
    """Every minute (beat), and when woken at a row's due time (outbox.wake):
    hand due notifications to delivery tasks, by id, and ask to be woken at
    the next due time before the next minute."""
    outbox.recover()
    chunks = outbox.queue_due()
    for ids in chunks:
        deliver_notifications.delay(ids)
    outbox.record_sweep()
    outbox.wake_for_next()
    return sum(len(ids) for ids in chunks)


# No automatic retry: a row that is not delivered stays pending or sending in
# the database, and the sweep takes it again after the lease.
@shared_task(name="networks.tasks.deliver_notifications")
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    return outbox.deliver(ids)


@periodic_task("purge_notifications")
def purge_notifications() -> int:
    """Daily: notifications done with for 90 days are deleted."""
    return outbox.purge()
