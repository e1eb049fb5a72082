"""People's notification choices, and the outbox every message goes through.

Every message the app sends to a person is a row here first; a periodic task
claims due rows and delivers them. See networks/outbox/services.py for the rules that
keep a row from being lost or sent twice.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationPreference(models.Model):
    """How a person with an account wants to hear from us.

    Essential notices (a change of time or place, a cancellation, a
    confirmation) are sent whatever is chosen here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    reminders = models.BooleanField(_("reminders before my shifts"), default=True)
    messages = models.BooleanField(_("messages from organizers"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class NotificationKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Signup confirmation")
    REMINDER = "reminder", _("Reminder")
    CHANGED = "changed", _("Change of time or place")
    CANCELLED = "cancelled", _("Cancellation")
    PROMOTED = "promoted", _("Place from the waitlist")
    MESSAGE = "message", _("Message from organizers")
    ALERT = "alert", _("Rapid-response alert")
    NEW_REPORT = "new_report", _("A new report for the dispatchers")
    AID_MATCH = "aid_match", _("A request matching an offer")
    AID_ASSIGNED = "aid_assigned", _("A request given to a helper")
    AID_CLAIMED = "aid_claimed", _("A request claimed")
    AID_FULFILLED = "aid_fulfilled", _("A request fulfilled")
    AID_STALE = "aid_stale", _("A request nobody has claimed")
    GUEST_CONFIRM = "guest_confirm", _("Link to confirm a signup without an account")
    INVITATION = "invitation", _("Invitation to an organization")
    SUBMITTED = "submitted", _("A local action put forward to a day of action")
    REVIEWED = "reviewed", _("A day of action's answer to a local action")


class NotificationState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("notification state", "Pending")
    SENDING = "sending", pgettext_lazy("notification state", "Sending")
    SENT = "sent", pgettext_lazy("notification state", "Sent")
    FAILED = "failed", pgettext_lazy("notification state", "Failed")
    DROPPED = "dropped", pgettext_lazy("notification state", "Not needed any more")


class Notification(models.Model):
    """One message to one person, due at a time; the outbox row.

    `target` is what it is about (a signup, for the events app); the kind's
    renderer, registered by the app that owns the target, turns it into an
    e-mail when it is sent, so what goes out is current at sending time.
    `key` makes scheduling idempotent: one reminder per signup and offset.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    payload = models.JSONField(default=dict, blank=True)
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Set when a sweep hands the row to a delivery task; a row queued long ago
    # and still pending (the message was lost with the broker) is queued again.
    queued_at = models.DateTimeField(null=True, blank=True)
    # Set when a delivery task takes the row; `claim` names that task run.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["target_type", "target_id", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} · {self.state}"
