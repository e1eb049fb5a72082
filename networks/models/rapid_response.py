"""Rapid-response networks: who covers where, who is on call, and the reports
they take, verify, dispatch and document.

Safety is in the data: a report stores no IP address and no account; the
reporter's contact and the exact location are kept apart from what the public
sees (kind, neighbourhood, the hour), and both are deleted or coarsened on the
network's schedule (networks/rapid_response/services.py, `apply_retention`).
"""

import secrets
from string import capwords

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from networks.models.mutual_aid import AidKind
from networks.models.notifications import Notification
from networks.models.organizations import Organization
from networks.sealing import SealedField
from networks.validators import validate_timezone


class Service(models.TextChoices):
    LEGAL = "legal", _("Legal assistance")
    EMOTIONAL = "emotional", _("Emotional support")
    DOCUMENTATION = "documentation", _("Documentation")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    KNOW_YOUR_RIGHTS = "know_your_rights", _("Know-your-rights training")


class ResponseNetwork(models.Model):
    """An organization's rapid-response network."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="response_networks",
        verbose_name=_("organization"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    hotline = models.CharField(_("hotline number"), max_length=40, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    services = models.JSONField(_("services"), default=list, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_timezone]
    )
    verifications_needed = models.PositiveSmallIntegerField(
        _("verifiers needed to confirm"), default=2
    )
    escalate_after_minutes = models.PositiveSmallIntegerField(
        _("minutes before an alert goes to the next group"), default=10
    )
    # Retention (days): reports never confirmed, and reporters' contacts.
    unverified_days = models.PositiveSmallIntegerField(
        _("days to keep reports never confirmed"), default=30
    )
    contact_days = models.PositiveSmallIntegerField(
        _("days to keep reporters' contact details"), default=30
    )
    # Public alerts leave the alerts page and feed after this; members keep
    # the record.
    alerts_expire_hours = models.PositiveSmallIntegerField(
        _("hours a public alert stays up"), default=12
    )
    # The network's own know-your-rights text; empty: the site's general one.
    rights_en = models.TextField(_("know your rights (English)"), blank=True)
    rights_es = models.TextField(_("know your rights (Spanish)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rapid-response network")
        verbose_name_plural = _("rapid-response networks")
        constraints = [
            models.CheckConstraint(
                name="network_verifications_in_range",
                condition=Q(verifications_needed__gte=1, verifications_needed__lte=10),
            ),
            models.CheckConstraint(
                name="network_escalation_in_range",
                condition=Q(
                    escalate_after_minutes__gte=1, escalate_after_minutes__lte=240
                ),
            ),
            models.CheckConstraint(
                name="network_alert_expiry_in_range",
                condition=Q(alerts_expire_hours__gte=1, alerts_expire_hours__lte=168),
            ),
        ]

    def __str__(self):
        return self.name

    def rights(self, language: str) -> str:
        """The network's know-your-rights text in `language` ("" if none)."""
        return self.rights_es if language == "es" else self.rights_en


class AreaKind(models.TextChoices):
    ZIP = "zip", pgettext_lazy("area kind", "ZIP code")
    CITY = "city", pgettext_lazy("area kind", "City")
    COUNTY = "county", pgettext_lazy("area kind", "County")


class CoverageArea(models.Model):
    """A place a network covers; reports and responders are matched by it.

    `value` is stored folded (lower case, single spaces) so matching is exact.
    """

    network = models.ForeignKey(
        ResponseNetwork, on_delete=models.CASCADE, related_name="areas"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    value = models.CharField(_("name or code"), max_length=120)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("area covered")
        verbose_name_plural = _("areas covered")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "kind", "value"], name="one_area_per_network"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.shown_value}"

    @property
    def shown_value(self) -> str:
        """The folded name with its capitals back ("tucson" is shown Tucson)."""
        return self.value if self.kind == AreaKind.ZIP else capwords(self.value)


