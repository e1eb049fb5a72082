from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from events import selectors
from events.forms import ActionFilterForm
from events.models import Campaign
from events.pagination import paginate
from networks.models import Organization

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
    context = {
        "form": form,
        "page": page,
        "page_note": page_note,
        "when": filters["when"],
    }
    return render(request, "events/action_list.html", context)


@require_safe
def action_detail(request, slug: str):
    action = get_object_or_404(selectors.public_actions(), slug=slug)
    return render(request, "events/action_detail.html", {"action": action})


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
    context = {
        "country": country.upper(),
        "region": region,
        "city": city,
        "page": page,
        "page_note": page_note,
    }
    return render(request, "events/place_detail.html", context)
