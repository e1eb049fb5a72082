"""Organizers' organizations: starting one, its page, its members and the
invitations that bring people in. Each form has a URL of its own and sends
the person back to the page it is on.

Organizers see their organization's page; its members, invitations and audit
log are for its admins; anyone else gets 404, as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events import rules, selectors
from events.display import audit_changes
from events.forms import MemberForm, MemberRoleForm, OrganizationForm
from networks.models import OrganizationKind, Role
from networks.organizations import selectors as network_selectors
from networks.organizations import services as network_services


def refuse(request, form) -> None:
    """A form posted from a page it is sent back to: its errors become
    messages there, each naming its field."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            if field is not None:
                error = _("%(field)s: %(error)s") % {
                    "field": field.label,
                    "error": error,
                }
            messages.error(request, error)


@login_required
@require_safe
def dashboard(request):
    context = {
        "memberships": network_selectors.memberships_of(request.user),
        "kinds": OrganizationKind.choices,
    }
    return render(request, "events/manage/dashboard.html", context)


@login_required
@require_POST
def organization_new(request):
    """Anyone with an account may start an organization, and is its admin."""
    form = OrganizationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the organization a name and a kind."))
        return redirect("events:manage")
    organization = network_services.create_organization(
        user=request.user,
        name=form.cleaned_data["name"],
        kind=form.cleaned_data["kind"],
    )
    return redirect("events:manage-organization", slug=organization.slug)


@login_required
@require_safe
def organization(request, slug: str):
    organization = rules.organizing_organization(request.user, slug)
    is_admin = rules.may_administer(request.user, organization)
    context = {
        "organization": organization,
        "is_admin": is_admin,
        "actions": selectors.managed_actions(organization),
        "memberships": network_selectors.members_of(organization) if is_admin else [],
        "audit": [
            (entry, audit_changes(entry))
            for entry in (network_selectors.audit_log(organization) if is_admin else [])
        ],
        "form": MemberForm(),
        "roles": Role.choices,
        "campaigns": selectors.organization_campaigns(organization),
    }
    return render(request, "events/manage/organization.html", context)


@login_required
@require_POST
def invite(request, slug: str):
    organization = rules.administered_organization(request.user, slug)
    form = MemberForm(request.POST)
    if not form.is_valid():
        refuse(request, form)
        return redirect("events:manage-organization", slug=slug)
    # Always an invitation, never a silent add: people choose to join, and
    # the answer does not tell the admin who has an account.
    network_services.invite(
        organization=organization,
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        actor=request.user,
    )
    messages.success(
        request, _("We e-mailed an invitation; they join when they accept it.")
    )
    return redirect("events:manage-organization", slug=slug)


@login_required
@require_POST
def member_role(request, membership_id: int):
    membership = rules.administered_membership(request.user, membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role, or remove the member."))
        return redirect("events:manage-organization", slug=membership.organization.slug)
    try:
        network_services.set_member(
            organization=membership.organization,
            user=membership.user,
            role=form.cleaned_data["role"],
            actor=request.user,
        )
    except network_services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("events:manage-organization", slug=membership.organization.slug)


@login_required
@require_POST
def member_remove(request, membership_id: int):
    membership = rules.administered_membership(request.user, membership_id)
    try:
        network_services.remove_member(membership=membership, actor=request.user)
    except network_services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("events:manage-organization", slug=membership.organization.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token: str):
    invitation = rules.invitation(token)
    if request.method == "POST":
        try:
            membership = network_services.accept_invitation(
                token=token, user=request.user
            )
        except network_services.InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You are now in %(name)s.") % {"name": membership.organization.name},
            )
            return redirect("events:manage")
    return render(request, "events/manage/invitation.html", {"invitation": invitation})
