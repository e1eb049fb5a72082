"""Local hosts submit actions to a day of action; its organizers review them."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Campaign, CampaignReview
from events.services import sign_up
from networks.organizations.services import create_organization
from tests.factories import ActionFactory, ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(client):
    national = UserFactory()
    runs = create_organization(user=national, name="L4A Network", kind="network")
    local = UserFactory()
    host = create_organization(user=local, name="Tacoma Mutual", kind="grassroots")
    client.force_login(national)
    client.post(
        f"/manage/o/{runs.slug}/campaigns/new/",
        {
            "name": "Day of Action",
            "date": (timezone.now() + dt.timedelta(days=40)).date(),
        },
    )
    campaign = Campaign.objects.get(name="Day of Action")
    action = ActionFactory(title="Tacoma rally", city="Tacoma", organizers=[host])
    return {
        "national": national,
        "local": local,
        "campaign": campaign,
        "action": action,
    }


def public_titles(client, campaign) -> str:
    return client.get(campaign.get_absolute_url()).content.decode()


def test_a_submission_waits_for_review_then_shows_on_the_campaign_page(client, day):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    action.refresh_from_db()
    assert action.campaign_review == CampaignReview.PENDING
    assert "Tacoma rally" not in public_titles(client, campaign)
    assert (
        "Tacoma rally"
        not in client.get(
            f"/actions/?campaign={campaign.slug}&when=all"
        ).content.decode()
    )

    client.force_login(day["national"])
    waiting = client.get(f"/manage/campaigns/{campaign.slug}/").content.decode()
    client.post(f"/manage/actions/{action.pk}/review/", {"decision": "approve"})

    assert "Tacoma rally" in waiting
    assert "Tacoma rally" in public_titles(client, campaign)


def test_a_rejection_carries_a_note_back_to_the_host(client, day):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    client.force_login(day["national"])

    client.post(
        f"/manage/actions/{action.pk}/review/",
        {"decision": "reject", "note": "Please add a time"},
    )

    client.force_login(day["local"])
    page = client.get(f"/manage/actions/{action.pk}/").content.decode()
    assert "Not accepted" in page and "Please add a time" in page
    assert "Tacoma rally" not in public_titles(client, campaign)


def test_the_days_own_organizers_need_no_review(client, day):
    own = ActionFactory(organizers=list(day["campaign"].organizers.all()))
    client.force_login(day["national"])

    client.post(f"/manage/actions/{own.pk}/submit/", {"campaign": day["campaign"].slug})

    own.refresh_from_db()
    assert own.campaign_review == CampaignReview.APPROVED


def test_only_the_days_organizers_review(client, day):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})

    assert client.get(f"/manage/campaigns/{campaign.slug}/").status_code == 404
    assert (
        client.post(
            f"/manage/actions/{action.pk}/review/", {"decision": "approve"}
        ).status_code
        == 404
    )
    action.refresh_from_db()
    assert action.campaign_review == CampaignReview.PENDING


def test_the_campaign_page_shows_which_roles_are_still_unfilled(client, day):
    campaign = day["campaign"]
    staffed = ActionFactory(campaign=campaign, city="Chicago")
    observer = ShiftFactory(action=staffed, role="legal_observer", places=1)
    sign_up(shift_id=observer.pk, volunteer=UserFactory())
    ShiftFactory(
        action=ActionFactory(campaign=campaign, city="Dallas"), role="legal_observer"
    )
    client.force_login(day["national"])

    response = client.get(f"/manage/campaigns/{campaign.slug}/")

    unfilled = {
        role: [a.city for a in actions]
        for role, _, actions in response.context["unfilled"]
    }
    assert unfilled["legal_observer"] == ["Dallas"]
    assert sorted(unfilled["medic"]) == ["Chicago", "Dallas"]


def test_a_pending_submission_stays_out_of_the_campaign_feed(client, day):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    client.logout()

    feed = client.get(f"/campaigns/{campaign.slug}/calendar.ics").content.decode()
    everything = client.get("/feeds/actions.ics").content.decode()

    assert "Tacoma rally" not in feed
    assert "Tacoma rally" in everything and "Part of: Day of Action" not in everything
