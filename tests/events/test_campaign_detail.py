import pytest

from events.models import ActionStatus
from tests.factories import ActionFactory, CampaignFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_it_groups_local_actions_by_state_and_city_with_counts(client):
    campaign = CampaignFactory(name="National Day of Action")
    ActionFactory.create_batch(2, campaign=campaign, city="Milwaukee", region="WI")
    ActionFactory(campaign=campaign, city="Madison", region="WI")
    ActionFactory(campaign=campaign, city="Miami", region="FL")
    ActionFactory(campaign=campaign, status=ActionStatus.DRAFT, region="FL")
    ActionFactory(city="Elsewhere", region="WI")

    response = client.get(campaign.get_absolute_url())

    places = [(g.region, g.count, g.cities) for g in response.context["places"]]
    assert places == [
        ("FL", 1, [("Miami", 1)]),
        ("WI", 3, [("Madison", 1), ("Milwaukee", 2)]),
    ]
    assert response.context["page"].paginator.count == 4


def test_it_shows_organizers_demands_and_open_questions(client):
    campaign = CampaignFactory(
        name="ICE Out of Everywhere",
        demands=["ICE out of Minnesota"],
        open_questions=[{"code": "note", "text": "Only a weekday is given."}],
    )
    campaign.organizers.set([OrganizationFactory(name="50501 movement")])

    body = client.get(campaign.get_absolute_url()).content.decode()

    for text in [
        "ICE Out of Everywhere",
        "ICE out of Minnesota",
        "50501 movement",
        "Only a weekday is given.",
    ]:
        assert text in body


@pytest.mark.parametrize("count", [1, 3])
def test_it_costs_the_same_queries_whatever_the_number_of_actions(
    client, django_assert_num_queries, count
):
    campaign = CampaignFactory()
    for n in range(count):
        ActionFactory(
            campaign=campaign, city=f"City {n}", organizers=[OrganizationFactory()]
        )

    # campaign, its organizers and sources, places, count, the page's rows,
    # their rows and organizers for the cards
    with django_assert_num_queries(8):
        client.get(campaign.get_absolute_url())
    # The campaign; its facts, places, count, page and cards come from the
    # cache (events.fragments) until the data change.
    with django_assert_num_queries(1):
        client.get(campaign.get_absolute_url())
