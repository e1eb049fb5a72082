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

Kind = NotificationKind


def load(ids: list[int]) -> dict[int, HelpRequest]:
    return HelpRequest.objects.select_related("network").in_bulk(ids)


def render(row, request: HelpRequest, memo: dict) -> outbox.Message:
    if row.kind == Kind.AID_MATCH and request.status != RequestStatus.OPEN:
        raise outbox.NotNeeded(gettext_noop("The request is no longer open."))
    if row.kind == Kind.AID_STALE and request.status not in (
        RequestStatus.SUBMITTED,
        RequestStatus.OPEN,
    ):
        raise outbox.NotNeeded(gettext_noop("The request has been taken or is over."))
    person = row.recipient  # loaded with the row, with its preference
    network = request.network
    with translation.override(message_language(person)):
        what = {
            "kind": request.get_kind_display(),
            "area": request.area,
            "network": network.name,
        }
        subjects = {
            Kind.AID_MATCH: _("A request you can help with: %(kind)s, %(area)s"),
            Kind.AID_ASSIGNED: _("A request is yours: %(kind)s, %(area)s"),
            Kind.AID_CLAIMED: _("Claimed: %(kind)s, %(area)s"),
            Kind.AID_FULFILLED: _("Fulfilled: %(kind)s, %(area)s"),
            Kind.AID_STALE: _("Nobody has taken this request yet: %(kind)s, %(area)s"),
        }
        subject = subjects[row.kind] % what
        if row.kind in (Kind.AID_MATCH, Kind.AID_ASSIGNED):
            link = reverse("aid:board", kwargs={"slug": network.slug})
        else:
            link = reverse(
                "aid:request", kwargs={"slug": network.slug, "request_id": request.pk}
            )
        lines = [
            subject,
            "",
            _("Kind of help") + f": {request.get_kind_display()}",
            _("How urgent") + f": {request.get_urgency_display()}",
            _("Area") + f": {request.area}",
        ]
        if request.amount:
            lines.append(_("Amount") + f": US${request.amount}")
        lines += ["", settings.SITE_URL + link, "", "-- ", network.name]
        text = "\n".join(lines)
    return outbox.Message(to=person.email, subject=subject, text=text)


def register() -> None:
    outbox.register_target(HelpRequest, load)
    for kind in (
        Kind.AID_MATCH,
        Kind.AID_ASSIGNED,
        Kind.AID_CLAIMED,
        Kind.AID_FULFILLED,
        Kind.AID_STALE,
    ):
        outbox.register(kind, render)
