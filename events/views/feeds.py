"""Calendar feeds (iCalendar): public ones, and private ones reached through
a person's revocable token. Each view only says which rows; the response
class does validators, caching and conditional requests."""

import datetime as dt

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import rules, selectors
from events.feeds import PAST_DAYS, CalendarResponse, Feed, public_feed
from events.forms import ActionFilterForm
from networks.rules import public


@public
@require_safe
@public_feed(windowed=False)
def action_calendar(request, slug: str):
    action = rules.public_action(slug)
    return CalendarResponse.for_feed(
        request,
        Feed(name=action.title, actions=selectors.only_action(action), windowed=False),
    )


@public
@require_safe
@public_feed(windowed=True)
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
    narrowed = {k for k in filters if k != "when"}
    name = feed_name(form, filters) if narrowed else _("All actions and days of action")
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=name,
            actions=selectors.filter_actions(filters),
            campaigns=selectors.feed_campaigns(filters),
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


@public
@require_safe
@public_feed(windowed=False)
def campaign_calendar(request, slug: str):
    campaign = rules.campaign(slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=campaign.name,
            actions=selectors.campaign_feed_actions(campaign),
            campaigns=selectors.only_campaign(campaign),
            windowed=False,
        ),
    )


@public
@require_safe
@public_feed(windowed=True)
def organization_calendar(request, slug: str):
    organization = rules.organization(slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=organization.name,
            actions=selectors.organization_feed_actions(organization),
            campaigns=selectors.organization_campaigns(organization),
        ),
    )


@public
@require_safe
@public_feed(windowed=True)
def place_calendar(request, country: str, region: str, city: str = ""):
    region = "" if region == "-" else region
    place = ", ".join(p for p in (city, region, country.upper()) if p)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=_("Actions in %(place)s") % {"place": place},
            actions=selectors.place_feed_actions(country, region, city),
        ),
    )


# Private feeds: the token stands for the person, so no login is asked.


@require_safe
def my_shifts_calendar(request, token: str):
    user = rules.feed_owner(token)
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=_("My shifts"),
            actions=selectors.public_actions().none(),
            signups=selectors.shift_feed_signups(user, since=since),
            private=True,
        ),
    )


@require_safe
def organization_private_calendar(request, token: str, slug: str):
    """An organization's actions including drafts, for its organizers."""
    organization = rules.organizing_organization(rules.feed_owner(token), slug)
    return CalendarResponse.for_feed(
        request,
        Feed(
            name=_("%(name)s: all actions, drafts too") % {"name": organization.name},
            actions=selectors.all_actions_of(organization),
            private=True,
        ),
    )
