import pytest
from django.urls import reverse

from tests.factories import ActionFactory, CampaignFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_organization_page_lists_its_actions_and_campaigns(client):
    organization = OrganizationFactory(name="Milwaukee Area Labor Council")
    ActionFactory(title="Target protest", organizers=[organization])
    ActionFactory(title="Someone else's rally")
    campaign = CampaignFactory(name="Day of action")
    campaign.organizers.set([organization])

    response = client.get(organization.get_absolute_url())

    assert [a.title for a in response.context["page"]] == ["Target protest"]
    assert "Day of action" in response.content.decode()


def test_the_organization_list_counts_actions(client):
    organization = OrganizationFactory(name="Centro CSO")
    ActionFactory.create_batch(2, organizers=[organization])

    response = client.get(reverse("events:organization-list"))

    assert [(o.name, o.action_count) for o in response.context["page"]] == [
        ("Centro CSO", 2)
    ]


def test_a_city_page_lists_the_actions_there(client):
    ActionFactory(title="In Tacoma", city="Tacoma", region="WA")
    ActionFactory(title="In Graham", city="Graham", region="WA")
    url = reverse(
        "events:city", kwargs={"country": "US", "region": "WA", "city": "Tacoma"}
    )

    response = client.get(url)

    assert [a.title for a in response.context["page"]] == ["In Tacoma"]


def test_a_state_page_lists_every_city_in_it(client):
    ActionFactory(title="In Tacoma", city="Tacoma", region="WA")
    ActionFactory(title="In Graham", city="Graham", region="WA")
    ActionFactory(title="In Miami", city="Miami", region="FL")
    url = reverse("events:region", kwargs={"country": "US", "region": "WA"})

    titles = sorted(a.title for a in client.get(url).context["page"])

    assert titles == ["In Graham", "In Tacoma"]


def test_a_place_with_no_state_is_reached_with_a_dash(client):
    ActionFactory(title="In Milan", city="Milan", region="", country="IT")
    url = reverse(
        "events:city", kwargs={"country": "IT", "region": "-", "city": "Milan"}
    )

    assert [a.title for a in client.get(url).context["page"]] == ["In Milan"]


@pytest.mark.parametrize(
    "url", ["/places/US/ZZ/Nowhere/", "/places/US/ZZ/", "/places/XX/-/"]
)
def test_an_unknown_place_is_not_found(client, url):
    ActionFactory(city="Tacoma", region="WA", country="US")

    assert client.get(url).status_code == 404
