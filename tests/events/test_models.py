import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from events.models import Action, DatePrecision, TurnoutQualifier
from tests.factories import ActionFactory

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
