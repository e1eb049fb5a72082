import datetime as dt

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from events import selectors, services
from events.calendar import google_calendar_url, outlook_calendar_url
from events.feeds import PAST_DAYS, CalendarResponse, Feed
from events.forms import (
    ActionFilterForm,
    GuestSignupForm,
    NotificationPreferenceForm,
)
from events.models import (
    Action,
    Campaign,
    Shift,
    Signup,
    SignupStatus,
)
from networks.models import FeedToken, Organization
from networks.mutual_aid import selectors as mutual_aid_selectors
from networks.organizations import selectors as network_selectors
from networks.organizations import services as network_services
from networks.pagination import paginate
from networks.rapid_response import selectors as rapid_response_selectors

PAGE_SIZE = 20


@require_safe
def home(request):
    today = selectors.earliest_current_date()
    upcoming = selectors.filter_actions({"when": "upcoming"}, today=today)[:6]
    campaigns = selectors.campaigns_with_counts()[:6]
    context = {"upcoming": upcoming, "campaigns": campaigns, "form": ActionFilterForm()}
    return render(request, "events/home.html", context)


@require_safe
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    filters = form.filters()
    page, page_note = paginate(
        request, selectors.filter_actions(filters), per_page=PAGE_SIZE
    )
    feed_query = request.GET.copy()
    for name in ("page", "when"):
        feed_query.pop(name, None)
    feed_url = reverse("events:feed")
    context = {
        "form": form,
        "page": page,
        "page_note": page_note,
        "when": filters["when"],
        "feed_url": feed_url + (f"?{feed_query.urlencode()}" if feed_query else ""),
    }
    return render(request, "events/action_list.html", context)


@require_safe
def action_detail(request, slug: str):
    action = get_object_or_404(selectors.public_actions(), slug=slug)
    shifts = selectors.action_shifts(action)
    context = {
        "action": action,
        "shifts": shifts,
        "my_signups": selectors.signups_by_shift(request.user, shifts),
    }
    if action.start_date:
        context["calendar_links"] = {
            "google": google_calendar_url(action, settings.SITE_URL),
            "outlook": outlook_calendar_url(action, settings.SITE_URL),
        }
    return render(request, "events/action_detail.html", context)


@require_safe
def campaign_list(request):
    page, page_note = paginate(request, selectors.campaigns_with_counts(), per_page=50)
    return render(
        request, "events/campaign_list.html", {"page": page, "page_note": page_note}
    )


@require_safe
def campaign_detail(request, slug: str):
    campaign = get_object_or_404(
        Campaign.objects.prefetch_related("organizers", "sources"), slug=slug
    )
    page, page_note = paginate(
        request, selectors.campaign_actions(campaign), per_page=PAGE_SIZE
    )
    context = {
        "campaign": campaign,
        "places": selectors.campaign_places(campaign),
        "page": page,
        "page_note": page_note,
    }
    return render(request, "events/campaign_detail.html", context)


@require_safe
def organization_list(request):
    page, page_note = paginate(
        request, selectors.organizations_with_counts(), per_page=50
    )
    return render(
        request, "events/organization_list.html", {"page": page, "page_note": page_note}
    )


@require_safe
def organization_detail(request, slug: str):
    organization = get_object_or_404(Organization, slug=slug)
    actions = selectors.filter_actions({"when": "all", "organization": organization})
    page, page_note = paginate(request, actions, per_page=PAGE_SIZE)
    context = {
        "organization": organization,
        "campaigns": organization.campaigns.all(),
        "page": page,
        "page_note": page_note,
    }
    return render(request, "events/organization_detail.html", context)


@require_safe
def place_detail(request, country: str, region: str, city: str = ""):
    region = "" if region == "-" else region
    filters = {"when": "all", "country": country, "region": region, "city": city}
    actions = selectors.filter_actions({k: v for k, v in filters.items() if v})
    if not city and not region:
        actions = actions.filter(region="")
    page, page_note = paginate(request, actions, per_page=PAGE_SIZE)
    place = {"country": country, "region": region or "-"}
    feed_path = (
        reverse("events:city-calendar", kwargs={**place, "city": city})
        if city
        else reverse("events:region-calendar", kwargs=place)
    )
    context = {
        "country": country.upper(),
        "region": region,
        "city": city,
        "page": page,
        "page_note": page_note,
        "feed_path": feed_path,
    }
    return render(request, "events/place_detail.html", context)


