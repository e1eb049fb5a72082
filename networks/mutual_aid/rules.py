"""Who may do what in a mutual-aid network. Every view of the wing goes
through one of these, or is marked `public`.

Each returns what the person may touch (a network, a request, a fund...) or
raises Http404, so that a stranger, or a member of another network, cannot
tell a page they may not see from one that does not exist. Coordinators see
requesters' contacts, so their role needs two-factor authentication
(`NeedsTwoFactor`, which `members_only` turns into a page saying so).

The views call a rule first, then the service it guards:

- anyone: `submit_request` (the ask form);
- helpers: `add_offer`, `withdraw_offer` (their own), `take` where helpers
  claim, and `fulfil`, `release` for a request they hold;
- coordinators: `publish`, `close`, `take` (assigning), `create_fund`,
  `add_pledge`, `record_payment`;
- the organization's admins: `create_network`, `update_network`,
  `give_role`, `remove_role`;
- nobody (the periodic task, a person leaving): `housekeeping`,
  `release_everything_of`.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from networks.models import Organization
from networks.models.mutual_aid import (
    AidMember,
    AidNetwork,
    AidRole,
    ClaimMode,
    Fund,
    HelpRequest,
    Pledge,
)
from networks.organizations.selectors import is_admin
from networks.rules import ERASE_TWO_FACTOR_PAGE, check, roles_in, two_factor_on
from networks.rules import NeedsTwoFactor as NeedsTwoFactor
from networks.rules import members_only as members_only
from networks.rules import public as public

TWO_FACTOR_PAGE = "networks/mutual_aid/two_factor.html"


# Anyone.


def network(slug: str) -> AidNetwork:
    """A network's public page, ask form and funds are open to anyone."""
    return get_object_or_404(
        AidNetwork.objects.select_related("organization"), slug=slug
    )


def fund(network: AidNetwork, fund_slug: str) -> Fund:
    return get_object_or_404(Fund, network=network, slug=fund_slug)


def roles(user, network: AidNetwork) -> set[str]:
    """The roles `user` holds in `network` (none for anonymous visitors)."""
    return roles_in(AidMember, network, user)


def may_set_up(user, network: AidNetwork) -> bool:
    """The organization's admins set the network up."""
    return user.is_authenticated and is_admin(user, network.organization)


# Members.


def _member(request, network: AidNetwork, *allowed: str) -> set[str]:
    """The person's roles; 404 unless one is in `allowed` (any, if none)."""
    return check(
        request,
        roles(request.user, network),
        allowed,
        mfa_roles=[AidRole.COORDINATOR],
        template=TWO_FACTOR_PAGE,
    )


def _in_network(network: AidNetwork, help_request_id: int, **more) -> HelpRequest:
    """A request of `network` (an id of another network's request is 404)."""
    help_request = get_object_or_404(
        HelpRequest, network=network, pk=help_request_id, **more
    )
    help_request.network = network  # already loaded; saves a query
    return help_request


def network_for_helper(request, slug: str) -> AidNetwork:
    """The board and the person's offers: the network's helpers."""
    found = network(slug)
    _member(request, found, AidRole.HELPER)
    return found


def helpers_may_claim(network: AidNetwork) -> bool:
    """Helpers take requests themselves only where the network says so;
    elsewhere coordinators assign them."""
    return network.claim_mode == ClaimMode.CLAIM


def help_request_to_claim(request, slug: str, help_request_id: int) -> HelpRequest:
    found = network_for_helper(request, slug)
    if not helpers_may_claim(found):
        raise Http404
    return _in_network(found, help_request_id)


def help_request_held(request, slug: str, help_request_id: int) -> HelpRequest:
    """A request the person holds as a helper (to fulfil or give back)."""
    found = network_for_helper(request, slug)
    return _in_network(found, help_request_id, helper=request.user)


def network_for_coordinator(request, slug: str) -> AidNetwork:
    found = network(slug)
    _member(request, found, AidRole.COORDINATOR)
    return found


def help_request_for_coordinator(
    request, slug: str, help_request_id: int
) -> HelpRequest:
    return _in_network(network_for_coordinator(request, slug), help_request_id)


def help_request_to_read(
    request, slug: str, help_request_id: int
) -> tuple[HelpRequest, bool]:
    """The whole request, contact included, for its network's coordinators
    and for the helper who holds it; with whether the reader coordinates."""
    found = network(slug)
    held_roles = roles(request.user, found)
    help_request = _in_network(found, help_request_id)
    holds = help_request.helper_id == request.user.pk and AidRole.HELPER in held_roles
    if not holds:
        _member(request, found, AidRole.COORDINATOR)
    return help_request, AidRole.COORDINATOR in held_roles


def fund_for_coordinator(request, slug: str, fund_id: int) -> Fund:
    found = network_for_coordinator(request, slug)
    return get_object_or_404(Fund, network=found, pk=fund_id)


def pledge_for_coordinator(request, slug: str, pledge_id: int) -> Pledge:
    found = network_for_coordinator(request, slug)
    return get_object_or_404(Pledge, fund__network=found, pk=pledge_id)


# The organization's admins.


def organization_for_admin(request, organization_slug: str) -> Organization:
    """Setting up a new network for an organization."""
    organization = get_object_or_404(Organization, slug=organization_slug)
    if not is_admin(request.user, organization):
        raise Http404
    return organization


def network_for_admin(request, slug: str) -> AidNetwork:
    found = network(slug)
    if not is_admin(request.user, found.organization):
        raise Http404
    return found


def member_for_admin(request, slug: str, member_id: int) -> AidMember:
    """One person's role in the network, for an admin to take away."""
    found = network_for_admin(request, slug)
    member = get_object_or_404(AidMember, network=found, pk=member_id)
    member.network = found
    return member


def network_for_erasing(request, slug: str) -> AidNetwork:
    """An emergency erase: the organization's admins, with two-factor
    authentication on (NeedsTwoFactor otherwise); anyone else gets 404."""
    found = network_for_admin(request, slug)
    two_factor_on(request.user, ERASE_TWO_FACTOR_PAGE)
    return found
