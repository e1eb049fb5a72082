"""Reads about organizations, their members, and people's choices."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from networks.models import (
    ORGANIZING_ROLES,
    AuditEntry,
    FeedToken,
    Invitation,
    Membership,
    NotificationPreference,
    Organization,
    Role,
)


def role_of(user, organization: Organization) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(organization=organization, user=user)
        .values_list("role", flat=True)
        .first()
    )


def organizing(user) -> QuerySet[Organization]:
    """Organizations whose actions this person may change."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        memberships__user=user, memberships__role__in=ORGANIZING_ROLES
    )


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def is_admin(user, organization: Organization) -> bool:
    return role_of(user, organization) == Role.ADMIN


def can_organize(user, organization: Organization) -> bool:
    return role_of(user, organization) in ORGANIZING_ROLES


# How a person wants to hear from us (networks.NotificationPreference). These
# read a preference loaded with `select_related("notification_preference")`
# without another query; a person who never chose has the defaults.


def _preference(user):
    try:
        return user.notification_preference
    except ObjectDoesNotExist:
        return None


def display_name(user) -> str:
    """What to call a person on rosters and in allauth's pages: the name they
    chose (optional, `first_name`: Django's user has no other name field we
    use), else their e-mail address."""
    return user.get_full_name() or user.email


def greeting_name(user) -> str:
    """The name to greet a person by; empty when they gave none, so that a
    message never greets anyone by their e-mail address."""
    return user.get_full_name()


def saved_language(user) -> str:
    """The language the person chose (or signed up in); empty if none."""
    chosen = NotificationPreference.objects.filter(user=user).first()
    return chosen.language if chosen else ""


def message_language(user) -> str:
    chosen = _preference(user)
    return chosen.language if chosen else settings.LANGUAGE_CODE


def wants(user, what: str) -> bool:
    """`what` is "reminders" or "messages"; essential notices ignore it."""
    chosen = _preference(user)
    return getattr(chosen, what) if chosen else True


def personal_data(user) -> dict:
    """The account, its addresses, choices and memberships, for the person's
    data download."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "account": {
            "email": user.email,
            "name": user.get_full_name(),
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": list(
            user.emailaddress_set.values("email", "verified", "primary")
        ),
        "notification_preference": {
            "language": preference.language,
            "reminders": preference.reminders,
            "messages": preference.messages,
        }
        if preference
        else None,
        "memberships": [
            {"organization": m.organization.name, "role": m.role}
            for m in memberships_of(user)
        ],
    }


# Reads for the organizer pages and private feeds of events.


def organizations() -> QuerySet[Organization]:
    return Organization.objects.all()


def membership(membership_id: int) -> Membership | None:
    """A membership with its organization and person, or None."""
    return (
        Membership.objects.select_related("organization", "user")
        .filter(pk=membership_id)
        .first()
    )


def members_of(organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by(
        "role", "user__email"
    )


def audit_log(organization: Organization, *, limit: int = 50) -> QuerySet[AuditEntry]:
    """The organization's latest changes, newest first."""
    return organization.audit_entries.select_related("actor")[:limit]


def invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organization").filter(token=token).first()


def feed_token_owner(token: str):
    """The person a private feed token belongs to, or None."""
    found = FeedToken.objects.select_related("user").filter(token=token).first()
    return found.user if found else None
