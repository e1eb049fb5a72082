import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.geocoding import GeocodeStatus
from networks.models import Notification, Organization, SourceDocument
from networks.sealing import LookupHashField, SealedField
from networks.validators import validate_timezone


class DateBasis(models.TextChoices):
    STATED = "stated", _("Stated in the source")
    INFERRED = "inferred", _("Worked out from the source")
    UNKNOWN = "unknown", _("Not given")


class BookkeepingSkipped(TypeError):
    """An `update()` of fields that only `save()` keeps calendars right about."""


class CalendarQuerySet(models.QuerySet):
    """Rows calendars show, whose `update()` refuses their calendar fields.

    Changing when, where or whether something happens goes through `save()`
    (and the services that call it): it raises SEQUENCE, moves LAST-MODIFIED,
    keeps the local date in step with the start, and its signals give every
    feed a new version; the services also tell the people signed up. An
    `update()` (or `bulk_update()`, which uses it) does none of that, so
    calendar clients would keep the old event without a word. Refusing is
    safer than bumping the sequence here: a bump would still skip the local
    date and the notices, and look as if it had not. Other fields (geocoding
    status, say) update as usual; fields a feed shows without a new SEQUENCE,
    like a title, still need `feeds.invalidate()` after an update.
    """

    def update(self, **kwargs):
        guarded = sorted(set(kwargs) & set(self.model.CALENDAR_FIELDS))
        if guarded:
            raise BookkeepingSkipped(
                f"{self.model.__name__} rows cannot be updated in bulk on "
                f"{', '.join(guarded)}: calendars follow these fields through "
                "save() (SEQUENCE, LAST-MODIFIED, feed versions, notices). Save "
                "each row, or use the services in events.services."
            )
        return super().update(**kwargs)


class Sequenced(models.Model):
    """A `sequence` number that rises whenever a field in SEQUENCE_FIELDS changes.

    Calendar clients (RFC 5545 SEQUENCE) only replace an event they already
    hold when its sequence rises, so a change of time, place or status must
    raise it. The values loaded from the database are remembered and compared
    on save; `QuerySet.update()` bypasses this, so it refuses those fields
    (see `CalendarQuerySet`).
    """

    SEQUENCE_FIELDS: tuple[str, ...] = ()
    # What `update()` refuses: those fields and the sequence itself.
    CALENDAR_FIELDS: tuple[str, ...] = ()

    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded", None)
        if self.pk and loaded:
            fields = self._meta
            changed = any(
                fields.get_field(name).to_python(getattr(self, name)) != value
                for name, value in loaded.items()
            )
            if changed:
                self.sequence += 1
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "sequence"}
        super().save(*args, **kwargs)
        self._loaded = {
            name: getattr(self, name)
            for name in self.SEQUENCE_FIELDS
            if name not in self.get_deferred_fields()
        }

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._loaded = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if name in cls.SEQUENCE_FIELDS
        }
        return instance


