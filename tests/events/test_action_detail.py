import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import ActionStatus, DatePrecision, TurnoutQualifier
from tests.factories import (
    ActionFactory,
    CampaignFactory,
    OrganizationFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db


def test_it_shows_time_in_the_actions_own_zone_with_the_zone_named(client):
    action = ActionFactory(
        date_precision=DatePrecision.DATETIME,
        starts_at=dt.datetime(2026, 2, 7, 20, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 2, 7, 22, 30, tzinfo=dt.UTC),
        timezone="America/Chicago",
    )

    body = client.get(action.get_absolute_url()).content.decode()

    assert "Saturday, Feb. 7, 2026, 2 p.m. – 4:30 p.m. (America/Chicago, CST)" in body


def test_it_says_time_to_be_announced_for_a_date_only_action(client):
    action = ActionFactory(start_date=dt.date(2026, 2, 2))

    body = client.get(action.get_absolute_url()).content.decode()

    assert "Monday, Feb. 2, 2026 · time to be announced" in body


def test_it_shows_who_what_where_turnout_demands_source_and_questions(client):
    source = SourceDocumentFactory(key="003_x.txt", title="Roundup of protests")
    organization = OrganizationFactory(name="Portland Contra Las Deportaciones")
    action = ActionFactory(
        title="March to the ICE facility",
        venue="Portland City Hall",
        city="Portland",
        region="OR",
        campaign=CampaignFactory(name="ICE Out"),
        organizers=[organization],
        turnout_qualifier=TurnoutQualifier.OVER,
        turnout_count=1000,
        demands=["Revoke the permit of the ICE facility"],
        open_questions=[
            {"code": "weekday_mismatch", "stated": "friday", "date": "2026-01-29"}
        ],
    )
    action.sources.set([source])

    body = client.get(action.get_absolute_url()).content.decode()

    for text in [
        "March to the ICE facility",
        "Portland City Hall",
        "Portland Contra Las Deportaciones",
        "ICE Out",
        "over 1,000 people",
        "Revoke the permit of the ICE facility",
        "Roundup of protests",
        "003_x.txt",
        "The source calls this day a Friday, but Jan. 29, 2026 was a Thursday.",
    ]:
        assert text in body


def test_it_hides_drafts(client):
    action = ActionFactory(status=ActionStatus.DRAFT)

    assert client.get(action.get_absolute_url()).status_code == 404


def test_it_answers_404_for_an_unknown_action(client):
    url = reverse("events:action-detail", kwargs={"slug": "nothing-here"})

    assert client.get(url).status_code == 404


def test_a_coming_action_does_not_say_its_turnout_was_not_reported(client):
    soon = ActionFactory(start_date=timezone.localdate() + dt.timedelta(days=3))
    over = ActionFactory(start_date=dt.date(2026, 1, 31))

    coming = client.get(soon.get_absolute_url()).content.decode()
    past = client.get(over.get_absolute_url()).content.decode()

    assert "Reported turnout" not in coming
    assert "Reported turnout" in past and "Not reported" in past


def test_the_city_centre_point_is_left_out_when_a_street_address_is_known(client):
    placed = {"latitude": 47.25288, "longitude": -122.44429}
    with_address = ActionFactory(address="1 Main St", **placed)
    city_only = ActionFactory(**placed)

    addressed = client.get(with_address.get_absolute_url()).content.decode()
    centre = client.get(city_only.get_absolute_url()).content.decode()

    assert "1 Main St" in addressed and "city centre" not in addressed
    assert "Approximate map point (city centre): 47.25288, -122.44429" in centre


def test_a_turnout_of_one_is_one_person(client):
    action = ActionFactory(
        start_date=dt.date(2026, 1, 31),
        turnout_qualifier=TurnoutQualifier.EXACT,
        turnout_count=1,
    )

    body = client.get(action.get_absolute_url()).content.decode()

    assert "1 person" in body and "1 people" not in body


def test_an_editors_note_in_english_is_marked_english_on_a_spanish_page(client):
    action = ActionFactory(
        open_questions=[
            {"code": "note", "text": "The source gives no venue."},
            {"code": "date_missing"},
        ]
    )
    client.cookies["django_language"] = "es"

    page = client.get(f"/es{action.get_absolute_url()}").content.decode()

    assert '<li lang="en">The source gives no venue.</li>' in page
    assert "<li>La fuente no da fecha para esta acción.</li>" in page


@pytest.mark.parametrize("count", [1, 3])
def test_it_costs_the_same_queries_whatever_the_number_of_organizers_and_sources(
    client, django_assert_num_queries, count
):
    action = ActionFactory(
        organizers=OrganizationFactory.create_batch(count),
        campaign=CampaignFactory(),
    )
    action.sources.set(SourceDocumentFactory.create_batch(count))

    # The action (and its campaign), its organizers, shifts, sources.
    with django_assert_num_queries(4):
        client.get(action.get_absolute_url())
    # The sources are in the cached facts, the same for every visitor.
    with django_assert_num_queries(3):
        client.get(action.get_absolute_url())


def test_it_shows_an_edit_on_the_next_visit(client):
    action = ActionFactory(title="Before", description="Old words")
    client.get(action.get_absolute_url())

    action.title = "After"
    action.description = "New words"
    action.save()
    body = client.get(action.get_absolute_url()).content.decode()

    assert "After" in body and "New words" in body and "Old words" not in body
