import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from events.models import ActionKind, ActionStatus, DatePrecision
from tests.factories import ActionFactory, CampaignFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
URL = reverse("events:action-list")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-02-01 12:00Z", tick=False):
        yield


def titles(response) -> list[str]:
    return [action.title for action in response.context["page"]]


def test_it_lists_upcoming_actions_by_default_in_date_order(client):
    ActionFactory(title="Later", start_date=dt.date(2026, 3, 28))
    ActionFactory(title="Sooner", start_date=dt.date(2026, 2, 7))
    ActionFactory(title="Past", start_date=dt.date(2026, 1, 27))
    ActionFactory(
        title="Undated", date_precision=DatePrecision.UNKNOWN, start_date=None
    )

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Sooner", "Later"]


def test_it_keeps_an_action_upcoming_while_its_date_is_today_somewhere(client):
    # 2026-02-01 12:00 UTC: in UTC-12 it is still 2026-02-01 00:00.
    ActionFactory(title="Today in Honolulu", start_date=dt.date(2026, 2, 1))
    ActionFactory(title="Yesterday", start_date=dt.date(2026, 1, 31))

    assert titles(client.get(URL)) == ["Today in Honolulu"]


def test_it_lists_past_actions_newest_first(client):
    ActionFactory(title="Older", start_date=dt.date(2026, 1, 26))
    ActionFactory(title="Newer", start_date=dt.date(2026, 1, 31))
    ActionFactory(title="Future", start_date=dt.date(2026, 2, 7))

    assert titles(client.get(URL, {"when": "past"})) == ["Newer", "Older"]


def test_it_lists_undated_actions_apart(client):
    ActionFactory(title="Dated")
    ActionFactory(
        title="Undated", date_precision=DatePrecision.UNKNOWN, start_date=None
    )

    assert titles(client.get(URL, {"when": "undated"})) == ["Undated"]


def test_it_hides_drafts_and_shows_cancelled_actions(client):
    ActionFactory(title="Draft", status=ActionStatus.DRAFT)
    ActionFactory(title="Called off", status=ActionStatus.CANCELLED)

    response = client.get(URL)

    assert titles(response) == ["Called off"]
    assert "Cancelled" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "walkout"}, ["Walkout in Tacoma"]),
        ({"city": "tacoma"}, ["Walkout in Tacoma"]),
        ({"region": "fl"}, ["Vigil in Miami"]),
        ({"q": "vigil"}, ["Vigil in Miami"]),
        ({"q": "Legalization"}, ["Vigil in Miami"]),
        ({"date_from": "2026-02-05", "date_to": "2026-02-28"}, ["Vigil in Miami"]),
        ({"date_from": "2026-01-01", "date_to": "2026-01-31"}, ["Old march"]),
    ],
)
def test_it_filters(client, params, expected):
    l4a = OrganizationFactory(name="Legalization for All Network")
    ActionFactory(
        title="Walkout in Tacoma",
        kind=ActionKind.WALKOUT,
        start_date=dt.date(2026, 2, 2),
    )
    ActionFactory(
        title="Vigil in Miami",
        kind=ActionKind.VIGIL,
        city="Miami",
        region="FL",
        start_date=dt.date(2026, 2, 7),
        organizers=[l4a],
    )
    ActionFactory(
        title="Old march", kind=ActionKind.MARCH, start_date=dt.date(2026, 1, 27)
    )

    assert titles(client.get(URL, params)) == expected


def test_it_filters_by_campaign_and_organization(client):
    campaign = CampaignFactory(slug="feb-7")
    organization = OrganizationFactory(slug="l4a")
    ActionFactory(title="In campaign", campaign=campaign)
    ActionFactory(title="By organization", organizers=[organization])
    ActionFactory(title="Neither")

    assert titles(client.get(URL, {"campaign": "feb-7"})) == ["In campaign"]
    assert titles(client.get(URL, {"organization": "l4a"})) == ["By organization"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-45"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Enter a date between 1900 and 2200."),
        ({"kind": "parade"}, "Select a valid choice."),
        ({"campaign": "no-such-campaign"}, "Select a valid choice."),
        ({"when": "tomorrow"}, "Select a valid choice."),
        ({"q": "x" * 5000}, "Ensure this value has at most 200 characters"),
        ({"q": "abc\x00def"}, "Null characters are not allowed."),
        (
            {"date_from": "2026-03-01", "date_to": "2026-02-01"},
            "The end date is before the start date.",
        ),
    ],
)
def test_it_reports_bad_filters_and_still_answers(client, params, message):
    ActionFactory(title="Still listed", start_date=dt.date(2026, 2, 7))

    response = client.get(URL, params)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_searches_odd_unicode_without_error(client):
    ActionFactory(title="Marcha 🌎 por la justicia ✊🏽")

    for query in ["🌎", "مرحبا", "ẞ", "\u202e", "💩" * 50]:
        response = client.get(URL, {"q": query})
        assert response.status_code == 200
    assert titles(client.get(URL, {"q": "🌎"})) == ["Marcha 🌎 por la justicia ✊🏽"]


@pytest.mark.parametrize(
    ("page", "shown", "message"),
    [
        ("999999999999999999999", 2, "There is no page 999999999999999999999"),
        ("abc", 1, "is not a page number"),
        ("-3", 1, "Page numbers start at 1"),
    ],
)
def test_it_answers_bad_page_numbers_with_a_real_page(client, page, shown, message):
    ActionFactory.create_batch(25)

    response = client.get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert message in response.content.decode()


