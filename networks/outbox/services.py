"""The notification outbox: every message is a row first, and is sent once.

A row's life:

    pending  --sweep hands its id to a delivery task (queued_at)-->  pending
    pending  --the task claims it with a conditional UPDATE-->       sending
    sending  --the mail server accepted it; the row is marked-->     sent
    sending  --a permanent error (bad address, 5xx)-->               failed
    sending  --a temporary error (4xx, no connection)-->             pending,
             due again after a back-off; after MAX_ATTEMPTS it is    failed
    sending  --longer than the lease (its worker died)-->            pending
    pending  --its renderer says it is not needed any more-->        dropped

A message someone is waiting for (a link to confirm their address) need not
wait for the sweep: `send_now` saves its row as queued and delivers it from
the same process as soon as the data commits. If that fails the row is simply
pending, and the sweep's retries take it from there.

Nothing waits in the broker: the sweep (every minute, from beat) reads due
rows from the database, and a row queued but never delivered (the broker lost
the message, say Redis restarted) is queued again after the lease. Two sweeps
or two deliveries of the same ids cannot both send a row: only one UPDATE
moves it from pending to sending.

The one accepted duplicate: a worker that dies after the mail server accepted
a message and before the row is marked sent. After the lease the row is sent
again. The other choice, never retrying a row whose worker died, would lose
every message that was claimed but not yet sent, which for reminders is worse
than a rare second copy. The window is at most one message per worker
process, because each row is marked the moment its own message is accepted,
and the second copy carries the same Message-ID, which many mail systems use
to fold duplicates.
"""

from __future__ import annotations

import logging
import math
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from networks import sealing
from networks.models import Heartbeat, Notification, NotificationState
from networks.outbox.channels import (
    Channel,
    Message,
    has_channel,
    message_id,
    open_channel,
)

__all__ = ["Channel", "Message", "message_id"]  # what renderers and tests use

log = logging.getLogger(__name__)

State = NotificationState
SWEEP_NAME = "notification sweep"
MAX_ATTEMPTS = 5
# Rows per delivery task: one task's claim, one SMTP connection.
CHUNK = 50
# Rows one sweep hands out at most; the rest wait for the next minute.
SWEEP_LIMIT = 20_000


def lease_seconds() -> int:
    """How long a claimed or queued row may stay so before it is taken again."""
    return settings.NOTIFICATION_LEASE_SECONDS


def retry_delays() -> list[int]:
    """Seconds to wait before attempt 2, 3, ...; the last repeats."""
    return settings.NOTIFICATION_RETRY_DELAYS


# Reasons kept on rows in English; pages translate them (gettext_noop marks
# them for the catalogue).
TARGET_GONE = gettext_noop("What it was about no longer exists.")
WORKER_LOST = gettext_noop("The worker stopped while sending; it will be sent again.")
WORKER_LOST_TOO_OFTEN = gettext_noop(
    "The worker stopped while sending, too many times."
)

# The address was sealed under a key that has been destroyed.
ADDRESS_ERASED = gettext_noop("The address was erased; nothing was sent.")


class NotNeeded(Exception):
    """Raised by a renderer: the row is dropped with this reason."""


# What each kind of notification looks like is decided by the app that owns
# its target (events registers signups' notices). `load` fetches targets in
# bulk, so a delivery task makes the same few queries whatever its size;
# `render` may keep things it looked up in `memo`, shared within one task.
Renderer = Callable[[Notification, models.Model, dict], Message]
_renderers: dict[str, Renderer] = {}
_loaders: dict[type[models.Model], Callable[[list[int]], dict[int, models.Model]]] = {}


def register(kind: str, render: Renderer) -> None:
    _renderers[kind] = render


def register_target(
    model: type[models.Model], load: Callable[[list[int]], dict[int, models.Model]]
) -> None:
    _loaders[model] = load


# Writing rows.


