"""Who may open a network's pages: the checks every wing's `rules.py` builds
on. People with a role in the network, and two-factor authentication for the
roles that see the most (dispatchers and verifiers of rapid response,
coordinators of mutual aid). Anyone else gets 404."""

from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


class NeedsTwoFactor(Exception):
    """The person's role needs two-factor authentication, which is off."""

    def __init__(self, template: str):
        super().__init__(template)
        self.template = template


def roles_in(membership_model, network, user) -> set[str]:
    """The roles `user` holds in `network` (rows of `membership_model`)."""
    if not user.is_authenticated:
        return set()
    return set(
        membership_model.objects.filter(network=network, user=user).values_list(
            "role", flat=True
        )
    )


def check(request, roles: set[str], allowed, *, mfa_roles, template) -> set[str]:
    """`roles` if one is in `allowed` (any role, if `allowed` is empty)."""
    if not roles or (allowed and not roles & set(allowed)):
        raise Http404
    if roles & set(mfa_roles) and not is_mfa_enabled(request.user):
        raise NeedsTwoFactor(template)
    return roles


def two_factor_on(user, template: str) -> None:
    """For what only an admin with two-factor authentication may do (an
    emergency erase), whatever their role in the network."""
    if not is_mfa_enabled(user):
        raise NeedsTwoFactor(template)


ERASE_TWO_FACTOR_PAGE = "networks/erase_two_factor.html"


def members_only(view):
    """Login required; someone whose role needs 2FA is sent to set it up."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NeedsTwoFactor as needs:
            return render(request, needs.template, status=403)

    return wrapped


def public(view):
    """Marks a view that anyone may open (a public page or form), so that the
    test that walks every URL of a protected wing knows it was not forgotten:
    every other view there must go through its wing's `rules`."""
    view.public = True
    return view