# Calendar feeds (iCalendar). Each view only says which rows; the response
# class does validators, caching and conditional requests.


@require_safe
def action_calendar(request, slug: str):
    action = get_object_or_404(selectors.public_actions(), slug=slug)
    actions = selectors.public_actions().filter(pk=action.pk)
    return CalendarResponse.for_feed(
        request, Feed(name=action.title, actions=actions, windowed=False)
    )


@require_safe
def feed(request):
    """All public actions and days of action, narrowed by the list's filters."""
    form = ActionFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        return HttpResponseBadRequest(
            _("This feed address has values that are not understood: %(problems)s")
            % {"problems": problems},
            content_type="text/plain; charset=utf-8",
        )
    filters = {**form.filters(), "when": "all"} if form.is_bound else {"when": "all"}
    campaigns = Campaign.objects.none()
    narrowed = {k for k in filters if k != "when"}
    if not narrowed:
        campaigns = Campaign.objects.all()
    elif narrowed == {"campaign"}:
        campaigns = Campaign.objects.filter(pk=filters["campaign"].pk)
    elif narrowed == {"organization"}:
        campaigns = filters["organization"].campaigns.all()
    name = feed_name(form, filters) if narrowed else _("All actions and days of action")
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=name,
            actions=selectors.filter_actions(filters),
            campaigns=campaigns,
        ),
    )


def feed_name(form: ActionFilterForm, filters: dict) -> str:
    labels = []
    for name, value in filters.items():
        if name == "when":
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        labels.append(str(value))
    return _("Actions: %(filters)s") % {"filters": ", ".join(labels)}


@require_safe
def campaign_calendar(request, slug: str):
    campaign = get_object_or_404(Campaign, slug=slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=campaign.name,
            actions=selectors.public_actions().filter(selectors.in_campaign(campaign)),
            campaigns=Campaign.objects.filter(pk=campaign.pk),
            windowed=False,
        ),
    )


@require_safe
def organization_calendar(request, slug: str):
    organization = get_object_or_404(Organization, slug=slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=organization.name,
            actions=selectors.public_actions().filter(organizers=organization),
            campaigns=organization.campaigns.all(),
        ),
    )


@require_safe
def place_calendar(request, country: str, region: str, city: str = ""):
    region = "" if region == "-" else region
    actions = selectors.public_actions().filter(country__iexact=country)
    actions = actions.filter(region__iexact=region)
    if city:
        actions = actions.filter(city__iexact=city)
    place = ", ".join(p for p in (city, region, country.upper()) if p)
    return CalendarResponse.for_feed(
        request,
        Feed(name=_("Actions in %(place)s") % {"place": place}, actions=actions),
    )


# Volunteers: sign up, see and cancel their own shifts.