class ResponseRole(models.TextChoices):
    DISPATCHER = "dispatcher", pgettext_lazy("response role", "Dispatcher")
    VERIFIER = "verifier", pgettext_lazy("response role", "Verifier")
    RESPONDER = (
        "responder",
        pgettext_lazy("response role", "Legal observer or responder"),
    )
    LAWYER = "lawyer", pgettext_lazy("response role", "Lawyer")
    SUPPORT = "support", pgettext_lazy("response role", "Support")


class TrainingKind(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch training")
    VERIFICATION = "verification", _("Verification training")
    LEGAL_OBSERVER = "legal_observer", _("Legal observer training")
    KNOW_YOUR_RIGHTS = "know_your_rights", _("Know-your-rights training")


# A role that needs a training can only be given to someone who has it.
ROLE_TRAINING = {
    ResponseRole.DISPATCHER: TrainingKind.DISPATCH,
    ResponseRole.VERIFIER: TrainingKind.VERIFICATION,
    ResponseRole.RESPONDER: TrainingKind.LEGAL_OBSERVER,
}
# Roles that need two-factor authentication on every page of theirs.
MFA_ROLES = {ResponseRole.DISPATCHER, ResponseRole.VERIFIER}


class NetworkMember(models.Model):
    """A person's role in a network; one row per role they hold."""

    network = models.ForeignKey(
        ResponseNetwork, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="network_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=ResponseRole.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    # When this person last opened the desk (dispatcher rows only): what came
    # in after it is marked new.
    desk_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["network", "role", "pk"]
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"], name="one_row_per_network_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class Training(models.Model):
    network = models.ForeignKey(
        ResponseNetwork, on_delete=models.CASCADE, related_name="trainings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings"
    )
    kind = models.CharField(_("training"), max_length=20, choices=TrainingKind.choices)
    completed_on = models.DateField(_("completed on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-completed_on"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "kind"], name="one_training_row_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class Duty(models.TextChoices):
    RESPOND = "respond", pgettext_lazy("on-call duty", "Responders")
    DISPATCH = "dispatch", pgettext_lazy("on-call duty", "Dispatchers")


class OnCallSlot(models.Model):
    """A span of time a number of responders cover; `tier` orders escalation:
    alerts go to tier 1 first, then 2, and so on. A dispatch slot is the
    desk's rota instead: its people are told of every new report."""

    network = models.ForeignKey(
        ResponseNetwork, on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    duty = models.CharField(
        _("duty"), max_length=10, choices=Duty.choices, default=Duty.RESPOND
    )
    tier = models.PositiveSmallIntegerField(_("escalation group"), default=1)
    places = models.PositiveIntegerField(_("places"), default=5)
    # Empty: the whole network's area.
    areas = models.ManyToManyField(
        CoverageArea, blank=True, related_name="slots", verbose_name=_("areas")
    )

    class Meta:
        ordering = ["starts_at", "tier", "pk"]
        verbose_name = _("on-call slot")
        verbose_name_plural = _("on-call slots")
        constraints = [
            models.CheckConstraint(
                name="slot_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="slot_tier_in_range", condition=Q(tier__gte=1, tier__lte=5)
            ),
            models.CheckConstraint(
                name="slot_places_in_range", condition=Q(places__lte=1000)
            ),
        ]

    def __str__(self):
        return f"{self.network} · {self.starts_at:%Y-%m-%d %H:%M} · {self.tier}"


class OnCall(models.Model):
    slot = models.ForeignKey(
        OnCallSlot, on_delete=models.CASCADE, related_name="people"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person on call")
        verbose_name_plural = _("people on call")
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], name="one_on_call_row")
        ]

    def __str__(self):
        return f"{self.user} · {self.slot}"


class ActivityKind(models.TextChoices):
    CHECKPOINT = "checkpoint", pgettext_lazy("activity", "Checkpoint")
    HOME_RAID = "home_raid", pgettext_lazy("activity", "Home raid")
    WORKPLACE_RAID = "workplace_raid", pgettext_lazy("activity", "Workplace raid")
    ARREST = "arrest", pgettext_lazy("activity", "Arrest")
    VEHICLES = "vehicles", pgettext_lazy("activity", "Vehicles or agents seen")
    COURTHOUSE = "courthouse", pgettext_lazy("activity", "Courthouse")
    OTHER = "other", pgettext_lazy("activity", "Other")


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("report status", "New")
    VERIFYING = "verifying", pgettext_lazy("report status", "Verifying")
    CONFIRMED = "confirmed", pgettext_lazy("report status", "Confirmed")
    UNCONFIRMED = (
        "unconfirmed",
        pgettext_lazy("report status", "Could not be confirmed"),
    )
    FALSE_ALARM = "false_alarm", pgettext_lazy("report status", "False alarm")
    CLOSED = "closed", pgettext_lazy("report status", "Closed")


class ReportSource(models.TextChoices):
    WEB = "web", _("Public form")
    HOTLINE = "hotline", _("Hotline call")


class Report(models.Model):
    """A report of enforcement activity. No account, name or IP address.

    Public: kind, neighbourhood, city, the hour. Network members with a role:
    the exact place (`location`). Dispatchers only: `contact`. The contact,
    the exact place and the description are sealed at rest (networks/sealing.py).
    """

    network = models.ForeignKey(
        ResponseNetwork, on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(
        _("what was seen"), max_length=20, choices=ActivityKind.choices
    )
    description = SealedField(
        _("what happened"), max_length=3000, blank=True, multiline=True
    )
    seen_at = models.DateTimeField(_("when"))
    location = SealedField(_("exact place"), max_length=300, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    contact = SealedField(_("contact"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    # What the reporter keeps to follow the report's status, with no contact.
    tracking_code = models.CharField(
        _("tracking code"), max_length=12, blank=True, editable=False
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ReportSource.choices, default="web"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default="new"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    # Documentation and follow-up.
    detained = models.PositiveSmallIntegerField(
        _("people detained"), null=True, blank=True
    )
    released = models.PositiveSmallIntegerField(
        _("people released"), null=True, blank=True
    )
    legal_referral = models.BooleanField(_("legal referral made"), default=False)
    family_support = models.BooleanField(_("family support needed"), default=False)
    referred_to = models.CharField(
        _("referred to"),
        max_length=20,
        blank=True,
        choices=[("lawyer", _("A lawyer")), ("mutual_aid", _("Mutual aid"))],
    )
    # Retention: when the contact was deleted and the place coarsened.
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    coarsened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["network", "status", "created_at"]),
        ]
        constraints = [
            # Older reports have none; every new one gets its own.
            models.UniqueConstraint(
                fields=["tracking_code"],
                condition=~Q(tracking_code=""),
                name="one_report_per_tracking_code",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.city} · {self.created_at:%Y-%m-%d}"


def photo_path(instance, filename) -> str:
    # A random name: the uploaded name may identify the person.
    return f"reports/{instance.report.network_id}/{secrets.token_hex(16)}.jpg"


class ReportPhoto(models.Model):
    """A photo with its metadata (EXIF, GPS) removed on upload."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.report} · {self.pk}"


class VerificationMethod(models.TextChoices):
    ON_SCENE = "on_scene", _("On scene")
    PHOTO = "photo", _("Photo or video")
    TRUSTED_SOURCE = "trusted_source", _("Trusted source")


class Verification(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="verifications"
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    method = models.CharField(
        _("how it was verified"), max_length=20, choices=VerificationMethod.choices
    )
    note = SealedField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "verifier"], name="one_verification_per_verifier"
            )
        ]

    def __str__(self):
        return f"{self.report} · {self.method}"


class Step(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("timeline step", "received")
    VERIFYING = "verifying", pgettext_lazy("timeline step", "started verifying")
    VERIFIED = "verified", pgettext_lazy("timeline step", "verified")
    CONFIRMED = "confirmed", pgettext_lazy("timeline step", "confirmed")
    ALERTED = "alerted", pgettext_lazy("timeline step", "alerted people on call")
    NOBODY_LEFT = (
        "nobody left",
        pgettext_lazy("timeline step", "found no one left to alert"),
    )
    GOING = "going", pgettext_lazy("timeline step", "is going")
    NOT_GOING = "not going", pgettext_lazy("timeline step", "cannot go")
    NOTE = "note", pgettext_lazy("timeline step", "added a note")
    OUTCOME = "outcome", pgettext_lazy("timeline step", "recorded the outcome")
    UNCONFIRMED = "unconfirmed", pgettext_lazy("timeline step", "could not confirm it")
    FALSE_ALARM = (
        "false_alarm",
        pgettext_lazy("timeline step", "marked it a false alarm"),
    )
    CLOSED = "closed", pgettext_lazy("timeline step", "closed it")
    HELP = "help", pgettext_lazy("timeline step", "opened a request for help")


class TimelineEntry(models.Model):
    """Every step on a report: who, when, what.

    `detail` holds data, not prose (a method, "tier:count"), so `describe`
    can say it in the reader's language; for status changes, the note typed.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="timeline"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=40, choices=Step.choices)
    # Sealed: for a status change it is the note a member typed, which may
    # name people or places.
    detail = SealedField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report} · {self.what}"

    def describe(self) -> str:
        """The detail in words, in the active language."""
        detail = self.detail
        if self.what == Step.RECEIVED and detail in ReportSource.values:
            return str(ReportSource(detail).label)
        if self.what == Step.VERIFIED and detail in VerificationMethod.values:
            return str(VerificationMethod(detail).label)
        if self.what == Step.ALERTED and ":" in detail:
            tier, count = detail.split(":", 1)
            return ngettext(
                "group %(tier)s: %(count)s person",
                "group %(tier)s: %(count)s people",
                int(count) if count.isdigit() else 0,
            ) % {"tier": tier, "count": count}
        if self.what == Step.NOBODY_LEFT:
            return gettext("after group %(tier)s") % {"tier": detail}
        if self.what == Step.OUTCOME and detail:
            names = {field.name: field for field in Report._meta.fields}
            return ", ".join(
                str(names[name].verbose_name) if name in names else name
                for name in detail.split(", ")
            )
        if self.what == Step.HELP and ":" in detail:
            kind, consent = detail.split(":", 1)
            kind = str(AidKind(kind).label) if kind in AidKind.values else kind
            if consent == "contact":
                return gettext("%(kind)s; contact shared with consent") % {"kind": kind}
            return gettext("%(kind)s; no contact shared") % {"kind": kind}
        if self.what == Step.CONFIRMED:
            return ngettext(
                "%(count)s verification",
                "%(count)s verifications",
                int(detail) if detail.isdigit() else 0,
            ) % {"count": detail}
        return detail


class AlertAnswer(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("alert answer", "No answer yet")
    ACCEPTED = "accepted", pgettext_lazy("alert answer", "Going")
    DECLINED = "declined", pgettext_lazy("alert answer", "Cannot go")


class Alert(models.Model):
    """One responder asked to go to one report; sent through the outbox."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="alerts")
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    tier = models.PositiveSmallIntegerField(default=1)
    answer = models.CharField(
        max_length=10, choices=AlertAnswer.choices, default=AlertAnswer.WAITING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Deleting this deletes the notifications about it.
    notifications = GenericRelation(
        Notification, content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        ordering = ["tier", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "responder"], name="one_alert_per_responder"
            )
        ]

    def __str__(self):
        return f"{self.report} · {self.responder} · {self.answer}"


class ReportNote(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = SealedField(_("note"), max_length=3000, multiline=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report} · {self.at:%Y-%m-%d %H:%M}"