def about(objects: Iterable[models.Model]) -> Q:
    """Rows whose target is one of `objects` (all of one model)."""
    objects = list(objects)
    if not objects:
        return Q(pk__in=[])
    target_type = ContentType.objects.get_for_model(type(objects[0]))
    return Q(target_type=target_type, target_id__in=[o.pk for o in objects])


def new(*, kind: str, target: models.Model, due_at=None, **fields) -> Notification:
    """An unsaved row (fields: recipient_id, key, payload); see `add`."""
    return Notification(
        kind=kind,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        due_at=due_at or timezone.now(),
        **fields,
    )


def add(rows: list[Notification]) -> list[Notification]:
    """Save rows; those due now are handed to a worker once the data commits.

    Rows whose `key` already exists are skipped, so scheduling is idempotent.
    """
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    soon = timezone.now() + timedelta(seconds=wake_ahead_seconds())
    due = [row.due_at for row in rows if row.due_at <= soon]
    if due:
        transaction.on_commit(partial(wake, min(due)))
    return rows


def send_now(rows: list[Notification]) -> list[Notification]:
    """Save new rows (without a `key`) and send them as soon as the data commits.

    For messages a person is waiting for, such as a link to confirm their
    address: they are sent from this process right after the transaction
    commits (at once outside one), not at the next sweep, and never for data
    that is rolled back. The rows are saved as queued, so a sweep leaves them
    to this process for the lease. A failure (the mail server is down) leaves
    a row pending with its reason, for the sweep's usual retries; nothing is
    raised into the caller's request. The person may wait up to the mail
    server's timeout (EMAIL_TIMEOUT).
    """
    if not rows:
        return []
    now = timezone.now()
    for row in rows:
        row.queued_at = now
    Notification.objects.bulk_create(rows)
    transaction.on_commit(partial(_send_now, [row.pk for row in rows]), robust=True)
    return rows


def _send_now(ids: list[int]) -> None:
    outcome = deliver(ids)
    if outcome["retry"]:
        log.warning("notifications %s were not sent at once: %s", ids, outcome)


def drop(rows: Q, reason: str) -> int:
    """Pending rows matching `rows` will not be sent."""
    return Notification.objects.filter(rows, state=State.PENDING).update(
        state=State.DROPPED, last_error=reason[:500]
    )


def kick() -> None:
    """Ask a worker to sweep now, instead of at the next minute."""
    wake(timezone.now())


def wake_ahead_seconds() -> int:
    """How far ahead a wake-up may be asked for: one sweep interval, so every
    row falls due either within a wake-up's reach or before a sweep that looks
    ahead for it (`wake_for_next`)."""
    return settings.NOTIFICATION_SWEEP_SECONDS


def wake(at) -> None:
    """Ask a worker to sweep at `at` (at once if it is past), so that a row
    due then is sent at its time rather than at the next periodic sweep.

    Only a hint, and safe to lose: the message carries no row, only a time
    (a broker restart that drops it leaves the row to the periodic sweep),
    and it is never held longer than one sweep interval. A sweep at a whole
    second after `at` finds every row due up to it; wake-ups asked for the
    same second are sent once (`cache.add`), so a thousand reminders due
    together wake one sweep. A wake-up for now is always sent: a sweep for
    this second may already have run before the caller's rows committed.
    """
    if not settings.NOTIFICATIONS_KICK:
        return
    from celery import current_app
    from django.core.cache import cache

    now = timezone.now()
    options = {}
    if at > now:
        second = math.ceil(at.timestamp())
        try:
            if not cache.add(
                f"outbox:wake:{second}", 1, timeout=second - now.timestamp() + 60
            ):
                return
        except Exception:  # noqa: BLE001 - without the cache, a duplicate is harmless
            log.warning("could not record a notification wake-up", exc_info=True)
        options["eta"] = datetime.fromtimestamp(second, tz=UTC)
        options["expires"] = options["eta"] + timedelta(seconds=wake_ahead_seconds())
    try:
        current_app.send_task("networks.tasks.sweep_notifications", **options)
    except Exception:  # noqa: BLE001 - the sweep is the safety net
        log.warning("could not ask for a notification sweep", exc_info=True)


