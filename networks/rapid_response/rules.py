"""Who may do what in a rapid-response network.

Each function returns what the view asked for (a network, a report, a photo,
a slot, an alert) or raises Http404, so that someone without a place in the
network cannot tell a page they may not open from one that does not exist.
Dispatchers and verifiers see reporters' contacts and exact places: without
two-factor authentication they get NeedsTwoFactor, which `members_only`
turns into the page that sends them to set it up.

The views call a rule first, then the service it guards:

- anyone: `submit_report` (the public form);
- anyone with a role in the network: `add_note`, `record_outcome`,
  `take_slot`, `leave_slot`;
- verifiers: `verify`;
- dispatchers: `start_verifying`, `dispatch`, `set_status`, `add_slot`, and
  `submit_report` for a hotline call (intake);
- the responder alerted, and nobody else: `answer_alert`;
- the organization's admins: `create_network`, `update_network`,
  `record_training`, `give_role`, `remove_role`; with two-factor
  authentication on, `erase_sensitive_data`;
- nobody (the periodic tasks): `escalate`, `apply_retention`.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from networks.models import Organization
from networks.models.rapid_response import (
    MFA_ROLES,
    Alert,
    NetworkMember,
    OnCallSlot,
    Report,
    ReportPhoto,
    ResponseNetwork,
    ResponseRole,
)
from networks.organizations.selectors import is_admin
from networks.rules import ERASE_TWO_FACTOR_PAGE, check, roles_in, two_factor_on
from networks.rules import NeedsTwoFactor as NeedsTwoFactor
from networks.rules import members_only as members_only
from networks.rules import public as public

TWO_FACTOR_PAGE = "networks/rapid_response/two_factor.html"


@dataclass(frozen=True)
class Access:
    """A person's place in a network: the roles that let them in."""

    network: ResponseNetwork
    roles: frozenset[str]

    @property
    def dispatcher(self) -> bool:
        """Sees reporters' contacts, takes hotline calls, changes statuses."""
        return ResponseRole.DISPATCHER in self.roles

    @property
    def verifier(self) -> bool:
        return ResponseRole.VERIFIER in self.roles


# Public pages: every network that exists has them.


def network(slug: str) -> ResponseNetwork:
    return get_object_or_404(
        ResponseNetwork.objects.select_related("organization"), slug=slug
    )


def roles(user, network: ResponseNetwork) -> set[str]:
    """The roles `user` holds in `network`; none for anyone else."""
    return roles_in(NetworkMember, network, user)


def may_set_up(user, network: ResponseNetwork) -> bool:
    return user.is_authenticated and is_admin(user, network.organization)


# People with a role in the network.


def access(request, slug: str, *allowed: str) -> Access:
    """404 unless the person holds one of `allowed` (any role, if none)."""
    found = network(slug)
    held = check(
        request,
        roles(request.user, found),
        allowed,
        mfa_roles=MFA_ROLES,
        template=TWO_FACTOR_PAGE,
    )
    return Access(network=found, roles=frozenset(held))


def network_for_member(request, slug: str, *allowed: str) -> ResponseNetwork:
    return access(request, slug, *allowed).network


def network_for_dispatcher(request, slug: str) -> ResponseNetwork:
    return network_for_member(request, slug, ResponseRole.DISPATCHER)


def on_call_access(request, slug: str) -> Access:
    """Everyone with a role sees the schedule; only dispatchers add to it."""
    found = access(request, slug)
    if request.method == "POST" and not found.dispatcher:
        raise Http404
    return found


def report_in(network: ResponseNetwork, report_id: int) -> Report:
    """One of `network`'s own reports: another network's ids answer 404.
    Read through the network, so `report.network` costs no query."""
    return get_object_or_404(network.reports, pk=report_id)


def report_for_member(request, slug: str, report_id: int, *allowed: str) -> Report:
    return report_in(network_for_member(request, slug, *allowed), report_id)


def report_for_verifier(request, slug: str, report_id: int) -> Report:
    return report_for_member(request, slug, report_id, ResponseRole.VERIFIER)


def report_for_dispatcher(request, slug: str, report_id: int) -> Report:
    return report_for_member(request, slug, report_id, ResponseRole.DISPATCHER)


def photo_for_member(request, slug: str, report_id: int, photo_id: int) -> ReportPhoto:
    found = network_for_member(request, slug)
    return get_object_or_404(
        ReportPhoto, pk=photo_id, report__pk=report_id, report__network=found
    )


def slot_for_member(request, slug: str, slot_id: int) -> OnCallSlot:
    return get_object_or_404(network_for_member(request, slug).slots, pk=slot_id)


def alert_for_responder(request, alert_id: int) -> Alert:
    """Only the person alerted sees an alert (and the report through it)."""
    return get_object_or_404(
        Alert.objects.select_related("report__network"),
        pk=alert_id,
        responder=request.user,
    )


# The organization's admins set networks up.


def organization_for_admin(request, slug: str) -> Organization:
    found = get_object_or_404(Organization, slug=slug)
    if not is_admin(request.user, found):
        raise Http404
    return found


def network_for_admin(request, slug: str) -> ResponseNetwork:
    found = network(slug)
    if not is_admin(request.user, found.organization):
        raise Http404
    return found


def network_for_erasing(request, slug: str) -> ResponseNetwork:
    """An emergency erase: the organization's admins, with two-factor
    authentication on (NeedsTwoFactor otherwise); anyone else gets 404."""
    found = network_for_admin(request, slug)
    two_factor_on(request.user, ERASE_TWO_FACTOR_PAGE)
    return found
