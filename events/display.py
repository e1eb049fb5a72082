"""Words for an action's time and turnout, shared by pages and calendar feeds."""

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from events.models import Action, DatePrecision, Shift, ShiftRole, TurnoutQualifier
from networks.models import Role


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
    n = action.turnout_count
    count = number_format(n, force_grouping=True)
    templates = {
        TurnoutQualifier.EXACT: ngettext("%(count)s person", "%(count)s people", n),
        TurnoutQualifier.ABOUT: ngettext(
            "about %(count)s person", "about %(count)s people", n
        ),
        TurnoutQualifier.OVER: ngettext(
            "over %(count)s person", "over %(count)s people", n
        ),
        TurnoutQualifier.NEARLY: ngettext(
            "nearly %(count)s person", "nearly %(count)s people", n
        ),
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


# The audit log stores codes and ISO times; these turn them into words.

MEMBERSHIP_VERBS = {"added member", "changed role", "removed member", "invited"}
FIELD_NAMES = {
    "reason": _lazy("reason"),
    "note": _lazy("note"),
    "from": _lazy("copied from"),
    "subject": _lazy("subject"),
    "campaign": _lazy("day of action"),
    "places": _lazy("places"),
}


def _field_name(name: str) -> str:
    if name in FIELD_NAMES:
        return str(FIELD_NAMES[name])
    for model in (Action, Shift):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name.replace("_", " ")


def _choices(verb: str, name: str) -> dict:
    if name == "role":
        return dict(Role.choices if verb in MEMBERSHIP_VERBS else ShiftRole.choices)
    field = {"status": "status", "kind": "kind", "date_precision": "date_precision"}
    if name in field:
        return dict(Action._meta.get_field(field[name]).choices)
    return {}


def _value(value, choices: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and value in choices:
        return str(choices[value])
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None and moment.tzinfo is not None:
            return date_format(moment.astimezone(dt.UTC), "DATETIME_FORMAT") + " UTC"
        day = parse_date(value)
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(_value(item, choices) for item in value)
    return str(value)


def audit_changes(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) of an audit entry, in words of the reader's
    language. Older entries wrote a bare value where a pair belongs."""
    rows = []
    for name, change in (entry.changes or {}).items():
        old, new = (
            change if isinstance(change, list) and len(change) == 2 else (None, change)
        )
        choices = _choices(entry.verb, name)
        rows.append((_field_name(name), _value(old, choices), _value(new, choices)))
    return rows
