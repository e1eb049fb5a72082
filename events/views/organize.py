"""Organizers' pages: actions, shifts, rosters and check-in, messages to the
volunteers, and days of action with the review of what is put forward.

Everything here needs a login and an organizing role (admin or organizer) in
an organization that runs the object, or, for a day of action's review, in
one of the day's organizers; anyone else gets 404 (see `events.rules`).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events import rules, selectors, services
from events.forms import (
    ActionForm,
    CampaignForm,
    CancelForm,
    CheckInForm,
    MessageForm,
    ReviewForm,
    ShiftForm,
)
from events.models import ActionStatus, CampaignReview, SignupStatus

MESSAGES_SHOWN = 20


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_new(request, slug: str):
    organization = rules.organizing_organization(request.user, slug)
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
    action = rules.organizing_action(request.user, action_id)
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
    return render(
        request,
        "events/manage/action.html",
        {
            "action": action,
            "form": form,
            "shifts": selectors.action_shifts(action),
            "cancel_form": CancelForm(),
            "campaigns": selectors.campaign_choices(),
        },
    )


@login_required
@require_POST
def action_publish(request, action_id: int):
    action = rules.organizing_action(request.user, action_id)
    services.publish_action(action=action, actor=request.user)
    messages.success(request, _("Published."))
    return redirect("events:manage-action", action_id=action.pk)


@login_required
@require_POST
def action_cancel(request, action_id: int):
    action = rules.organizing_action(request.user, action_id)
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
    action = rules.organizing_action(request.user, action_id)
    copy = services.duplicate_action(action=action, actor=request.user)
    messages.success(request, _("Copied as a new draft."))
    return redirect("events:manage-action", action_id=copy.pk)


# Shifts, rosters and check-in.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shift_new(request, action_id: int):
    action = rules.organizing_action(request.user, action_id)
    form = ShiftForm(
        request.POST or None,
        action=action,
        initial=ShiftForm.initial_from_action(action),
    )
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
    shift = rules.organizing_shift(request.user, shift_id)
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
    shift = rules.organizing_shift(request.user, shift_id)
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
    shift = rules.organizing_shift(request.user, shift_id)
    signups = selectors.roster(shift)
    if request.GET.get("format") == "csv":
        return roster_csv(shift, signups)
    groups = {status: [] for status in SignupStatus.values}
    for signup in signups:
        groups[signup.status].append(signup)
    return render(
        request,
        "events/manage/roster.html",
        {"shift": shift, "groups": groups, "statuses": SignupStatus},
    )


def roster_csv(shift, signups) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{shift.pk}.csv"'
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


def csv_safe(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_POST
def check_in(request, signup_id: int):
    signup = rules.organizing_signup(request.user, signup_id)
    form = CheckInForm(request.POST)
    present = form.cleaned_data["present"] if form.is_valid() else True
    services.check_in(signup=signup, present=present)
    return redirect("events:manage-roster", shift_id=signup.shift_id)


# Messages to the people on an action.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_messages(request, action_id: int):
    """Write to the people on an action; see whether each copy went out."""
    action = rules.organizing_action(request.user, action_id)
    shifts = selectors.message_shifts(action)
    form = MessageForm(request.POST or None, shifts=shifts)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shift = next((s for s in shifts if s.pk == data["shift"]), None)
        if not data["confirmed"]:
            preview = _message_preview(action, shift, data)
            return _messages_page(request, action, form, preview)
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
    return _messages_page(request, action, form, preview)


def _message_preview(action, shift, data) -> dict:
    audience = selectors.message_audience(action, shift, waitlist=data["waitlist"])
    return {**data, "shift": shift, "audience": audience}


def _messages_page(request, action, form, preview):
    sent = selectors.sent_messages(action, limit=MESSAGES_SHOWN)
    return render(
        request,
        "events/manage/messages.html",
        {"action": action, "form": form, "sent": sent, "preview": preview},
    )


# Days of action: starting one, putting an action forward, reviewing.


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_new(request, slug: str):
    organization = rules.organizing_organization(request.user, slug)
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


@login_required
@require_http_methods(["GET", "HEAD"])
def campaign(request, slug: str):
    campaign = rules.moderated_campaign(request.user, slug)
    context = {
        "campaign": campaign,
        **selectors.campaign_submissions(campaign),
        "unfilled": selectors.unfilled_roles(campaign),
    }
    return render(request, "events/manage/campaign.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request, slug: str):
    campaign = rules.moderated_campaign(request.user, slug)
    form = CampaignForm.of(campaign, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(
                campaign=campaign, actor=request.user, values=form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Day of action saved."))
            return redirect("events:manage-campaign", slug=campaign.slug)
    return render(
        request,
        "events/manage/campaign_edit.html",
        {"form": form, "campaign": campaign},
    )


@login_required
@require_POST
def action_submit(request, action_id: int):
    action = rules.organizing_action(request.user, action_id)
    campaign = rules.campaign(request.POST.get("campaign", ""))
    try:
        action = services.submit_to_campaign(
            action=action, campaign=campaign, actor=request.user
        )
    except services.CampaignError as error:
        messages.error(request, str(error))
        return redirect("events:manage-action", action_id=action.pk)
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
    action = rules.submission_to_review(request.user, action_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Approve or reject; a note is at most 500 characters.")
        )
        return redirect("events:manage-campaign", slug=action.campaign.slug)
    action = services.review_submission(
        action=action,
        actor=request.user,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )
    messages.success(request, review_outcome(action))
    return redirect("events:manage-campaign", slug=action.campaign.slug)


def review_outcome(action) -> str:
    if action.campaign_review != CampaignReview.APPROVED:
        return _("Not accepted. Its hosts are told by e-mail.")
    if action.status == ActionStatus.PUBLISHED:
        return _("Approved: it now shows on the day of action's page.")
    return _(
        "Approved. It is still a draft: it shows on the day of action's page "
        "once its hosts publish it. They are told by e-mail."
    )