@login_required
@require_POST
def shift_signup(request, shift_id: int):
    shift = get_object_or_404(
        Shift.objects.select_related("action"),
        pk=shift_id,
        action__in=selectors.public_actions(),
    )
    back = shift.action.get_absolute_url() + f"#shift-{shift.pk}"
    # Messages about the signup go out in the language the person uses here,
    # until they choose otherwise.
    network_services.notification_preference(
        request.user, language=request.LANGUAGE_CODE
    )
    try:
        signup = services.sign_up(shift_id=shift.pk, volunteer=request.user)
    except services.SignupError as error:
        messages.error(request, str(error))
        return redirect(back)
    if signup.status == SignupStatus.CONFIRMED:
        messages.success(request, _("You are signed up. Thank you!"))
    else:
        messages.info(
            request,
            _(
                "This shift is full: you are on the waitlist and will be moved up "
                "automatically, in order, when a place frees."
            ),
        )
    for other in selectors.overlapping_signups(request.user, shift):
        messages.warning(
            request,
            _("This overlaps another of your shifts: %(shift)s.")
            % {"shift": f"{other.shift.get_role_display()}, {other.shift.action}"},
        )
    return redirect(back)


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
    # Someone else's signup answers 404, as if it did not exist.
    signup = get_object_or_404(Signup, pk=signup_id, volunteer=request.user)
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
    token = network_services.feed_token(request.user)
    context = {
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
    response = render(request, "events/my_account.html", context)
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


# Signing up without an account: name and address, confirmed from the e-mail.


@require_http_methods(["GET", "HEAD", "POST"])
def shift_join(request, shift_id: int):
    shift = get_object_or_404(
        Shift.objects.select_related("action"),
        pk=shift_id,
        action__in=selectors.public_actions(),
    )
    back = shift.action.get_absolute_url() + f"#shift-{shift.pk}"
    if request.user.is_authenticated:
        return redirect(back)
    form = GuestSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="guest_signup"):
            messages.error(request, _("Too many signups from here; try again later."))
            return redirect(back)
        if not form.is_spam():
            try:
                services.request_guest_signup(
                    shift_id=shift.pk,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                    confirm_url=lambda token: request.build_absolute_uri(
                        reverse("events:guest-confirm", kwargs={"token": token})
                    ),
                )
            except services.SignupError as error:
                messages.error(request, str(error))
                return redirect(back)
        messages.info(
            request,
            _(
                "Almost done: we e-mailed you a link. "
                "Your signup counts once you follow it."
            ),
        )
        return redirect(back)
    return render(request, "events/shift_join.html", {"shift": shift, "form": form})


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
    """A guest's own signup, reached by the private link; anyone else gets 404."""
    if not token:
        raise Http404
    signup = get_object_or_404(
        Signup.objects.select_related("shift__action"), manage_token=token
    )
    preferences = NotificationPreferenceForm(
        request.POST if "language" in request.POST else None,
        initial={
            "language": signup.language,
            "reminders": signup.wants_reminders,
            "messages": signup.wants_messages,
        },
    )
    if request.method == "POST" and "language" in request.POST:
        if preferences.is_valid():
            services.set_guest_preferences(signup=signup, **preferences.cleaned_data)
            messages.success(request, _("Your choices are saved."))
            return redirect("events:guest-signup", token=token)
    elif request.method == "POST" and signup.status != SignupStatus.CANCELLED:
        try:
            services.cancel_signup(signup_id=signup.pk)
        except services.SignupError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your signup is cancelled."))
        return redirect("events:guest-signup", token=token)
    ahead = 0
    if signup.status == SignupStatus.WAITLISTED:
        ahead = signup.shift.signups.filter(
            status=SignupStatus.WAITLISTED, queued_at__lt=signup.queued_at
        ).count()
    response = render(
        request,
        "events/guest_signup.html",
        {"signup": signup, "ahead": ahead, "preferences": preferences},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# Private calendar feeds, reached through the person's revocable token.


def feed_owner(token: str):
    owner = FeedToken.objects.select_related("user").filter(token=token).first()
    if owner is None or not owner.user.is_active:
        raise Http404
    return owner.user


@require_safe
def my_shifts_calendar(request, token: str):
    user = feed_owner(token)
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=_("My shifts"),
            actions=Action.objects.none(),
            signups=Signup.objects.filter(volunteer=user, shift__ends_at__gte=since),
            private=True,
        ),
    )


@require_safe
def organization_private_calendar(request, token: str, slug: str):
    """An organization's actions including drafts, for its organizers."""
    user = feed_owner(token)
    organization = get_object_or_404(network_selectors.organizing(user), slug=slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=_("%(name)s: all actions, drafts too") % {"name": organization.name},
            actions=Action.objects.filter(organizers=organization),
            private=True,
        ),
    )


@login_required
@require_POST
def regenerate_feed_token(request):
    network_services.regenerate_feed_token(request.user)
    messages.success(
        request, _("New private feed addresses made; the old ones no longer work.")
    )
    return redirect("events:my-account")
