"""The catalogue anyone may read: actions, days of action, organizations and
places."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from events import rules, selectors
from events.calendar import google_calendar_url, outlook_calendar_url
from events.forms import ActionFilterForm
from networks.http import messages_by_anchor
from networks.pagination import paginate
from networks.rules import public

PAGE_SIZE = 20


@public
@require_safe
def home(request):
    today = selectors.earliest_current_date()
    upcoming = list(selectors.filter_actions({"when": "upcoming"}, today=today)[:6])
    # Nothing coming up: the most recent actions, said to be past, not "0".
    recent = (
        [] if upcoming else selectors.filter_actions({"when": "past"}, today=today)[:6]
    )
    campaigns = selectors.campaigns_with_counts(today=today)[:6]
    context = {
        "upcoming": upcoming,
        "recent": recent,
        "campaigns": campaigns,
        "form": ActionFilterForm(),
    }
    return render(request, "events/home.html", context)


@public
@require_safe
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    filters = form.filters()
    page, page_note = paginate(
        request, selectors.filter_actions(filters), per_page=PAGE_SIZE
    )
    # Nothing coming up: show the most recent instead of "0 actions found".
    recent_instead = filters["when"] == "upcoming" and page.paginator.count == 0
    if recent_instead:
        filters = {**filters, "when": "past"}
        page, page_note = paginate(
            request, selectors.filter_actions(filters), per_page=PAGE_SIZE
        )
    feed_query = request.GET.copy()
    for name in ("page", "when"):
        feed_query.pop(name, None)
    feed_url = reverse("events:feed")
    context = {
        "form": form,
        "active_filters": form.active_count(),
        "page": page,
        "page_note": page_note,
        "when": filters["when"],
        "recent_instead": recent_instead,
        "feed_url": feed_url + (f"?{feed_query.urlencode()}" if feed_query else ""),
    }
    return render(request, "events/action_list.html", context)


@public
@require_safe
def action_detail(request, slug: str):
    action = rules.public_action(slug)
    shifts = selectors.action_shifts(action)
    # What happened to a signup is said inside the shift the page scrolls to.
    by_shift, others = messages_by_anchor(request, "shift-")
    shown = {shift.pk for shift in shifts}
    context = {
        "action": action,
        "shifts": shifts,
        "my_signups": selectors.signups_by_shift(request.user, shifts),
        # Turnout is reported after the day; "not reported" before it says
        # nothing.
        "ahead": action.start_date is not None
        and action.start_date >= selectors.earliest_current_date(),
        "shift_messages": by_shift,
        "messages": others
        + [m for pk, found in by_shift.items() if pk not in shown for m in found],
    }
    if action.start_date:
        context["calendar_links"] = {
            "google": google_calendar_url(action, settings.SITE_URL),
            "outlook": outlook_calendar_url(action, settings.SITE_URL),
        }
    return render(request, "events/action_detail.html", context)


@public
@require_safe
def campaign_list(request):
    page, page_note = paginate(request, selectors.campaigns_with_counts(), per_page=50)
    return render(
        request, "events/campaign_list.html", {"page": page, "page_note": page_note}
    )


@public
@require_safe
def campaign_detail(request, slug: str):
    campaign = selectors.with_organizers_and_sources(rules.campaign(slug))
    page, page_note = paginate(
        request, selectors.campaign_actions(campaign), per_page=PAGE_SIZE
    )
    context = {
        "campaign": campaign,
        "today": selectors.earliest_current_date(),
        "places": selectors.campaign_places(campaign),
        "page": page,
        "page_note": page_note,
    }
    return render(request, "events/campaign_detail.html", context)


@public
@require_safe
def organization_list(request):
    page, page_note = paginate(
        request, selectors.organizations_with_counts(), per_page=50
    )
    return render(
        request, "events/organization_list.html", {"page": page, "page_note": page_note}
    )


@public
@require_safe
def organization_detail(request, slug: str):
    organization = rules.organization(slug)
    actions = selectors.filter_actions({"when": "all", "organization": organization})
    page, page_note = paginate(request, actions, per_page=PAGE_SIZE)
    context = {
        "organization": organization,
        "campaigns": selectors.organization_campaigns(organization),
        "page": page,
        "page_note": page_note,
    }
    return render(request, "events/organization_detail.html", context)


@public
@require_safe
def place_detail(request, country: str, region: str, city: str = ""):
    region = "" if region == "-" else region
    actions = rules.place_actions(country, region, city)
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