def test_it_pages_through_results(client):
    ActionFactory.create_batch(25)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_it_costs_the_same_queries_whatever_the_number_of_rows(
    client, django_assert_num_queries, count
):
    campaign = CampaignFactory()
    for _ in range(count):
        ActionFactory(campaign=campaign, organizers=OrganizationFactory.create_batch(2))

    # The first visitor: count, which rows the page holds, their rows and
    # organizers (cards not rendered yet), campaign and organization choices.
    with django_assert_num_queries(6):
        client.get(URL)
    # Everyone after, until the data change: the count, the page's rows, the
    # cards and the choices come from the cache (events.fragments).
    with django_assert_num_queries(0):
        client.get(URL)


def test_with_nothing_upcoming_it_shows_the_most_recent_and_says_so(client):
    ActionFactory(title="Older", start_date=dt.date(2026, 1, 20))
    ActionFactory(title="Newer", start_date=dt.date(2026, 1, 31))

    response = client.get(URL)
    home = client.get(reverse("events:home"))

    assert titles(response) == ["Newer", "Older"]
    page = response.content.decode()
    assert "No action with a known date is coming up yet." in page
    assert "0 actions found" not in page
    shown = home.content.decode()
    assert len(home.context["recent"]) == 2
    assert shown.index("Newer") < shown.index("Older")
    assert "These are the most recent ones." in shown


def test_with_something_upcoming_the_home_page_shows_only_that(client):
    ActionFactory(title="Bygone vigil", start_date=dt.date(2026, 1, 20))
    ActionFactory(title="Soon", start_date=dt.date(2026, 2, 7))

    home = client.get(reverse("events:home"))

    shown = home.content.decode()
    assert len(home.context["upcoming"]) == 1 and "Soon" in shown
    assert list(home.context["recent"]) == []
    assert "Bygone vigil" not in shown and "most recent" not in shown


def test_a_filter_with_no_upcoming_match_falls_back_to_its_past_matches(client):
    ActionFactory(
        title="Old walkout", kind=ActionKind.WALKOUT, start_date=dt.date(2026, 1, 20)
    )
    ActionFactory(title="Rally ahead", start_date=dt.date(2026, 2, 7))

    assert titles(client.get(URL, {"kind": "walkout"})) == ["Old walkout"]
    assert titles(client.get(URL, {"kind": "vigil"})) == []


@pytest.mark.parametrize("region", ["WI", "wi", "Wisconsin", "wisconsin"])
def test_the_state_filter_takes_a_code_or_a_name(client, region):
    ActionFactory(
        title="Milwaukee", city="Milwaukee", region="WI", start_date=dt.date(2026, 2, 7)
    )
    ActionFactory(title="Tacoma", start_date=dt.date(2026, 2, 7))

    response = client.get(URL, {"region": region})

    assert titles(response) == ["Milwaukee"]
    assert response.context["form"].cleaned_data["region"] == "WI"


def test_an_unknown_state_is_explained_and_left_out(client):
    ActionFactory(title="Tacoma", start_date=dt.date(2026, 2, 7))

    response = client.get(URL, {"region": "Nowhere"})

    assert titles(response) == ["Tacoma"]
    assert "Select a valid choice" in response.content.decode()


def test_days_of_action_are_listed_coming_first_then_most_recent(client):
    CampaignFactory(name="A past", date=dt.date(2026, 1, 10))
    CampaignFactory(name="B later", date=dt.date(2026, 5, 1))
    CampaignFactory(name="C recent", date=dt.date(2026, 1, 30))
    CampaignFactory(name="D soon", date=dt.date(2026, 2, 7))
    CampaignFactory(name="E undated", date=None)

    listed = client.get(reverse("events:campaign-list")).context["page"]
    home = client.get(reverse("events:home")).context["campaigns"]

    expected = ["D soon", "B later", "C recent", "A past", "E undated"]
    assert [c.name for c in listed] == expected
    assert [c.name for c in home] == expected


def test_it_shows_edits_to_an_action_and_its_organizers_on_the_next_visit(client):
    # Cards are kept in the cache (events.fragments); an edit gives new keys.
    organization = OrganizationFactory(name="Old name")
    action = ActionFactory(title="Before", organizers=[organization])
    client.get(URL)

    action.title = "After"
    action.save()
    organization.name = "New name"
    organization.save()
    body = client.get(URL).content.decode()

    assert "After" in body
    assert "New name" in body
    assert "Before" not in body
    assert "Old name" not in body


def test_it_shows_cards_in_the_visitors_language(client):
    ActionFactory(kind=ActionKind.MARCH)
    client.get(URL)

    body = client.get("/es" + URL).content.decode()

    assert "Marcha" in body


def test_it_asks_for_a_narrower_search_past_the_pages_it_shows(client, monkeypatch):
    monkeypatch.setattr("events.views.public.MAX_PAGES", 2)
    ActionFactory.create_batch(45)

    response = client.get(URL, {"page": 3})

    assert response.context["page"].number == 2
    assert "Only the first 2 pages are shown" in response.content.decode()
    assert "45 actions found" in response.content.decode()


def test_the_home_page_costs_no_query_once_seen_and_shows_a_new_day_of_action(
    client, django_assert_num_queries
):
    CampaignFactory(name="Day of action one", date=dt.date(2026, 2, 7))
    ActionFactory.create_batch(3, start_date=dt.date(2026, 2, 7))
    client.get(reverse("events:home"))

    # Everyone after, until the data change: cards, days of action and their
    # counts come from the cache (events.fragments).
    with django_assert_num_queries(0):
        client.get(reverse("events:home"))
    CampaignFactory(name="Day of action two", date=dt.date(2026, 3, 28))
    page = client.get(reverse("events:home")).content.decode()

    assert "Day of action one" in page and "Day of action two" in page
