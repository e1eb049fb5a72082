"""Words for an action's time and turnout, shared by pages and calendar feeds."""

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from events.models import Action, DatePrecision, TurnoutQualifier


def action_when(action: Action) -> str:
    """When, in the action's own time zone, with the zone named."""
    if action.date_precision == DatePrecision.UNKNOWN:
        return _("Date not known")
    day = date_format(action.start_date, "DATE_FORMAT")
    weekday = date_format(action.start_date, "l")
    if action.date_precision == DatePrecision.DATE:
        return _("%(weekday)s, %(day)s · time to be announced") % {
            "weekday": weekday,
            "day": day,
        }
    start = action.local_starts_at
    times = date_format(start, "TIME_FORMAT")
    if action.local_ends_at:
        times += " – " + date_format(action.local_ends_at, "TIME_FORMAT")
    return _("%(weekday)s, %(day)s, %(times)s (%(zone)s, %(abbreviation)s)") % {
        "weekday": weekday,
        "day": day,
        "times": times,
        "zone": action.timezone,
        "abbreviation": start.tzname(),
    }


def turnout(action: Action) -> str:
    qualifier = action.turnout_qualifier
    if qualifier == TurnoutQualifier.UNKNOWN:
        return _("Not reported")
    if action.turnout_count is None:
        return str(TurnoutQualifier(qualifier).label)
    count = number_format(action.turnout_count, force_grouping=True)
    templates = {
        TurnoutQualifier.EXACT: _("%(count)s people"),
        TurnoutQualifier.ABOUT: _("about %(count)s people"),
        TurnoutQualifier.OVER: _("over %(count)s people"),
        TurnoutQualifier.NEARLY: _("nearly %(count)s people"),
    }
    return templates[qualifier] % {"count": count}


def shift_when(shift) -> str:
    """A shift's span in its action's own time zone, with the zone named."""
    zone = shift.action.zone
    starts = shift.starts_at.astimezone(zone)
    ends = shift.ends_at.astimezone(zone)
    end_format = "TIME_FORMAT" if ends.date() == starts.date() else "DATETIME_FORMAT"
    return _("%(weekday)s, %(start)s – %(end)s (%(zone)s, %(abbreviation)s)") % {
        "weekday": date_format(starts, "l"),
        "start": date_format(starts, "DATETIME_FORMAT"),
        "end": date_format(ends, end_format),
        "zone": shift.action.timezone or "UTC",
        "abbreviation": starts.tzname(),
    }
