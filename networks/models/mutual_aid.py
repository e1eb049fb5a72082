"""Mutual aid: requests for help and offers of it, matched by a network's
coordinators, and funds with their pledges.

The person who asks is the one most at risk, so a request keeps only a
coarse area (ZIP code or neighbourhood), and the way to reach them is stored
encrypted (networks/sealing.py) and read only by coordinators and the
helper who took it. Some time after a request is over, the request itself is
deleted and only anonymous counts remain (`AidCount`).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.languages import language_name
from networks.models.notifications import Notification
from networks.models.organizations import Organization
from networks.sealing import SealedField
from networks.validators import validate_timezone


class ClaimMode(models.TextChoices):
    ASSIGN = "assign", _("Coordinators assign a helper")
    CLAIM = "claim", _("Helpers claim requests themselves")


class AidNetwork(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="aid_networks",
        verbose_name=_("organization"),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    timezone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_timezone]
    )
    claim_mode = models.CharField(
        _("how requests are taken"),
        max_length=10,
        choices=ClaimMode.choices,
        default=ClaimMode.ASSIGN,
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("days before coordinators are reminded of an unclaimed request"), default=3
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("days before an unclaimed request expires"), default=30
    )
    purge_after_days = models.PositiveSmallIntegerField(
        _("days after a request is over before its details are deleted"), default=30
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mutual-aid network")
        verbose_name_plural = _("mutual-aid networks")
        constraints = [
            models.CheckConstraint(
                name="aid_days_in_range",
                condition=Q(
                    remind_after_days__gte=1,
                    remind_after_days__lte=60,
                    expire_after_days__gte=1,
                    expire_after_days__lte=365,
                    purge_after_days__gte=1,
                    purge_after_days__lte=365,
                ),
            )
        ]

    def __str__(self):
        return self.name


class AidRole(models.TextChoices):
    COORDINATOR = "coordinator", pgettext_lazy("aid role", "Coordinator")
    HELPER = "helper", pgettext_lazy("aid role", "Helper")


class AidMember(models.Model):
    network = models.ForeignKey(
        AidNetwork, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="aid_roles",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=AidRole.choices)

    class Meta:
        ordering = ["network", "role", "pk"]
        verbose_name = _("mutual-aid role")
        verbose_name_plural = _("mutual-aid roles")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"], name="one_row_per_aid_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class AidKind(models.TextChoices):
    FOOD = "food", pgettext_lazy("aid kind", "Food")
    RENT = "rent", pgettext_lazy("aid kind", "Rent and utilities")
    BOND = "bond", pgettext_lazy("aid kind", "Bond and legal fees")
    TRANSPORT = "transport", pgettext_lazy("aid kind", "Transportation")
    CHILDCARE = "childcare", pgettext_lazy("aid kind", "Childcare")
    MEDICAL = "medical", pgettext_lazy("aid kind", "Medical")
    HOUSING = "housing", pgettext_lazy("aid kind", "Housing")
    INTERPRETATION = "interpretation", pgettext_lazy("aid kind", "Interpretation")
    SUPPLIES = "supplies", pgettext_lazy("aid kind", "Supplies")
    OTHER = "other", pgettext_lazy("aid kind", "Other")


# Kinds that are asked for in money, so a request names an amount.
MONEY_KINDS = {AidKind.RENT, AidKind.BOND, AidKind.MEDICAL}


class Urgency(models.TextChoices):
    TODAY = "today", pgettext_lazy("urgency", "Today")
    WEEK = "week", pgettext_lazy("urgency", "This week")
    MONTH = "month", pgettext_lazy("urgency", "This month")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("request status", "Submitted")
    OPEN = "open", pgettext_lazy("request status", "Open")
    CLAIMED = "claimed", pgettext_lazy("request status", "Claimed")
    FULFILLED = "fulfilled", pgettext_lazy("request status", "Fulfilled")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    EXPIRED = "expired", pgettext_lazy("request status", "Expired")


OVER = [RequestStatus.FULFILLED, RequestStatus.CLOSED, RequestStatus.EXPIRED]


class HelpRequest(models.Model):
    """A request for help: coarse details, and an encrypted way to reach."""

    network = models.ForeignKey(
        AidNetwork, on_delete=models.CASCADE, related_name="requests"
    )
    kind = models.CharField(_("kind of help"), max_length=20, choices=AidKind.choices)
    urgency = models.CharField(_("how urgent"), max_length=10, choices=Urgency.choices)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    amount = models.DecimalField(
        _("amount (US$)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    language = models.CharField(_("language to be contacted in"), max_length=8)
    details = SealedField(_("details"), max_length=1000, blank=True, multiline=True)
    # Sealed at rest (networks/sealing.py): the row holds only a token.
    contact = SealedField(_("contact"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid_requests",
        verbose_name=_("helper"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    over_at = models.DateTimeField(_("over since"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Deleting this deletes the notifications about it.
    notifications = GenericRelation(
        Notification, content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")
        indexes = [
            models.Index(fields=["network", "status", "created_at"]),
            # The coordinators' and helpers' lists of published requests.
            models.Index(fields=["network", "status", "published_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="aid_request_has_an_area",
                condition=~Q(zip_code="") | ~Q(neighbourhood=""),
            ),
            models.CheckConstraint(
                name="aid_amount_in_range",
                condition=Q(amount__isnull=True) | Q(amount__gt=0, amount__lte=100000),
            ),
            models.CheckConstraint(
                name="aid_claimed_has_a_helper",
                condition=~Q(status="claimed") | Q(helper__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.zip_code or self.neighbourhood}"

    @property
    def area(self) -> str:
        return ", ".join(p for p in (self.neighbourhood, self.zip_code) if p)

    @property
    def language_name(self) -> str:
        return language_name(self.language)


class AidOffer(models.Model):
    """What a helper can give, and where."""

    network = models.ForeignKey(
        AidNetwork, on_delete=models.CASCADE, related_name="offers"
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_offers"
    )
    kind = models.CharField(_("kind of help"), max_length=20, choices=AidKind.choices)
    description = models.CharField(_("what you can give"), max_length=300)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=120, blank=True)
    languages = models.JSONField(_("languages you speak"), default=list)
    max_amount = models.DecimalField(
        _("up to (US$)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    available_until = models.DateField(_("available until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer of help")
        verbose_name_plural = _("offers of help")
        indexes = [models.Index(fields=["network", "active", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.description[:40]}"


class AidCount(models.Model):
    """What remains of requests once their details are deleted: counts."""

    network = models.ForeignKey(
        AidNetwork, on_delete=models.CASCADE, related_name="counts"
    )
    month = models.DateField()  # the first day of the month the request came
    kind = models.CharField(max_length=20, choices=AidKind.choices)
    outcome = models.CharField(max_length=10, choices=RequestStatus.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "month", "kind", "outcome"], name="one_aid_count"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.kind} · {self.outcome}: {self.count}"


class FundKind(models.TextChoices):
    BOND = "bond", pgettext_lazy("fund kind", "Bond fund")
    RENT = "rent", pgettext_lazy("fund kind", "Rent fund")
    LEGAL = "legal", pgettext_lazy("fund kind", "Legal-fee fund")


class Fund(models.Model):
    network = models.ForeignKey(
        AidNetwork, on_delete=models.CASCADE, related_name="funds"
    )
    slug = models.SlugField(max_length=120)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FundKind.choices)
    goal = models.DecimalField(_("goal (US$)"), max_digits=10, decimal_places=2)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="fund_slug"),
            models.CheckConstraint(
                name="fund_goal_positive", condition=Q(goal__gt=0, goal__lte=10**7)
            ),
        ]

    def __str__(self):
        return self.name


class Pledge(models.Model):
    """A promise of money to a fund, and how much of it has come in. No
    payment is processed here. `label` is how coordinators recognise it
    (an initial, a group); no name is needed."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="pledges")
    label = SealedField(_("label"), max_length=80, blank=True)
    amount = models.DecimalField(_("pledged (US$)"), max_digits=10, decimal_places=2)
    paid = models.DecimalField(
        _("paid (US$)"), max_digits=10, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                name="pledge_amounts_make_sense",
                condition=Q(amount__gt=0, paid__gte=0, paid__lte=models.F("amount")),
            )
        ]

    def __str__(self):
        return f"{self.fund} · {self.amount}"
