"""Invitations to join an organization: e-mailed through the outbox.

An invitation is essential (no choice of the invited person turns it off) and
is sent at once after it commits, since the admin may tell the person to look
now. It is written in the language of the inviter's page when they invited
(kept on the row) and rendered from the invitation when it is sent: the row
holds no link, because the token in it is the key to a membership and staff
read rows.

The page that accepts invitations belongs to the upper layer (events), which
networks may not name; that layer says where it is with `accept_at` when it
starts.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from networks.models import Invitation, Notification, NotificationKind
from networks.organizations import selectors
from networks.outbox import services as outbox

ACCEPTED = gettext_noop("The invitation was accepted already.")
EXPIRED = gettext_noop("The invitation has expired.")

_pages: dict[str, Callable[[str], str]] = {}


def accept_at(path: Callable[[str], str]) -> None:
    """`path(token)` is the site path of the page that accepts an invitation."""
    _pages["accept"] = path


def invited(invitation: Invitation, *, language: str) -> None:
    """E-mail the invitation as soon as it commits."""
    row = outbox.new(
        kind=NotificationKind.INVITATION,
        target=invitation,
        payload={"language": language},
    )
    outbox.send_now([row])


def load(ids: list[int]) -> dict[int, Invitation]:
    return Invitation.objects.select_related("organization", "invited_by").in_bulk(ids)


def _accept_url(invitation: Invitation) -> str:
    if "accept" not in _pages:
        raise ImproperlyConfigured("No page accepts invitations (see accept_at).")
    return settings.SITE_URL + _pages["accept"](invitation.token)


def render(row: Notification, invitation: Invitation, memo: dict) -> outbox.Message:
    if invitation.accepted_at:
        raise outbox.NotNeeded(ACCEPTED)
    left = invitation.expires_at - timezone.now()
    if left.total_seconds() <= 0:
        raise outbox.NotNeeded(EXPIRED)
    language = row.payload.get("language") or settings.LANGUAGE_CODE
    organization = invitation.organization
    with translation.override(language):
        subject = _("You are invited to join %(name)s") % {"name": organization.name}
        days = max(round(left.total_seconds() / 86400), 1)
        context = {
            "language": language,
            "subject": subject,
            "organization": organization,
            "inviter": selectors.display_name(invitation.invited_by)
            if invitation.invited_by
            else "",
            "role": invitation.get_role_display(),
            "email": invitation.email,
            "works_for": ngettext(
                "The link works for %(days)s day.",
                "The link works for %(days)s days.",
                days,
            )
            % {"days": days},
            "accept_url": _accept_url(invitation),
        }
        template = "networks/organizations/email/invitation"
        return outbox.Message(
            to=invitation.email,
            subject=subject,
            text=render_to_string(f"{template}.txt", context),
            html=render_to_string(f"{template}.html", context),
        )


def register() -> None:
    outbox.register_target(Invitation, load)
    outbox.register(NotificationKind.INVITATION, render)
