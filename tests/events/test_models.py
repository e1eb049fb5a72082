import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events import feeds
from events.models import (
    Action,
    ActionStatus,
    BookkeepingSkipped,
    Campaign,
    DatePrecision,
    Shift,
    TurnoutQualifier,
)
from networks.geocoding import GeocodeStatus
from tests.factories import ActionFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_it_takes_the_local_date_from_the_start_time_in_the_actions_zone():
    # 03:00 UTC on Feb 8 is 7pm on Feb 7 in Los Angeles.
    action = ActionFactory(
        date_precision=DatePrecision.DATETIME,
        starts_at=dt.datetime(2026, 2, 8, 3, 0, tzinfo=dt.UTC),
        timezone="America/Los_Angeles",
    )

    action.refresh_from_db()

    assert action.start_date == dt.date(2026, 2, 7)
    assert action.local_starts_at.hour == 19


def test_it_keeps_the_local_date_in_step_when_saving_only_the_start():
    action = ActionFactory(
        date_precision=DatePrecision.DATETIME,
        starts_at=dt.datetime(2026, 2, 7, 18, 0, tzinfo=dt.UTC),
        timezone="America/Chicago",
    )
    action.starts_at = dt.datetime(2026, 3, 28, 18, 0, tzinfo=dt.UTC)

    action.save(update_fields=["starts_at"])
    action.refresh_from_db()

    assert action.start_date == dt.date(2026, 3, 28)


@pytest.mark.parametrize(
    "fields",
    [
        {  # ends before it starts
            "date_precision": DatePrecision.DATETIME,
            "starts_at": dt.datetime(2026, 2, 7, 18, tzinfo=dt.UTC),
            "ends_at": dt.datetime(2026, 2, 7, 17, tzinfo=dt.UTC),
        },
        {  # a time with no zone
            "date_precision": DatePrecision.DATETIME,
            "starts_at": dt.datetime(2026, 2, 7, 18, tzinfo=dt.UTC),
            "timezone": "",
        },
        {  # a date-only action with a time
            "date_precision": DatePrecision.DATE,
            "starts_at": dt.datetime(2026, 2, 7, 18, tzinfo=dt.UTC),
        },
        {  # an undated action with a date
            "date_precision": DatePrecision.UNKNOWN,
            "start_date": dt.date(2026, 2, 7),
        },
        {"turnout_qualifier": TurnoutQualifier.OVER, "turnout_count": None},
        {"turnout_qualifier": TurnoutQualifier.HUNDREDS, "turnout_count": 300},
        {"latitude": 91},
    ],
)
def test_the_database_refuses_an_inconsistent_action(fields):
    with pytest.raises(IntegrityError):
        ActionFactory(**fields)


def test_it_refuses_a_time_zone_that_is_not_iana():
    action = Action(timezone="Central Time")

    with pytest.raises(ValidationError) as error:
        action.clean_fields(
            exclude=[f.name for f in Action._meta.fields if f.name != "timezone"]
        )

    assert "is not an IANA time zone" in str(error.value)


# update() skips save(): the fields calendars follow are refused, not skipped.


def test_an_update_of_what_moves_the_sequence_is_refused_and_changes_nothing():
    action = ActionFactory(city="Tacoma", title="Rally at the detention center")
    later = ActionFactory(start_date=dt.date(2026, 3, 1))

    with pytest.raises(BookkeepingSkipped) as error:
        Action.objects.filter(pk=action.pk).update(
            city="Seattle", status=ActionStatus.CANCELLED, title="Moved"
        )

    assert str(error.value).startswith(
        "Action rows cannot be updated in bulk on city, status:"
    )
    action.refresh_from_db()
    assert (action.city, action.status, action.title, action.sequence) == (
        "Tacoma",
        ActionStatus.PUBLISHED,
        "Rally at the detention center",
        0,
    )
    with pytest.raises(BookkeepingSkipped, match="on sequence:"):
        Action.objects.update(sequence=0)
    with pytest.raises(BookkeepingSkipped, match="on start_date:"):
        later.start_date = dt.date(2026, 3, 2)
        Action.objects.bulk_update([later], ["start_date"])
    with pytest.raises(BookkeepingSkipped, match="on date:"):
        Campaign.objects.update(date=dt.date(2026, 2, 7))


def test_the_same_change_through_save_moves_sequence_and_feeds():
    action = ActionFactory(city="Tacoma")
    before = feeds.current_generation()

    action.city = "Seattle"
    action.save()

    action.refresh_from_db()
    assert (action.city, action.sequence) == ("Seattle", 1)
    assert feeds.current_generation() != before


def test_an_update_of_a_field_calendars_do_not_follow_is_unaffected():
    action = ActionFactory(geocode_status=GeocodeStatus.NOT_CHECKED)
    action.refresh_from_db()
    updated_at = action.updated_at

    count = Action.objects.filter(pk=action.pk).update(
        geocode_status=GeocodeStatus.EXACT
    )

    action.refresh_from_db()
    assert count == 1
    assert (action.geocode_status, action.sequence, action.updated_at) == (
        GeocodeStatus.EXACT,
        0,
        updated_at,
    )


def test_a_shift_is_not_moved_or_given_to_another_action_by_update():
    shift = ShiftFactory()
    other = ActionFactory()

    with pytest.raises(
        BookkeepingSkipped, match="Shift rows .* on ends_at, starts_at:"
    ):
        Shift.objects.filter(pk=shift.pk).update(
            starts_at=shift.starts_at, ends_at=shift.ends_at
        )
    with pytest.raises(BookkeepingSkipped, match="on action:"):
        shift.action.shifts.update(action=other)
    with pytest.raises(BookkeepingSkipped, match="on action_id:"):
        Shift.objects.update(action_id=other.pk)

    assert Shift.objects.filter(pk=shift.pk).update(places=3) == 1
    assert Shift.objects.get(pk=shift.pk).action_id == shift.action_id