class Campaign(Sequenced):
    """A national or multi-city day of action that gathers local actions."""

    SEQUENCE_FIELDS = ("date", "date_basis")
    CALENDAR_FIELDS = (*SEQUENCE_FIELDS, "sequence")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organizers = models.ManyToManyField(
        Organization, blank=True, related_name="campaigns", verbose_name=_("organizers")
    )
    date = models.DateField(_("date"), null=True, blank=True)
    date_basis = models.CharField(
        _("date basis"),
        max_length=10,
        choices=DateBasis.choices,
        default=DateBasis.UNKNOWN,
    )
    demands = models.JSONField(_("demands"), default=list, blank=True)
    # The shift roles the day's organizers ask every local action to fill
    # (ShiftRole values); "roles still unfilled" counts only these.
    needed_roles = models.JSONField(
        _("roles each local action needs"), default=list, blank=True
    )
    sources = models.ManyToManyField(SourceDocument, blank=True, related_name="+")
    open_questions = models.JSONField(_("open questions"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [F("date").desc(nulls_last=True), "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:campaign-detail", kwargs={"slug": self.slug})

    def clean(self):
        unknown = set(self.needed_roles) - set(ShiftRole.values)
        if unknown:
            raise ValidationError(
                {
                    "needed_roles": _("These are not roles: %(roles)s")
                    % {"roles": ", ".join(sorted(unknown))}
                }
            )


class ActionKind(models.TextChoices):
    MARCH = "march", pgettext_lazy("action kind", "March")
    RALLY = "rally", pgettext_lazy("action kind", "Rally")
    WALKOUT = "walkout", pgettext_lazy("action kind", "Walkout")
    STRIKE = "strike", pgettext_lazy("action kind", "Strike or shutdown")
    VIGIL = "vigil", pgettext_lazy("action kind", "Vigil")
    PRESS_CONFERENCE = (
        "press_conference",
        pgettext_lazy("action kind", "Press conference"),
    )
    BOYCOTT = "boycott", pgettext_lazy("action kind", "Boycott")
    COMMUNITY_MEETING = (
        "community_meeting",
        pgettext_lazy("action kind", "Community meeting"),
    )
    OTHER = "other", pgettext_lazy("action kind", "Other")


class CampaignReview(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("review", "Approved")
    PENDING = "pending", pgettext_lazy("review", "Waiting for review")
    REJECTED = "rejected", pgettext_lazy("review", "Not accepted")


class ActionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("action status", "Draft")
    PUBLISHED = "published", pgettext_lazy("action status", "Published")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


class DatePrecision(models.TextChoices):
    DATETIME = "datetime", _("Date and time")
    DATE = "date", _("Date only, time to be announced")
    UNKNOWN = "unknown", _("Date not known")


class TurnoutQualifier(models.TextChoices):
    UNKNOWN = "unknown", pgettext_lazy("turnout", "Not reported")
    EXACT = "exact", pgettext_lazy("turnout", "Exactly")
    ABOUT = "about", pgettext_lazy("turnout", "About")
    OVER = "over", pgettext_lazy("turnout", "Over")
    NEARLY = "nearly", pgettext_lazy("turnout", "Nearly")
    MORE_THAN_A_DOZEN = (
        "more_than_a_dozen",
        pgettext_lazy("turnout", "More than a dozen"),
    )
    DOZENS = "dozens", pgettext_lazy("turnout", "Dozens")
    HUNDREDS = "hundreds", pgettext_lazy("turnout", "Hundreds")
    THOUSANDS = "thousands", pgettext_lazy("turnout", "Thousands")
    TENS_OF_THOUSANDS = (
        "tens_of_thousands",
        pgettext_lazy("turnout", "Tens of thousands"),
    )


COUNTED_QUALIFIERS = ["exact", "about", "over", "nearly"]


# Reminders: 24 hours and 2 hours before a shift unless organizers choose
# otherwise; at most four, between 15 minutes and 14 days ahead.
DEFAULT_REMINDER_OFFSETS = [24 * 60, 2 * 60]
MAX_REMINDERS = 4
REMINDER_RANGE = (15, 14 * 24 * 60)


def default_reminder_offsets() -> list[int]:
    return list(DEFAULT_REMINDER_OFFSETS)


def validate_reminder_offsets(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ValidationError(_("Reminders are a list of minutes."))
    if len(value) > MAX_REMINDERS:
        raise ValidationError(
            _("At most %(count)s reminders.") % {"count": MAX_REMINDERS}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each reminder time may appear once."))
    low, high = REMINDER_RANGE
    if any(not low <= v <= high for v in value):
        raise ValidationError(
            _("Reminders go between 15 minutes and 14 days before a shift.")
        )


class Action(Sequenced):
    """One local action at one place.

    The schedule is honest about what is known: `date_precision` says whether
    there is a time (`starts_at`, aware, UTC), only a local date (`start_date`),
    or nothing. `start_date` is always the local calendar date when one is
    known, so lists order and filter every kind of action the same way.
    """

    # Where it is; the last three are what the place is geocoded from.
    PLACE_FIELDS = ("venue", "address", "city", "region", "country")
    GEOCODED_FIELDS = ("city", "region", "country")
    SEQUENCE_FIELDS = (
        "status",
        "date_precision",
        "start_date",
        "starts_at",
        "ends_at",
        "timezone",
        *PLACE_FIELDS,
    )
    CALENDAR_FIELDS = (*SEQUENCE_FIELDS, "sequence")

    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.PUBLISHED,
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("campaign"),
    )
    # A local host submits an action to a day of action; the day's organizers
    # approve it before it shows on the campaign page.
    campaign_review = models.CharField(
        _("review by the day of action"),
        max_length=10,
        choices=CampaignReview.choices,
        default=CampaignReview.APPROVED,
    )
    campaign_review_note = models.CharField(
        _("note from the reviewers"), max_length=500, blank=True
    )
    organizers = models.ManyToManyField(
        Organization, blank=True, related_name="actions", verbose_name=_("organizers")
    )
    description = models.TextField(_("description"), blank=True)
    demands = models.JSONField(_("demands"), default=list, blank=True)

    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DATE,
    )
    date_basis = models.CharField(
        _("date basis"),
        max_length=10,
        choices=DateBasis.choices,
        default=DateBasis.STATED,
    )
    start_date = models.DateField(_("date"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )

    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("state or region"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=2, default="US")
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    geocode_status = models.CharField(
        _("geocoding"),
        max_length=12,
        choices=GeocodeStatus.choices,
        default=GeocodeStatus.NOT_CHECKED,
    )

    turnout_qualifier = models.CharField(
        _("reported turnout"),
        max_length=20,
        choices=TurnoutQualifier.choices,
        default=TurnoutQualifier.UNKNOWN,
    )
    turnout_count = models.PositiveIntegerField(
        _("turnout figure"), null=True, blank=True
    )

    sources = models.ManyToManyField(SourceDocument, blank=True, related_name="+")
    open_questions = models.JSONField(_("open questions"), default=list, blank=True)
    cancellation_reason = models.TextField(_("why it is cancelled"), blank=True)
    # Minutes before each shift starts when its confirmed people are reminded.
    reminder_offsets = models.JSONField(
        _("reminders before each shift"),
        default=default_reminder_offsets,
        blank=True,
        validators=[validate_reminder_offsets],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = [F("start_date").asc(nulls_last=True), "city", "title"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [
            # One index per list order, so a page is read in index order and
            # stops after its rows instead of sorting every action.
            # (SQLite cannot index NULLS LAST; both lists exclude undated rows.)
            models.Index(
                fields=["start_date", "city", "title"], name="action_upcoming_order"
            ),
            models.Index(
                fields=["-start_date", "city", "title"], name="action_past_order"
            ),
            models.Index(fields=["campaign", "region", "city"]),
            models.Index(fields=["country", "region", "city"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="action_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
            ),
            models.CheckConstraint(
                name="action_schedule_matches_precision",
                condition=(
                    Q(
                        date_precision="datetime",
                        starts_at__isnull=False,
                        start_date__isnull=False,
                    )
                    & ~Q(timezone="")
                )
                | Q(
                    date_precision="date",
                    starts_at__isnull=True,
                    ends_at__isnull=True,
                    start_date__isnull=False,
                )
                | Q(
                    date_precision="unknown",
                    starts_at__isnull=True,
                    ends_at__isnull=True,
                    start_date__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="action_turnout_count_matches_qualifier",
                condition=Q(
                    turnout_qualifier__in=COUNTED_QUALIFIERS,
                    turnout_count__isnull=False,
                )
                | (
                    ~Q(turnout_qualifier__in=COUNTED_QUALIFIERS)
                    & Q(turnout_count__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="action_latitude_range",
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90),
            ),
            models.CheckConstraint(
                name="action_longitude_range",
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The local date follows the start time in the action's own zone, so an
        # 8pm Pacific rally is on the date people there see, not the UTC date.
        if self.date_precision == DatePrecision.DATETIME and self.starts_at:
            self.start_date = self.starts_at.astimezone(self.zone).date()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "start_date"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:action-detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone or "UTC")

    @property
    def local_starts_at(self) -> dt.datetime | None:
        return self.starts_at.astimezone(self.zone) if self.starts_at else None

    @property
    def local_ends_at(self) -> dt.datetime | None:
        return self.ends_at.astimezone(self.zone) if self.ends_at else None

    @property
    def is_cancelled(self) -> bool:
        return self.status == ActionStatus.CANCELLED

    @property
    def place_label(self) -> str:
        return ", ".join(part for part in (self.city, self.region) if part)


class ShiftRole(models.TextChoices):
    MARSHAL = "marshal", pgettext_lazy("shift role", "Marshal")
    LEGAL_OBSERVER = "legal_observer", pgettext_lazy("shift role", "Legal observer")
    MEDIC = "medic", pgettext_lazy("shift role", "Medic")
    DE_ESCALATION = "de_escalation", pgettext_lazy("shift role", "De-escalation")
    OUTREACH = "outreach", pgettext_lazy("shift role", "Outreach")
    SIGN_IN = "sign_in", pgettext_lazy("shift role", "Sign-in")
    JAIL_SUPPORT = "jail_support", pgettext_lazy("shift role", "Jail support")
    CHILDCARE = "childcare", pgettext_lazy("shift role", "Childcare")
    OTHER = "other", pgettext_lazy("shift role", "Other")


MAX_PLACES = 10_000


class Shift(models.Model):
    """A role at an action for a span of time, with a number of places.

    Capacity is an invariant: never more confirmed signups than `places`.
    `events.services` keeps it by locking this row in every transaction that
    adds, cancels or promotes a signup, or changes `places`.
    """

    # Moving a shift goes through save() (LAST-MODIFIED, feed versions) and
    # the services (notices, reminders); `update()` refuses these.
    CALENDAR_FIELDS = ("action", "action_id", "starts_at", "ends_at")

    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("action"),
    )
    role = models.CharField(_("role"), max_length=20, choices=ShiftRole.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    places = models.PositiveIntegerField(_("places"))
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    training = models.TextField(_("training needed"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "role", "pk"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                name="shift_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))
            ),
            models.CheckConstraint(
                name="shift_places_in_range",
                condition=Q(places__gte=0, places__lte=MAX_PLACES),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.action}"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("signup status", "Confirmed")
    WAITLISTED = "waitlisted", pgettext_lazy("signup status", "On the waitlist")
    CANCELLED = "cancelled", pgettext_lazy("signup status", "Cancelled")


ACTIVE_SIGNUP = Q(status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED])


class Signup(models.Model):
    """One person on one shift: confirmed, waiting in line, or cancelled.

    The waitlist is served in `queued_at` order (ties by id). Personal data
    (name, e-mail) is for the action's organizers only; pages for anyone else
    show counts.
    """

    shift = models.ForeignKey(
        Shift, on_delete=models.CASCADE, related_name="signups", verbose_name=_("shift")
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signups",
        verbose_name=_("volunteer"),
    )
    # Someone without an account: a name, an address they confirmed, and the
    # token of the private link (sent to them) where they see and cancel it.
    # Name and address are sealed at rest; the address is compared through
    # its keyed hash (networks/sealing.py).
    guest_name = SealedField(_("name"), max_length=120, blank=True)
    guest_email = SealedField(_("e-mail address"), max_length=254, blank=True)
    guest_email_hash = LookupHashField(source="guest_email")
    manage_token = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices)
    queued_at = models.DateTimeField(_("signed up"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # A guest's choices for this signup (people with an account choose once,
    # in networks.NotificationPreference): the language of their messages,
    # and whether they want reminders and organizers' messages.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    wants_reminders = models.BooleanField(_("reminders"), default=True)
    wants_messages = models.BooleanField(_("messages from organizers"), default=True)
    # Deleting a signup deletes its notifications (and the address in them).
    notifications = GenericRelation(
        Notification, content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("signup")
        verbose_name_plural = _("signups")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=ACTIVE_SIGNUP,
                name="one_active_signup_per_person_and_shift",
            ),
            models.UniqueConstraint(
                fields=["shift", "guest_email_hash"],
                condition=ACTIVE_SIGNUP & ~Q(guest_email_hash=""),
                name="one_active_guest_signup_per_address_and_shift",
            ),
            models.CheckConstraint(
                name="signup_is_a_volunteer_or_a_guest",
                condition=(Q(volunteer__isnull=False) & Q(guest_email=""))
                | (Q(volunteer__isnull=True) & ~Q(guest_email="")),
            ),
            models.CheckConstraint(
                name="signup_confirmed_has_time",
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["shift", "status", "queued_at"])]

    def __str__(self):
        return f"{self.person_name} · {self.shift} · {self.status}"

    @property
    def person_name(self) -> str:
        if self.volunteer_id:
            return self.volunteer.get_full_name() or self.volunteer.email
        return self.guest_name or self.guest_email

    @property
    def greeting_name(self) -> str:
        """The name to greet the person by in a message: never an address."""
        if self.volunteer_id:
            return self.volunteer.get_full_name()
        return self.guest_name

    @property
    def contact_email(self) -> str:
        return self.volunteer.email if self.volunteer_id else self.guest_email


# How long the link that confirms a guest's signup works.
GUEST_CONFIRM_HOURS = 48


class GuestSignupRequest(models.Model):
    """A signup without an account, waiting for its address to be confirmed.

    It holds no place: the place is taken (or the waitlist joined) when the
    link in the e-mail is followed. Unconfirmed requests expire.
    """

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="+")
    name = SealedField(_("name"), max_length=120)
    email = SealedField(_("e-mail address"), max_length=254)
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Deleting a request (confirmed, or expired and purged) deletes the row of
    # its e-mail, and the address a refusing mail server may have left in it.
    notifications = GenericRelation(
        Notification, content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        verbose_name = _("signup waiting for confirmation")
        verbose_name_plural = _("signups waiting for confirmation")

    def __str__(self):
        return f"#{self.pk} · {self.shift}"


class OrganizerMessage(models.Model):
    """A message from an action's organizers to everyone on it, or on a shift.

    Each recipient's copy is a notification; its state says whether it went.
    """

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="messages"
    )
    shift = models.ForeignKey(
        Shift,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("shift"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("from"),
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    include_waitlist = models.BooleanField(
        _("also to people on the waitlist"), default=False
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to volunteers")
        verbose_name_plural = _("messages to volunteers")

    def __str__(self):
        return self.subject
