import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from networks import sealing
from networks.models import (
    AuditEntry,
    AuditVerb,
    FeedToken,
    Heartbeat,
    Invitation,
    Membership,
    NotificationPreference,
    Organization,
    Role,
)
from networks.organizations import notices


def record_heartbeat(*, name: str) -> Heartbeat:
    """Store that the periodic job `name` ran now (one row per name)."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now()}
    )
    return heartbeat


# Organizations, members and the audit log.


class MembershipError(Exception):
    """A membership change that cannot be done; the message says why."""


def record(
    *, organization, actor, verb: AuditVerb, subject: str, changes=None
) -> AuditEntry:
    """Add a line to the organization's audit log."""
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor,
        verb=verb,
        subject=str(subject)[:200],
        changes=changes or {},
    )


def unique_slug(model, text: str, *, field: str = "slug", max_length: int = 100) -> str:
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 1
    while model.objects.filter(**{field: slug}).exists():
        n += 1
        slug = f"{base[: max_length - 5]}-{n}"
    return slug


@transaction.atomic
def create_organization(
    *, user, name: str, kind: str, description: str = ""
) -> Organization:
    """A new organization, with its creator as its first admin."""
    organization = Organization.objects.create(
        slug=unique_slug(Organization, name),
        name=name,
        kind=kind,
        description=description,
    )
    Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
    record(
        organization=organization,
        actor=user,
        verb=AuditVerb.CREATED,
        subject=organization,
    )
    return organization


@transaction.atomic
def set_member(*, organization, user, role: str, actor) -> Membership:
    """Add a member or change their role. The last admin stays an admin."""
    membership = (
        Membership.objects.select_for_update()
        .filter(organization=organization, user=user)
        .first()
    )
    if membership and membership.role == Role.ADMIN and role != Role.ADMIN:
        _keep_an_admin(organization, leaving=membership)
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, user=user, role=role
        )
        record(
            organization=organization,
            actor=actor,
            verb=AuditVerb.ADDED_MEMBER,
            subject=user.email,
            changes={"role": [None, role]},
        )
    elif membership.role != role:
        record(
            organization=organization,
            actor=actor,
            verb=AuditVerb.CHANGED_ROLE,
            subject=user.email,
            changes={"role": [membership.role, role]},
        )
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.ADMIN:
        _keep_an_admin(membership.organization, leaving=membership)
    record(
        organization=membership.organization,
        actor=actor,
        verb=AuditVerb.REMOVED_MEMBER,
        subject=membership.user.email,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


def _keep_an_admin(organization, *, leaving: Membership) -> None:
    # Lock every admin row so two admins cannot demote each other at once.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Role.ADMIN)
        .exclude(pk=leaving.pk)
    )
    if not admins:
        raise MembershipError(
            _(
                "An organization needs at least one admin; "
                "make someone else admin first."
            )
        )


INVITATION_DAYS = 14


class InvitationError(Exception):
    """An invitation that cannot be used; the message says why."""


@transaction.atomic
def invite(
    *, organization, email: str, role: str, actor, language: str = ""
) -> Invitation:
    """Store an invitation and e-mail its link through the outbox, at once
    after it commits (notices.invited), in `language`: by default the one
    active now, the inviter's page's. The link is made when the e-mail is
    written, from SITE_URL."""
    invitation = Invitation.objects.create(
        organization=organization,
        email=email.strip().lower(),
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.INVITED,
        # The address is sealed in the invitation; the log names no one.
        subject=invitation.get_role_display(),
        changes={"role": [None, role]},
    )
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    notices.invited(invitation, language=language)
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.accepted_at:
        raise InvitationError(_("This invitation is not valid any more."))
    if invitation.expires_at < timezone.now():
        raise InvitationError(_("This invitation has expired; ask for a new one."))
    verified = {
        digest
        for address in user.emailaddress_set.filter(verified=True).values_list(
            "email", flat=True
        )
        for digest in sealing.lookup_hashes(address)
    }
    if invitation.email_hash not in verified:
        raise InvitationError(
            _("This invitation is for %(email)s; log in with that verified address.")
            % {"email": invitation.email}
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    existing = Membership.objects.filter(
        organization=invitation.organization, user=user
    ).first()
    if existing:
        return existing
    return set_member(
        organization=invitation.organization,
        user=user,
        role=invitation.role,
        actor=user,
    )


def feed_token(user) -> str:
    """The person's private feed token, made on first use."""
    token, _created = FeedToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token.token


def regenerate_feed_token(user) -> str:
    """A new token; addresses with the old one answer 404 from now on."""
    token, _created = FeedToken.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token.token


# How a person wants to hear from us.


def notification_preference(user, *, language: str = ""):
    """The person's choices, made on first use with the language they browse in."""
    preference, _ = NotificationPreference.objects.get_or_create(
        user=user, defaults={"language": language or settings.LANGUAGE_CODE}
    )
    return preference


def set_display_name(*, user, name: str) -> None:
    """The name the person goes by (optional; empty removes it). Kept in
    Django's `first_name`, the one name field of its user."""
    user.first_name = name
    user.save(update_fields=["first_name"])


def set_language(*, user, language: str) -> NotificationPreference:
    """Keep the language the person chose to browse in: pages after they log
    in (networks.organizations.adapter) and the messages we send them use it."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference


def set_notification_preference(
    *, user, language: str, reminders: bool, messages: bool
) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"language": language, "reminders": reminders, "messages": messages},
    )
    return preference
