"""Mutual-aid notices: to helpers (a matching request, a request given to
them) and to coordinators (claimed, fulfilled, nobody has taken it). They
carry the coarse details only, never the requester's contact."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from networks.models import NotificationKind
from networks.models.mutual_aid import HelpRequest, RequestStatus
from networks.organizations.selectors import message_language
from networks.outbox import services as outbox

KINDS = (
    NotificationKind.AID_MATCH,
    NotificationKind.AID_ASSIGNED,
    NotificationKind.AID_CLAIMED,
    NotificationKind.AID_FULFILLED,
    NotificationKind.AID_STALE,
)


def load(ids: list[int]) -> dict[int, HelpRequest]:
    return HelpRequest.objects.select_related("network").in_bulk(ids)


def render(row, help_request: HelpRequest, memo: dict) -> outbox.Message:
    if (
        row.kind == NotificationKind.AID_MATCH
        and help_request.status != RequestStatus.OPEN
    ):
        raise outbox.NotNeeded(gettext_noop("The request is no longer open."))
    if row.kind == NotificationKind.AID_STALE and help_request.status not in (
        RequestStatus.SUBMITTED,
        RequestStatus.OPEN,
    ):
        raise outbox.NotNeeded(gettext_noop("The request has been taken or is over."))
    person = row.recipient  # loaded with the row, with its preference
    network = help_request.network
    with translation.override(message_language(person)):
        what = {
            "kind": help_request.get_kind_display(),
            "area": help_request.area,
            "network": network.name,
        }
        subjects = {
            NotificationKind.AID_MATCH: _(
                "A request you can help with: %(kind)s, %(area)s"
            ),
            NotificationKind.AID_ASSIGNED: _("A request is yours: %(kind)s, %(area)s"),
            NotificationKind.AID_CLAIMED: _("Claimed: %(kind)s, %(area)s"),
            NotificationKind.AID_FULFILLED: _("Fulfilled: %(kind)s, %(area)s"),
            NotificationKind.AID_STALE: _(
                "Nobody has taken this request yet: %(kind)s, %(area)s"
            ),
        }
        subject = subjects[row.kind] % what
        if row.kind in (NotificationKind.AID_MATCH, NotificationKind.AID_ASSIGNED):
            link = reverse("aid:board", kwargs={"slug": network.slug})
        else:
            link = reverse(
                "aid:request",
                kwargs={"slug": network.slug, "help_request_id": help_request.pk},
            )
        lines = [
            subject,
            "",
            _("Kind of help") + f": {help_request.get_kind_display()}",
            _("How urgent") + f": {help_request.get_urgency_display()}",
            _("Area") + f": {help_request.area}",
        ]
        if help_request.amount:
            lines.append(_("Amount") + f": US${help_request.amount}")
        lines += ["", settings.SITE_URL + link, "", "-- ", network.name]
        text = "\n".join(lines)
    return outbox.Message(to=person.email, subject=subject, text=text)


def register() -> None:
    outbox.register_target(HelpRequest, load)
    for kind in KINDS:
        outbox.register(kind, render)
