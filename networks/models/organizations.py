"""Organizations, their people and roles, sources, and the audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from networks.sealing import LookupHashField, SealedField


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", _("News report")
    NEWS_ROUNDUP = "news_roundup", _("News roundup")
    CALL_TO_ACTION = "call_to_action", _("Call to action")
    OPINION = "opinion", _("Opinion or explainer")


class SourceDocument(models.Model):
    """A document that records were drawn from; `key` is its file name."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    publisher = models.CharField(_("publisher"), max_length=120, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title


class OrganizationKind(models.TextChoices):
    GRASSROOTS = "grassroots", pgettext_lazy("organization kind", "Grassroots group")
    COALITION = "coalition", pgettext_lazy("organization kind", "Coalition")
    NETWORK = "network", pgettext_lazy("organization kind", "Network")
    LABOR = "labor", pgettext_lazy("organization kind", "Labor organization")
    STUDENT = "student", pgettext_lazy("organization kind", "Student group")
    FAITH = "faith", pgettext_lazy("organization kind", "Faith community")
    LEGAL = "legal", pgettext_lazy("organization kind", "Legal organization")
    MEDIA = "media", pgettext_lazy("organization kind", "Media")
    OTHER = "other", pgettext_lazy("organization kind", "Other")


class Organization(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=OrganizationKind.choices,
        default=OrganizationKind.OTHER,
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sources = models.ManyToManyField(
        SourceDocument, blank=True, related_name="organizations"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self):
        return self.name

    # An organization's public page belongs to the events app, which networks
    # may not import: config/settings.py gives its URL (ABSOLUTE_URL_OVERRIDES).


class Role(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("organization role", "Admin")
    ORGANIZER = "organizer", pgettext_lazy("organization role", "Organizer")
    MEMBER = "member", pgettext_lazy("organization role", "Member")


# Roles that may change an organization's actions, shifts and see rosters.
ORGANIZING_ROLES = [Role.ADMIN, Role.ORGANIZER]


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "role", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_membership_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.role}"


class Invitation(models.Model):
    """An e-mailed offer to join an organization; the link's token is the key.

    Accepting needs an account with a verified address equal to `email`.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organization"),
    )
    # Sealed at rest; `email_hash` is what an address is compared with.
    email = SealedField(_("e-mail address"), max_length=254)
    email_hash = LookupHashField(source="email")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.get_role_display()} → {self.organization}"


class AuditVerb(models.TextChoices):
    """What an audit entry records; the value is stored, the label shown."""

    CREATED = "created", _("created the organization")
    ADDED_MEMBER = "added member", _("added a member")
    CHANGED_ROLE = "changed role", _("changed a role")
    REMOVED_MEMBER = "removed member", _("removed a member")
    INVITED = "invited", _("invited")
    CREATED_ACTION = "created action", _("created an action")
    CHANGED_ACTION = "changed action", _("changed an action")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")
    DUPLICATED_ACTION = "duplicated action", _("duplicated an action")
    ADDED_SHIFT = "added shift", _("added a shift")
    CHANGED_PLACES = "changed places", _("changed the places")
    CHANGED_SHIFT = "changed shift", _("changed a shift")
    REMOVED_SHIFT = "removed shift", _("removed a shift")
    CREATED_CAMPAIGN = "created day of action", _("created a day of action")
    CHANGED_CAMPAIGN = "changed day of action", _("changed a day of action")
    SUBMITTED = "submitted to day of action", _("submitted to a day of action")
    APPROVED = "approved local action", _("approved a local action")
    REJECTED = "rejected local action", _("rejected a local action")
    MESSAGED = "messaged volunteers", _("wrote to the volunteers")
    ERASED = "erased network data", _("erased a network's sensitive data")


class AuditEntry(models.Model):
    """Who changed what in an organization, and when. Shown to its admins."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        verbose_name=_("organization"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    verb = models.CharField(_("what"), max_length=40, choices=AuditVerb.choices)
    subject = models.CharField(_("on"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.verb} {self.subject}"


class FeedToken(models.Model):
    """The secret in the address of a person's private calendar feeds.

    Regenerating it replaces the token, so every old address stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class Heartbeat(models.Model):
    """When a periodic job last ran, so staff can see that beat and workers live."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return self.name
