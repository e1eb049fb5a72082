"""Pages for organizers: their organizations, actions, shifts and rosters.

Everything here needs a login and an organizing role (admin or organizer) in
an organization that runs the object; anyone else gets 404, as if it did not
exist. Member management and the audit log are for the organization's admins.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events import notices, selectors, services
from events.forms import (
    ActionForm,
    CampaignForm,
    CancelForm,
    CheckInForm,
    MemberForm,
    MembershipChangeForm,
    MessageForm,
    OrganizationForm,
    ReviewForm,
    ShiftForm,
)
from events.models import (
    Action,
    Campaign,
    CampaignReview,
    Shift,
    Signup,
    SignupStatus,
)
from networks.models import (
    ORGANIZING_ROLES,
    Invitation,
    Membership,
    OrganizationKind,
    Role,
)
from networks.organizations import selectors as network_selectors
from networks.organizations import services as network_services


def organizing_action(user, action_id: int) -> Action:
    actions = Action.objects.filter(
        organizers__memberships__user=user,
        organizers__memberships__role__in=ORGANIZING_ROLES,
    ).distinct()
    return get_object_or_404(actions, pk=action_id)


def organizing_shift(user, shift_id: int) -> Shift:
    shift = get_object_or_404(Shift.objects.select_related("action"), pk=shift_id)
    organizing_action(user, shift.action_id)
    return shift


def organizing_organization(user, slug: str):
    return get_object_or_404(network_selectors.organizing(user), slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard(request):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Give the organization a name and a kind."))
        else:
            organization = network_services.create_organization(
                user=request.user,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
            return redirect("events:manage-organization", slug=organization.slug)
    return render(
        request,
        "events/manage/dashboard.html",
        {
            "memberships": network_selectors.memberships_of(request.user),
            "kinds": OrganizationKind.choices,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization(request, slug: str):
    organization = organizing_organization(request.user, slug)
    is_admin = network_selectors.is_admin(request.user, organization)
    form = MemberForm(request.POST or None, label_suffix="")
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            # Always an invitation, never a silent add: people choose to join,
            # and the answer does not tell the admin who has an account.
            network_services.invite(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("events:invitation", kwargs={"token": token})
                ),
            )
            messages.success(
                request, _("We e-mailed an invitation; they join when they accept it.")
            )
            return redirect("events:manage-organization", slug=slug)
    actions = (
        Action.objects.filter(organizers=organization)
        .annotate(shift_count=Count("shifts", distinct=True))
        .order_by("-start_date", "title")
    )
    context = {
        "organization": organization,
        "is_admin": is_admin,
        "actions": actions,
        "memberships": organization.memberships.select_related("user").order_by(
            "role", "user__email"
        )
        if is_admin
        else [],
        "audit": organization.audit_entries.select_related("actor")[:50]
        if is_admin
        else [],
        "form": form,
        "roles": Role.choices,
        "campaigns": organization.campaigns.all(),
    }
    return render(request, "events/manage/organization.html", context)


@login_required
@require_POST
def membership(request, membership_id: int):
    membership = get_object_or_404(
        Membership.objects.select_related("organization", "user"), pk=membership_id
    )
    if not network_selectors.is_admin(request.user, membership.organization):
        raise Http404
    slug = membership.organization.slug
    form = MembershipChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role, or remove the member."))
        return redirect("events:manage-organization", slug=slug)
    try:
        if form.cleaned_data["remove"]:
            network_services.remove_member(membership=membership, actor=request.user)
        else:
            network_services.set_member(
                organization=membership.organization,
                user=membership.user,
                role=form.cleaned_data["role"],
                actor=request.user,
            )
    except network_services.MembershipError as error:
        messages.error(request, str(error))
    return redirect("events:manage-organization", slug=slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_new(request, slug: str):
    organization = organizing_organization(request.user, slug)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.create_action(
                organization=organization, actor=request.user, values=form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved as a draft. Add shifts, then publish."))
            return redirect("events:manage-action", action_id=action.pk)
    return render(
        request,
        "events/manage/action_form.html",
        {"form": form, "organization": organization},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action(request, action_id: int):
    action = organizing_action(request.user, action_id)
    form = ActionForm(request.POST or None, initial=ActionForm.initial_for(action))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(
                action=action, actor=request.user, values=form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("events:manage-action", action_id=action.pk)
    shifts = action.shifts.annotate(
        confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
    ).order_by("starts_at", "role", "pk")
    return render(
        request,
        "events/manage/action.html",
        {
            "action": action,
            "form": form,
            "shifts": shifts,
            "cancel_form": CancelForm(),
            "campaigns": Campaign.objects.only("slug", "name", "date"),
        },
    )


@login_required
@require_POST
def action_publish(request, action_id: int):
    action = organizing_action(request.user, action_id)
    services.publish_action(action=action, actor=request.user)
    messages.success(request, _("Published."))
    return redirect("events:manage-action", action_id=action.pk)


@login_required
@require_POST
def action_cancel(request, action_id: int):
    action = organizing_action(request.user, action_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        services.cancel_action(
            action=action, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Cancelled. The reason is shown on its page."))
    else:
        messages.error(request, _("Say why the action is cancelled."))
    return redirect("events:manage-action", action_id=action.pk)


@login_required
@require_POST
def action_duplicate(request, action_id: int):
    action = organizing_action(request.user, action_id)
    copy = services.duplicate_action(action=action, actor=request.user)
    messages.success(request, _("Copied as a new draft."))
    return redirect("events:manage-action", action_id=copy.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shift_new(request, action_id: int):
    action = organizing_action(request.user, action_id)
    form = ShiftForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_shift(action=action, actor=request.user, values=form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Shift added."))
            return redirect("events:manage-action", action_id=action.pk)
    return render(
        request, "events/manage/shift_form.html", {"form": form, "action": action}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shift_edit(request, shift_id: int):
    shift = organizing_shift(request.user, shift_id)
    form = ShiftForm(
        request.POST or None, action=shift.action, initial=ShiftForm.initial_for(shift)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shift(shift=shift, actor=request.user, values=form.values())
        except services.SignupError as error:
            form.add_error("places", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("events:manage-action", action_id=shift.action_id)
    return render(
        request,
        "events/manage/shift_form.html",
        {"form": form, "action": shift.action, "shift": shift},
    )


@login_required
@require_POST
def shift_delete(request, shift_id: int):
    shift = organizing_shift(request.user, shift_id)
    try:
        services.remove_shift(shift=shift, actor=request.user)
    except services.SignupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Shift removed."))
    return redirect("events:manage-action", action_id=shift.action_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def roster(request, shift_id: int):
    shift = organizing_shift(request.user, shift_id)
    signups = list(
        shift.signups.select_related("volunteer").order_by("status", "queued_at", "pk")
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="roster-{shift.pk}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(
            [_("Name"), _("E-mail"), _("Status"), _("Signed up"), _("Checked in")]
        )
        for signup in signups:
            writer.writerow(
                [
                    csv_safe(signup.person_name),
                    csv_safe(signup.contact_email),
                    signup.get_status_display(),
                    signup.queued_at.isoformat(),
                    signup.checked_in_at.isoformat() if signup.checked_in_at else "",
                ]
            )
        return response
    groups = {status: [] for status in SignupStatus.values}
    for signup in signups:
        groups[signup.status].append(signup)
    return render(
        request,
        "events/manage/roster.html",
        {"shift": shift, "groups": groups, "statuses": SignupStatus},
    )


def csv_safe(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_POST
def check_in(request, signup_id: int):
    signup = get_object_or_404(Signup.objects.select_related("shift"), pk=signup_id)
    organizing_shift(request.user, signup.shift_id)
    form = CheckInForm(request.POST)
    present = form.cleaned_data["present"] if form.is_valid() else True
    services.check_in(signup=signup, present=present)
    return redirect("events:manage-roster", shift_id=signup.shift_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_new(request, slug: str):
    organization = organizing_organization(request.user, slug)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = services.create_campaign(
            organization=organization, actor=request.user, values=form.values()
        )
        messages.success(request, _("Day of action created."))
        return redirect("events:manage-campaign", slug=campaign.slug)
    return render(
        request,
        "events/manage/campaign_form.html",
        {"form": form, "organization": organization},
    )


def moderated_campaign(user, slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign, slug=slug)
    if not services.moderates(user, campaign):
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign(request, slug: str):
    campaign = moderated_campaign(request.user, slug)
    submitted = Action.objects.filter(campaign=campaign).order_by("region", "city")
    context = {
        "campaign": campaign,
        "pending": submitted.filter(campaign_review=CampaignReview.PENDING),
        "approved_count": submitted.filter(
            campaign_review=CampaignReview.APPROVED
        ).count(),
        "rejected": submitted.filter(campaign_review=CampaignReview.REJECTED),
        "unfilled": selectors.unfilled_roles(campaign),
    }
    return render(request, "events/manage/campaign.html", context)


@login_required
@require_POST
def action_submit(request, action_id: int):
    action = organizing_action(request.user, action_id)
    campaign = get_object_or_404(Campaign, slug=request.POST.get("campaign", ""))
    action = services.submit_to_campaign(
        action=action, campaign=campaign, actor=request.user
    )
    if action.campaign_review == CampaignReview.APPROVED:
        messages.success(request, _("Added to the day of action."))
    else:
        messages.success(
            request, _("Submitted. The day of action's organizers will review it.")
        )
    return redirect("events:manage-action", action_id=action.pk)


@login_required
@require_POST
def action_review(request, action_id: int):
    action = get_object_or_404(
        Action.objects.select_related("campaign"), pk=action_id, campaign__isnull=False
    )
    if not services.moderates(request.user, action.campaign):
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Approve or reject; a note is at most 500 characters.")
        )
        return redirect("events:manage-campaign", slug=action.campaign.slug)
    services.review_submission(
        action=action,
        actor=request.user,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )
    return redirect("events:manage-campaign", slug=action.campaign.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token: str):
    invitation = get_object_or_404(
        Invitation.objects.select_related("organization"), token=token
    )
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


MESSAGES_SHOWN = 20


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_messages(request, action_id: int):
    """Write to the people on an action; see whether each copy went out."""
    action = organizing_action(request.user, action_id)
    shifts = list(action.shifts.select_related("action"))
    form = MessageForm(request.POST or None, shifts=shifts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shift = next((s for s in shifts if s.pk == data["shift"]), None)
        try:
            services.send_message(
                action=action,
                actor=request.user,
                subject=data["subject"],
                body=data["body"],
                shift=shift,
                waitlist=data["waitlist"],
            )
        except services.SignupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your message is on its way."))
            return redirect("events:manage-action-messages", action_id=action.pk)
    sent = list(action.messages.select_related("shift", "author")[:MESSAGES_SHOWN])
    copies = list(notices.copies(sent))
    signups = Signup.objects.select_related("volunteer").in_bulk(
        [copy.target_id for copy in copies]
    )
    by_message = {message.pk: [] for message in sent}
    for copy in copies:
        by_message[copy.payload["message"]].append((signups.get(copy.target_id), copy))
    for message in sent:
        message.copies = by_message[message.pk]
        message.counts = {
            state: sum(1 for _, copy in message.copies if copy.state == state)
            for state in ("pending", "sending", "sent", "failed", "dropped")
        }
    return render(
        request,
        "events/manage/messages.html",
        {"action": action, "form": form, "sent": sent},
    )
