"""Local hosts submit actions to a day of action; its organizers review them."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events.models import ActionStatus, Campaign, CampaignReview
from events.services import sign_up
from networks.models import AuditEntry
from networks.organizations.services import create_organization
from networks.outbox import services as outbox
from tests.factories import ActionFactory, CampaignFactory, ShiftFactory, UserFactory

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
    before = client.get(f"/manage/campaigns/{campaign.slug}/")
    client.post(
        f"/manage/campaigns/{campaign.slug}/edit/",
        {
            "name": campaign.name,
            "date": campaign.date.isoformat(),
            "needed_roles": ["medic", "legal_observer"],
        },
    )

    response = client.get(f"/manage/campaigns/{campaign.slug}/")

    assert before.context["unfilled"] == []
    assert "Choose the roles" in before.content.decode()
    unfilled = {
        role: [a.city for a in actions]
        for role, _, actions in response.context["unfilled"]
    }
    assert list(unfilled) == ["legal_observer", "medic"]
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


def send_due() -> list:
    before = len(mail.outbox)
    for ids in outbox.queue_due():
        outbox.deliver(ids)
    return mail.outbox[before:]


def test_the_days_organizers_are_told_of_a_submission_and_hosts_of_the_answer(
    client, day
):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    [to_review] = send_due()
    client.force_login(day["national"])
    client.post(
        f"/manage/actions/{action.pk}/review/",
        {"decision": "reject", "note": "Please add a time"},
    )
    [answer] = send_due()

    assert to_review.to == [day["national"].email]
    assert to_review.subject.endswith("To review for Day of Action: Tacoma rally")
    assert f"/manage/campaigns/{campaign.slug}/" in to_review.body
    assert answer.to == [day["local"].email]
    assert "Tacoma rally was not accepted for Day of Action." in answer.body
    assert "Please add a time" in answer.body
    assert day["local"].email not in answer.body


def test_approving_a_draft_tells_the_host_what_is_left(client, day):
    campaign, action = day["campaign"], day["action"]
    action.status = ActionStatus.DRAFT
    action.save()
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    send_due()
    client.force_login(day["national"])

    response = client.post(
        f"/manage/actions/{action.pk}/review/", {"decision": "approve"}, follow=True
    )
    [answer] = send_due()
    client.force_login(day["local"])
    host_page = client.get(f"/manage/actions/{action.pk}/").content.decode()
    client.post(f"/manage/actions/{action.pk}/publish/")

    assert "once its hosts publish it" in response.content.decode()
    assert "It is still a draft" in answer.body
    assert "publish the action to show it" in host_page
    assert "Tacoma rally" in public_titles(client, campaign)


def test_approving_a_published_action_shows_it_at_once(client, day):
    campaign, action = day["campaign"], day["action"]
    client.force_login(day["local"])
    client.post(f"/manage/actions/{action.pk}/submit/", {"campaign": campaign.slug})
    client.force_login(day["national"])

    response = client.post(
        f"/manage/actions/{action.pk}/review/", {"decision": "approve"}, follow=True
    )

    assert "it now shows on the day of action" in response.content.decode()
    page = public_titles(client, campaign)
    assert "Tacoma rally" in page and "No local actions are recorded" not in page


def test_only_days_that_have_not_passed_are_offered_and_taken(client, day):
    past = CampaignFactory(
        name="Gone by", date=timezone.localdate() - dt.timedelta(days=30)
    )
    client.force_login(day["local"])
    action = day["action"]

    page = client.get(f"/manage/actions/{action.pk}/").content.decode()
    response = client.post(
        f"/manage/actions/{action.pk}/submit/", {"campaign": past.slug}, follow=True
    )

    assert "Day of Action" in page and "Gone by" not in page
    assert "This day of action has passed." in response.content.decode()
    action.refresh_from_db()
    assert action.campaign is None


def test_the_public_page_invites_hosts_and_has_no_empty_source_heading(client, day):
    page = public_titles(client, day["campaign"])

    assert "Host an action" in page
    assert "<h2>Source</h2>" not in page


def test_the_days_organizers_edit_it_and_bad_input_changes_nothing(client, day):
    campaign = day["campaign"]
    url = f"/manage/campaigns/{campaign.slug}/edit/"
    client.force_login(day["local"])
    assert client.get(url).status_code == 404
    client.force_login(day["national"])

    bad = client.post(url, {"name": "", "needed_roles": ["astronaut"]})
    client.post(
        url,
        {
            "name": "Day of Action 2026",
            "date": campaign.date.isoformat(),
            "demands": "Free them all\n\nICE out",
            "needed_roles": ["marshal"],
        },
    )

    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "name" in errors and "needed_roles" in errors
    campaign.refresh_from_db()
    assert campaign.name == "Day of Action 2026"
    assert campaign.demands == ["Free them all", "ICE out"]
    assert campaign.needed_roles == ["marshal"]
    assert AuditEntry.objects.filter(verb="changed day of action").exists()
