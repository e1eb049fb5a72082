"""The catalogue anyone may read: actions, days of action, organizations and
places."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from events import fragments, rules, selectors
from events.calendar import google_calendar_url, outlook_calendar_url
from events.forms import ActionFilterForm
from networks.http import messages_by_anchor
from networks.pagination import paginate
from networks.rules import public

PAGE_SIZE = 20
# Past this page a list asks for a narrower search: a deep page costs the
# database every row before it (OFFSET), and 1,000 actions is past browsing.
MAX_PAGES = 50


def action_page(request, actions, *names) -> tuple[dict, str]:
    """A page of public actions as rendered cards, its count shared by every
    visitor of the same list (`names` say which) until the data change
    (events.fragments)."""
    view = request.resolver_match.view_name
    page, note = paginate(
        request,
        actions,
        per_page=PAGE_SIZE,
        count=lambda: fragments.count(actions, view, *names),
        max_pages=MAX_PAGES,
    )
    cards = fragments.action_cards(page.object_list, view, page.number, *names)
    return {"page": page, "cards": cards}, note


@public
@require_safe
@fragments.pinned
def home(request):
    today = selectors.earliest_current_date()
    upcoming = fragments.action_cards(
        selectors.filter_actions({"when": "upcoming"}, today=today)[:6], "home"
    )
    # Nothing coming up: the most recent actions, said to be past, not "0".
    recent = (
        []
        if upcoming
        else fragments.action_cards(
            selectors.filter_actions({"when": "past"}, today=today)[:6], "home-recent"
        )
    )
    # Counting every day of action's local actions grows with the data; the
    # six shown are the same for every visitor until the data change.
    campaigns = fragments.cached(
        "home-campaigns",
        lambda: list(selectors.campaigns_with_counts(today=today)[:6]),
    )
    context = {
        "upcoming": upcoming,
        "recent": recent,
        "campaigns": campaigns,
        "form": ActionFilterForm(),
    }
    return render(request, "events/home.html", context)


@public
@require_safe
@fragments.pinned
def action_list(request):
    form = ActionFilterForm(request.GET or None)
    filters = form.filters()
    listed, page_note = action_page(
        request, selectors.filter_actions(filters), *key_of(filters)
    )
    # Nothing coming up: show the most recent instead of "0 actions found".
    recent_instead = (
        filters["when"] == "upcoming" and listed["page"].paginator.count == 0
    )
    if recent_instead:
        filters = {**filters, "when": "past"}
        listed, page_note = action_page(
            request, selectors.filter_actions(filters), *key_of(filters)
        )
    feed_query = request.GET.copy()
    for name in ("page", "when"):
        feed_query.pop(name, None)
    feed_url = reverse("events:feed")
    context = {
        **listed,
        "form": form,
        "active_filters": form.active_count(),
        "generation": fragments.generation(),
        "page_note": page_note,
        "when": filters["when"],
        "recent_instead": recent_instead,
        "feed_url": feed_url + (f"?{feed_query.urlencode()}" if feed_query else ""),
    }
    return render(request, "events/action_list.html", context)


def key_of(filters: dict) -> list[str]:
    """The cleaned filters as plain text, rows by their id."""
    return [
        f"{name}={getattr(value, 'pk', value)!r}"
        for name, value in sorted(filters.items())
    ]


@public
@require_safe
@fragments.pinned
def action_detail(request, slug: str):
    action = rules.public_action(slug)
    shifts = selectors.action_shifts(action)
    # What happened to a signup is said inside the shift the page scrolls to.
    by_shift, others = messages_by_anchor(request, "shift-")
    shown = {shift.pk for shift in shifts}
    context = {
        "action": action,
        "generation": fragments.generation(),
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
@fragments.pinned
def campaign_detail(request, slug: str):
    # Organizers and sources are read by the template only when its cached
    # pieces (the same for every visitor) are missing.
    campaign = rules.campaign(slug)
    listed, page_note = action_page(
        request, selectors.campaign_actions(campaign), campaign.pk
    )
    places = fragments.cached(
        "places", lambda: selectors.campaign_places(campaign), campaign.pk
    )
    context = {
        **listed,
        "campaign": campaign,
        "today": selectors.earliest_current_date(),
        "generation": fragments.generation(),
        "places": places,
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
@fragments.pinned
def organization_detail(request, slug: str):
    organization = rules.organization(slug)
    actions = selectors.filter_actions({"when": "all", "organization": organization})
    listed, page_note = action_page(request, actions, organization.pk)
    context = {
        **listed,
        "organization": organization,
        "campaigns": selectors.organization_campaigns(organization),
        "page_note": page_note,
    }
    return render(request, "events/organization_detail.html", context)


@public
@require_safe
@fragments.pinned
def place_detail(request, country: str, region: str, city: str = ""):
    region = "" if region == "-" else region
    listed, page_note = action_page(
        request, rules.place_actions(country, region, city), country, region, city
    )
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
        **listed,
        "page_note": page_note,
        "feed_path": feed_path,
    }
    return render(request, "events/place_detail.html", context)
