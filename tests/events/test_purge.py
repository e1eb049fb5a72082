"""Personal data is deleted on schedule once it is no longer needed."""

import datetime as dt

import pytest
from django.utils import timezone

from config.celery import app
from events.models import GuestSignupRequest, Signup
from events.services import purge_personal_data
from events.tasks import purge_personal_data as purge_task
from networks.models import Invitation
from networks.organizations.services import create_organization
from tests.factories import ShiftFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def guest(shift, email):
    return Signup.objects.create(
        shift=shift,
        guest_name="Rosa",
        guest_email=email,
        status="confirmed",
        confirmed_at=NOW,
        manage_token=email,
    )


def test_it_deletes_what_is_past_its_use_and_keeps_the_rest():
    ended_long_ago = ShiftFactory(
        starts_at=NOW - dt.timedelta(days=40),
        ends_at=NOW - dt.timedelta(days=40, hours=-2),
    )
    ended_lately = ShiftFactory(
        starts_at=NOW - dt.timedelta(days=3),
        ends_at=NOW - dt.timedelta(days=3, hours=-2),
    )
    old_guest = guest(ended_long_ago, "old@example.org")
    recent_guest = guest(ended_lately, "recent@example.org")
    member = Signup.objects.create(
        shift=ended_long_ago,
        volunteer=UserFactory(),
        status="confirmed",
        confirmed_at=NOW,
    )
    stale = GuestSignupRequest.objects.create(
        shift=ended_lately, name="A", email="a@example.org", token="stale"
    )
    GuestSignupRequest.objects.filter(pk=stale.pk).update(
        created_at=NOW - dt.timedelta(hours=49)
    )
    fresh = GuestSignupRequest.objects.create(
        shift=ended_lately, name="B", email="b@example.org", token="fresh"
    )
    org = create_organization(user=member.volunteer, name="Org", kind="network")
    used = Invitation.objects.create(
        organization=org,
        email="u@example.org",
        role="member",
        token="u",
        expires_at=NOW,
        accepted_at=NOW - dt.timedelta(days=31),
    )
    pending = Invitation.objects.create(
        organization=org,
        email="p@example.org",
        role="member",
        token="p",
        expires_at=NOW + dt.timedelta(days=10),
    )

    purged = purge_personal_data(now=NOW)

    assert purged == {"guest requests": 1, "guest signups": 1, "invitations": 1}
    assert not Signup.objects.filter(pk=old_guest.pk).exists()
    assert Signup.objects.filter(pk__in=[recent_guest.pk, member.pk]).count() == 2
    assert list(GuestSignupRequest.objects.all()) == [fresh]
    assert list(Invitation.objects.all()) == [pending]
    assert not Invitation.objects.filter(pk=used.pk).exists()


def test_beat_runs_the_purge_every_hour():
    entry = app.conf.beat_schedule["purge-personal-data"]

    assert entry["task"] == purge_task.name
    assert entry["schedule"] == 3600.0
