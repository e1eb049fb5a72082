"""Volunteers: signing up, their own shifts, account, choices and data; and
signing up as a guest, without an account, through a private link."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events import rules, selectors, services
from events.forms import GuestSignupForm, NotificationPreferenceForm
from events.models import SignupStatus
from networks.http import private
from networks.mutual_aid import selectors as mutual_aid_selectors
from networks.organizations import selectors as network_selectors
from networks.organizations import services as network_services
from networks.organizations.forms import DisplayNameForm
from networks.rapid_response import selectors as rapid_response_selectors
from networks.rules import public


def shift_anchor(shift) -> str:
    return shift.action.get_absolute_url() + f"#{anchor_tag(shift)}"


def anchor_tag(shift) -> str:
    """Ties a message to the shift's box, where the redirect scrolls to, so
    the person sees it there (public.action_detail places it)."""
    return f"shift-{shift.pk}"


@login_required
@require_POST
def shift_signup(request, shift_id: int):
    shift = rules.public_shift(shift_id)
    # Messages about the signup go out in the language the person uses here,
    # until they choose otherwise.
    network_services.notification_preference(
        request.user, language=request.LANGUAGE_CODE
    )
    try:
        signup = services.sign_up(shift_id=shift.pk, volunteer=request.user)
    except services.SignupError as error:
        messages.error(request, str(error), extra_tags=anchor_tag(shift))
        return redirect(shift_anchor(shift))
    if signup.status == SignupStatus.CONFIRMED:
        messages.success(
            request, _("You are signed up. Thank you!"), extra_tags=anchor_tag(shift)
        )
    else:
        messages.info(
            request,
            _(
                "This shift is full: you are on the waitlist and will be moved up "
                "automatically, in order, when a place frees."
            ),
            extra_tags=anchor_tag(shift),
        )
    for other in selectors.overlapping_signups(request.user, shift):
        messages.warning(
            request,
            _("This overlaps another of your shifts: %(shift)s.")
            % {"shift": f"{other.shift.get_role_display()}, {other.shift.action}"},
            extra_tags=anchor_tag(shift),
        )
    return redirect(shift_anchor(shift))


@login_required
@require_safe
def my_shifts(request):
    return render(
        request,
        "events/my_shifts.html",
        {"signups": selectors.my_signups(request.user)},
    )


@login_required
@require_POST
def signup_cancel(request, signup_id: int):
    signup = rules.own_signup(request.user, signup_id)
    try:
        services.cancel_signup(signup_id=signup.pk)
    except services.SignupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your signup is cancelled."))
    return redirect("events:my-shifts")


# A person's own account: what the app holds about them, and leaving.


@login_required
@require_safe
def my_account(request):
    form = DisplayNameForm(initial={"name": request.user.first_name})
    return _account_page(request, form)


@login_required
@require_POST
def my_name(request):
    form = DisplayNameForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    network_services.set_display_name(user=request.user, name=form.cleaned_data["name"])
    messages.success(request, _("Your name is saved."))
    return redirect("events:my-account")


def _account_page(request, name_form, status=200):
    token = network_services.feed_token(request.user)
    context = {
        "name_form": name_form,
        "feed_path": reverse("events:my-calendar", kwargs={"token": token}),
        "organizer_feeds": [
            (
                organization,
                reverse(
                    "events:organization-private-calendar",
                    kwargs={"token": token, "slug": organization.slug},
                ),
            )
            for organization in network_selectors.organizing(request.user)
        ],
    }
    response = render(request, "events/my_account.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request):
    preference = network_services.notification_preference(
        request.user, language=request.LANGUAGE_CODE
    )
    form = NotificationPreferenceForm(
        request.POST or None,
        initial={
            "language": preference.language,
            "reminders": preference.reminders,
            "messages": preference.messages,
        },
    )
    if request.method == "POST" and form.is_valid():
        network_services.set_notification_preference(
            user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("events:notification-preferences")
    return render(request, "events/notification_preferences.html", {"form": form})


@login_required
@require_safe
def my_data(request):
    """Everything the app holds about the person, as JSON to download."""
    # Each wing says what it holds about the person.
    data = {
        **network_selectors.personal_data(request.user),
        **rapid_response_selectors.personal_data(request.user),
        **mutual_aid_selectors.personal_data(request.user),
        **selectors.personal_data(request.user),
    }
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def delete_account(request):
    """Delete the account after the person types their address to confirm.

    Their places are cancelled first, so the waitlists move up.
    """
    user = request.user
    if request.POST.get("confirm", "").strip().lower() != user.email.lower():
        messages.error(request, _("Type your e-mail address to confirm."))
        return redirect("events:my-account")
    try:
        services.delete_account(user=user)
    except services.AccountError as error:
        messages.error(request, str(error))
        return redirect("events:my-account")
    logout(request)
    messages.success(request, _("Your account and everything about you are deleted."))
    return redirect("events:home")


@login_required
@require_POST
def regenerate_feed_token(request):
    network_services.regenerate_feed_token(request.user)
    messages.success(
        request, _("New private feed addresses made; the old ones no longer work.")
    )
    return redirect("events:my-account")


# Signing up without an account: name and address, confirmed from the e-mail.


@public
@require_http_methods(["GET", "HEAD", "POST"])
def shift_join(request, shift_id: int):
    shift = rules.public_shift(shift_id)
    if request.user.is_authenticated:
        return redirect(shift_anchor(shift))
    form = GuestSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="guest_signup"):
            messages.error(
                request,
                _("Too many signups from here; try again later."),
                extra_tags=anchor_tag(shift),
            )
            return redirect(shift_anchor(shift))
        if not form.is_spam():
            try:
                services.request_guest_signup(
                    shift_id=shift.pk,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                )
            except services.SignupError as error:
                messages.error(request, str(error), extra_tags=anchor_tag(shift))
                return redirect(shift_anchor(shift))
        messages.info(
            request,
            _(
                "Almost done: we e-mailed you a link. "
                "Your signup counts once you follow it."
            ),
            extra_tags=anchor_tag(shift),
        )
        return redirect(shift_anchor(shift))
    return render(request, "events/shift_join.html", {"shift": shift, "form": form})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def guest_confirm(request, token: str):
    # Confirming needs a press of the button: mail scanners open links (GET).
    if request.method == "POST":
        try:
            signup = services.confirm_guest_signup(token=token)
        except services.SignupError as error:
            messages.error(request, str(error))
            return redirect("events:action-list")
        return redirect("events:guest-signup", token=signup.manage_token)
    return render(request, "events/guest_confirm.html", {"token": token})


@require_http_methods(["GET", "HEAD", "POST"])
def guest_signup(request, token: str):
    """A guest's own signup, reached by the private link, and the form of
    their choices about messages."""
    signup = rules.guest_signup(token)
    preferences = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "language": signup.language,
            "reminders": signup.wants_reminders,
            "messages": signup.wants_messages,
        },
    )
    if request.method == "POST" and preferences.is_valid():
        services.set_guest_preferences(signup=signup, **preferences.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("events:guest-signup", token=token)
    context = {
        "signup": signup,
        "ahead": selectors.waiting_ahead(signup),
        "preferences": preferences,
    }
    return private(render(request, "events/guest_signup.html", context))


@require_POST
def guest_signup_cancel(request, token: str):
    signup = rules.guest_signup(token)
    try:
        services.cancel_signup(signup_id=signup.pk)
    except services.SignupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your signup is cancelled."))
    return redirect("events:guest-signup", token=token)
