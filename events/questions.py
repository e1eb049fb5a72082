"""Open questions about a record, stored as small dicts and described in words.

A record keeps `{"code": ..., **params}` so that the sentence shown to a reader
is translated at display time, in the reader's language.
"""

import datetime as dt

from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

WEEKDAY_KEYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]


def weekday_name(key: str) -> str:
    """The weekday in the reader's language, from Django's own catalogue."""
    return str(WEEKDAYS[WEEKDAY_KEYS.index(key)]) if key in WEEKDAY_KEYS else key


def describe(question: dict) -> str:
    code = question.get("code")
    describer = DESCRIBERS.get(code)
    return describer(question) if describer else str(question.get("text", ""))


def _note(question: dict) -> str:
    return str(question.get("text", ""))


def _weekday_mismatch(question: dict) -> str:
    day = dt.date.fromisoformat(question["date"])
    return _(
        "The source calls this day a %(stated)s, but %(date)s was a %(actual)s. "
        "The date is shown as printed; the day may be wrong."
    ) % {
        "stated": weekday_name(question["stated"]),
        "date": date_format(day, "DATE_FORMAT"),
        "actual": weekday_name(WEEKDAY_KEYS[day.weekday()]),
    }


def _date_missing(question: dict) -> str:
    return _("The source gives no date for this action.")


def _place_ambiguous(question: dict) -> str:
    return _(
        "The place name fits more than one place (%(candidates)s); "
        "no location is shown until it is confirmed."
    ) % {"candidates": "; ".join(question.get("candidates", []))}


def _place_unknown(question: dict) -> str:
    return _("The place is not in the gazetteer; no map location is shown.")


def _region_inferred(question: dict) -> str:
    return _(
        "The source names the city without its state; the state shown "
        "(%(region)s) was filled in by the editors."
    ) % {"region": question.get("region", "")}


def _timezone_unknown(question: dict) -> str:
    return _("The time zone of this place is not known.")


DESCRIBERS = {
    "note": _note,
    "weekday_mismatch": _weekday_mismatch,
    "date_missing": _date_missing,
    "place_ambiguous": _place_ambiguous,
    "place_unknown": _place_unknown,
    "region_inferred": _region_inferred,
    "timezone_unknown": _timezone_unknown,
}
