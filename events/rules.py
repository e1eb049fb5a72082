"""Who may see or change what in events.

Each function returns what the view asked for (an action, a shift, a signup,
an organization...) or raises Http404, so that someone without the right
cannot tell a page they may not open from one that does not exist. The roles
themselves are read by `networks.organizations.selectors`.

- anyone: public actions and the shifts on them, days of action,
  organizations;
- the person it belongs to: their signup (by account, or by the private link
  of a guest), their private feeds (by token), an invitation (by token);
- an organization's admins and organizers: the organization's pages, its
  actions, their shifts, rosters and check-in;
- an organization's admins only: its members, invitations and audit log;
- the organizers of a day of action: its review page and the actions put
  forward to it.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from events import selectors, services
from events.models import Action, Campaign, Shift, Signup
from networks.models import Invitation, Membership, Organization
from networks.organizations import selectors as network_selectors

# Anyone.


def public_action(slug: str) -> Action:
    """A published or cancelled action; drafts do not exist for the public."""
    return get_object_or_404(selectors.public_actions(), slug=slug)


def public_shift(shift_id: int) -> Shift:
    """A shift of a public action, with its action."""
    return get_object_or_404(selectors.public_shifts(), pk=shift_id)


def campaign(slug: str) -> Campaign:
    return get_object_or_404(selectors.campaigns(), slug=slug)


def organization(slug: str) -> Organization:
    return get_object_or_404(network_selectors.organizations(), slug=slug)


def place_actions(country: str, region: str, city: str = ""):
    """The public actions of a place; a place with none (a typo, a made-up
    name) does not exist, so its page answers 404 instead of an empty list."""
    actions = selectors.place_actions(country, region, city)
    if not actions.exists():
        raise Http404
    return actions


# The person it belongs to.


def own_signup(user, signup_id: int) -> Signup:
    """The person's own signup; someone else's does not exist for them."""
    return get_object_or_404(selectors.signups_of(user), pk=signup_id)


def guest_signup(token: str) -> Signup:
    """A guest's signup, reached by its private link; with shift and action."""
    if not token:
        raise Http404
    return get_object_or_404(selectors.signups_with_actions(), manage_token=token)


def feed_owner(token: str):
    """The person whose private feed this token opens, while their account
    is active."""
    user = network_selectors.feed_token_owner(token)
    if user is None or not user.is_active:
        raise Http404
    return user


def invitation(token: str) -> Invitation:
    """Anyone with the link may read an invitation; accepting it checks the
    address (`accept_invitation`)."""
    found = network_selectors.invitation(token)
    if found is None:
        raise Http404
    return found


# An organization's admins and organizers.


def organizing_organization(user, slug: str) -> Organization:
    """An organization in which the person is an admin or an organizer."""
    return get_object_or_404(network_selectors.organizing(user), slug=slug)


def organizing_action(user, action_id: int) -> Action:
    """An action run by an organization in which the person organizes."""
    return get_object_or_404(selectors.organized_actions(user), pk=action_id)


def organizing_shift(user, shift_id: int) -> Shift:
    """A shift, with its action, of an action the person organizes."""
    shift = get_object_or_404(selectors.shifts_with_actions(), pk=shift_id)
    organizing_action(user, shift.action_id)
    return shift


def organizing_signup(user, signup_id: int) -> Signup:
    """Someone's signup, with its shift, on a shift the person organizes."""
    signup = get_object_or_404(selectors.signups_with_shifts(), pk=signup_id)
    organizing_shift(user, signup.shift_id)
    return signup


# An organization's admins.


def may_administer(user, organization: Organization) -> bool:
    """Whether the person sees and changes the organization's members,
    invitations and audit log."""
    return network_selectors.is_admin(user, organization)


def administered_organization(user, slug: str) -> Organization:
    found = organization(slug)
    if not may_administer(user, found):
        raise Http404
    return found


def administered_membership(user, membership_id: int) -> Membership:
    """A membership, with organization and person, in an organization the
    person administers."""
    found = network_selectors.membership(membership_id)
    if found is None or not may_administer(user, found.organization):
        raise Http404
    return found


# The organizers of a day of action.


def moderated_campaign(user, slug: str) -> Campaign:
    found = campaign(slug)
    if not services.moderates(user, found):
        raise Http404
    return found


def submission_to_review(user, action_id: int) -> Action:
    """An action put forward to a day of action the person organizes, with
    the day."""
    action = get_object_or_404(selectors.submissions(), pk=action_id)
    if not services.moderates(user, action.campaign):
        raise Http404
    return action