def wake_for_next(*, now=None) -> None:
    """After a sweep: a wake-up at the next due time within one sweep interval,
    so rows due between two periodic sweeps need not wait for the second."""
    now = now or timezone.now()
    upcoming = (
        Notification.objects.filter(
            state=State.PENDING,
            due_at__gt=now,
            due_at__lte=now + timedelta(seconds=wake_ahead_seconds()),
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if upcoming is not None:
        wake(upcoming)


# The sweep.


def recover(*, now=None) -> int:
    """Rows whose delivery task died while sending go back to pending."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        state=State.SENDING,
        claimed_at__lt=now - timedelta(seconds=lease_seconds()),
    )
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED,
        last_error=WORKER_LOST_TOO_OFTEN,
    )
    return stale.update(
        state=State.PENDING,
        queued_at=None,
        claim="",
        last_error=WORKER_LOST,
    )


def queue_due(*, now=None, limit: int = SWEEP_LIMIT) -> list[list[int]]:
    """Take due rows for delivery and return their ids in chunks.

    Rows queued by an earlier sweep and not delivered within the lease are
    taken again. Concurrent sweeps skip each other's locked rows.
    """
    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=lease_seconds())
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=State.PENDING, due_at__lte=now)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=requeue_before))
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(queued_at=now)
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def record_sweep(*, now=None) -> None:
    Heartbeat.objects.update_or_create(
        name=SWEEP_NAME, defaults={"last_run_at": now or timezone.now()}
    )


# Delivery.


def deliver(
    ids: list[int], *, conditional: bool = True, renew: bool = True
) -> dict[str, int]:
    """Send the due, pending rows among `ids`; returns counts by outcome.

    `conditional=False` exists only for the control test that shows the race
    is real: it reads the pending rows and then takes them, in two steps, as
    a naive outbox would. Nothing else may pass it.

    A batch can take longer than the lease (a slow mail server, a busy
    machine): its unsent rows would then look abandoned, and a sweep would
    hand them to another worker while this one still sends them. So the lease
    of the rows not yet sent is renewed every third of a lease, and a row a
    sweep took back anyway is left to whoever has it now. `renew=False`
    exists only for the control test that shows what happens without it.
    """
    now = timezone.now()
    claim = uuid.uuid4().hex
    due = Notification.objects.filter(pk__in=ids, state=State.PENDING, due_at__lte=now)
    take = {
        "state": State.SENDING,
        "claim": claim,
        "claimed_at": now,
        "attempts": F("attempts") + 1,
    }
    if conditional:
        due.update(**take)
        rows = Notification.objects.filter(claim=claim, state=State.SENDING)
    else:
        seen = list(due.values_list("pk", flat=True))
        Notification.objects.filter(pk__in=seen).update(**take)
        rows = Notification.objects.filter(pk__in=seen)
    outcome = {"sent": 0, "failed": 0, "retry": 0, "dropped": 0}
    rows = list(
        rows.select_related(
            "target_type", "recipient__notification_preference"
        ).order_by("due_at", "pk")
    )
    if not rows:
        return outcome
    targets = _load_targets(rows)
    memo: dict = {}
    opened: dict[str, Channel] = {}
    mine = {row.pk for row in rows}
    renewed, every = time.monotonic(), lease_seconds() / 3
    try:
        for row in rows:
            if renew and time.monotonic() - renewed >= every:
                mine = _renew(claim)
                renewed = time.monotonic()
            if row.pk not in mine:
                continue  # a sweep took it back; it is someone else's now
            result = _deliver_one(row, targets, memo, opened, claim)
            outcome[result] += 1
    finally:
        for channel in opened.values():
            channel.close()
    return outcome


def _renew(claim: str) -> set[int]:
    """Extend the lease of a delivery's unsent rows; the ids still its own."""
    unsent = Notification.objects.filter(claim=claim, state=State.SENDING)
    unsent.update(claimed_at=timezone.now())
    return set(unsent.values_list("pk", flat=True))


def _load_targets(rows: list[Notification]) -> dict:
    by_type: dict[ContentType, list[int]] = {}
    for row in rows:
        by_type.setdefault(row.target_type, []).append(row.target_id)
    targets = {}
    for target_type, ids in by_type.items():
        model = target_type.model_class()
        load = _loaders.get(model) or (lambda ids, m=model: m.objects.in_bulk(ids))
        for pk, target in load(ids).items():
            targets[target_type.pk, pk] = target
    return targets


def _deliver_one(row, targets, memo, opened, claim) -> str:
    mine = Notification.objects.filter(pk=row.pk, claim=claim, state=State.SENDING)
    try:
        target = targets.get((row.target_type_id, row.target_id))
        if target is None:
            raise NotNeeded(TARGET_GONE)
        message = _renderers[row.kind](row, target, memo)
        if isinstance(message.to, sealing.Unreadable):
            raise NotNeeded(ADDRESS_ERASED)
        if not has_channel(message.channel):
            raise ValueError(f"no channel {message.channel!r}")
    except NotNeeded as reason:
        mine.update(state=State.DROPPED, last_error=str(reason)[:500])
        return "dropped"
    except Exception as error:  # noqa: BLE001 - a bad row must not stop the rest
        log.exception("notification %s could not be rendered", row.pk)
        mine.update(state=State.FAILED, last_error=f"Could not be written: {error!r}")
        return "failed"
    if message.channel not in opened:
        opened[message.channel] = open_channel(message.channel)
    channel = opened[message.channel]
    try:
        channel.send(row, message)
    except Exception as error:  # noqa: BLE001 - classified below
        permanent = channel.is_permanent(error)
        if not permanent:
            channel.close()  # the next row starts afresh
        reason = _without(message.to, channel.describe(error))
        return _failed(mine, row, reason, permanent=permanent)
    mine.update(state=State.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def _without(address: str, reason: str) -> str:
    """A mail server's answer often repeats the address; the row keeps the
    answer, not the address (a guest's is sealed everywhere else)."""
    if not address:
        return reason
    return re.sub(re.escape(address), "<recipient>", reason, flags=re.IGNORECASE)


def preview(row: Notification) -> Message:
    """What `row` would say if it were sent now (NotNeeded if nothing)."""
    target = _load_targets([row]).get((row.target_type_id, row.target_id))
    if target is None:
        raise NotNeeded(TARGET_GONE)
    return _renderers[row.kind](row, target, {})


def _failed(mine, row, reason: str, *, permanent: bool) -> str:
    if permanent or row.attempts >= MAX_ATTEMPTS:
        mine.update(state=State.FAILED, last_error=reason)
        return "failed"
    delays = retry_delays()
    wait = delays[min(row.attempts - 1, len(delays) - 1)]
    mine.update(
        state=State.PENDING,
        due_at=timezone.now() + timedelta(seconds=wait),
        queued_at=None,
        claim="",
        last_error=reason,
    )
    return "retry"


def send_again(rows: models.QuerySet) -> int:
    """Failed rows among `rows` are tried again now, from a fresh count."""
    return rows.filter(state=State.FAILED).update(
        state=State.PENDING,
        due_at=timezone.now(),
        attempts=0,
        queued_at=None,
        claim="",
    )


# Keeping rows no longer than needed: who was sent what is personal data.
KEEP_DAYS = 90


def purge(*, now=None) -> int:
    """Delete rows that were sent, failed or not needed more than 90 days
    ago (pending ones stay, however old). Returns how many went."""
    now = now or timezone.now()
    deleted, _ = Notification.objects.filter(
        state__in=[State.SENT, State.FAILED, State.DROPPED],
        due_at__lt=now - timedelta(days=KEEP_DAYS),
    ).delete()
    return deleted
