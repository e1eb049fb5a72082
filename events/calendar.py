"""iCalendar (RFC 5545) for actions and days of action: pure functions.

Nothing here reads the database: callers pass rows with their organizers and
sources already loaded (see `events.feeds`). The icalendar library does the
escaping, line folding (75 octets), CRLF and VTIMEZONE generation.

What calendar clients need, and where it is done:
- UID never changes: it is built from the row's primary key and a domain set
  once per deployment (CALENDAR_UID_DOMAIN), not from the slug or the URL.
- DTSTAMP and LAST-MODIFIED are the row's own change time, so an unchanged
  feed is byte-for-byte the same and clients and caches can keep it.
- SEQUENCE is the row's `sequence`, raised on every change of time, place or
  status (events.models.Sequenced).
- A date with no time is an all-day event (VALUE=DATE, DTEND the next day);
  a time carries the TZID of the place, and the calendar carries a VTIMEZONE
  for every TZID it uses, covering only the years of its events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import icalendar
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Timezone, vDuration, vGeo

from events.display import turnout
from events.models import (
    Action,
    ActionKind,
    ActionStatus,
    Campaign,
    DateBasis,
    DatePrecision,
    Signup,
    SignupStatus,
    TurnoutQualifier,
)

PRODID = "-//Organizer//Actions and days of action//EN"
# Part of every feed's ETag and cache key: raise it whenever what these
# functions emit changes, so that caches and clients fetch the new form.
FORMAT_VERSION = 3
REFRESH = dt.timedelta(hours=1)
DEFAULT_DURATION = dt.timedelta(hours=2)


# Text may come from anyone (a feed's name is built from its query, titles
# from organizers' forms). RFC 5545 text holds no control characters but tab,
# and icalendar refuses a line break in a one-line property: so one-line
# properties get spaces for them, and descriptions keep only their line breaks.
CONTROLS = dict.fromkeys([*range(9), *range(10, 32), 127], " ")
MULTILINE = {"DESCRIPTION", "X-WR-CALDESC"}
ONE_LINE = {"SUMMARY", "LOCATION", "X-WR-CALNAME", "CATEGORIES"}


def clean_text(name: str, value):
    if isinstance(value, list):
        return [clean_text(name, item) for item in value]
    if not isinstance(value, str):
        return value
    lines = value.replace("\r\n", "\n").split("\n")
    if name.upper() in MULTILINE:
        return "\n".join(line.translate(CONTROLS) for line in lines)
    if name.upper() in ONE_LINE:
        return " ".join(lines).translate(CONTROLS)
    return value


class Event(icalendar.Event):
    def add(self, name, value, *args, **kwargs):
        super().add(name, clean_text(name, value), *args, **kwargs)


class Calendar(icalendar.Calendar):
    def add(self, name, value, *args, **kwargs):
        super().add(name, clean_text(name, value), *args, **kwargs)


@dataclass(frozen=True)
class FeedInfo:
    name: str
    site_url: str
    uid_domain: str
    description: str = ""


def action_uid(action: Action, domain: str) -> str:
    return f"action-{action.pk}@{domain}"


def campaign_uid(campaign: Campaign, domain: str) -> str:
    return f"campaign-{campaign.pk}@{domain}"


def action_status(action: Action) -> str:
    if action.status == ActionStatus.CANCELLED:
        return "CANCELLED"
    if (
        action.date_precision == DatePrecision.DATETIME
        and action.date_basis == DateBasis.STATED
    ):
        return "CONFIRMED"
    # No time yet, or a date worked out rather than printed.
    return "TENTATIVE"


def action_location(action: Action) -> str:
    place = ", ".join(p for p in (action.city, action.region) if p)
    parts = [action.venue, action.address, place]
    if action.country and action.country != "US":
        parts.append(action.country)
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Labels:
    """Translated words of descriptions, looked up once per calendar."""

    called_by: str
    part_of: str
    demands: str
    turnout: str
    source: str
    time_to_be_announced: str
    open_questions: str
    inferred_date: str
    day_of_action: str
    waitlisted: str
    cancelled: str
    bring: str
    training: str

    @classmethod
    def current(cls) -> Labels:
        return cls(
            called_by=_("Called by: %(names)s"),
            part_of=_("Part of: %(name)s"),
            demands=_("Demands:"),
            turnout=_("Reported turnout: %(turnout)s"),
            source=_("Source: %(titles)s"),
            time_to_be_announced=_("Time to be announced."),
            open_questions=_("This record has open questions; see the page."),
            inferred_date=_(
                "The date is worked out from the source, not printed in it."
            ),
            day_of_action=_("Day of action: %(name)s"),
            waitlisted=_("You are on the waitlist for this shift."),
            cancelled=_("Cancelled: %(reason)s"),
            bring=_("What to bring: %(what)s"),
            training=_("Training needed: %(what)s"),
        )


@dataclass(frozen=True)
class Related:
    """Names that descriptions show, looked up in bulk by the caller.

    Keys are primary keys of actions (organizers, sources) and of campaigns
    (campaign_organizers); a missing key means none.
    """

    organizers: Mapping[int, Sequence[str]] = field(default_factory=dict)
    sources: Mapping[int, Sequence[str]] = field(default_factory=dict)
    campaign_organizers: Mapping[int, Sequence[str]] = field(default_factory=dict)
    campaign_names: Mapping[int, str] = field(default_factory=dict)


def action_description(
    action: Action, url: str, labels: Labels, related: Related
) -> str:
    lines = []
    if action.description:
        lines += [action.description, ""]
    organizers = related.organizers.get(action.pk)
    if organizers:
        lines.append(labels.called_by % {"names": ", ".join(organizers)})
    if action.campaign_id in related.campaign_names:
        name = related.campaign_names[action.campaign_id]
        lines.append(labels.part_of % {"name": name})
    if action.demands:
        lines.append(labels.demands)
        lines += [f"- {demand}" for demand in action.demands]
    if action.turnout_qualifier != TurnoutQualifier.UNKNOWN:
        lines.append(labels.turnout % {"turnout": turnout(action)})
    sources = related.sources.get(action.pk)
    if sources:
        lines.append(labels.source % {"titles": "; ".join(sources)})
    if action.date_precision == DatePrecision.DATE:
        lines.append(labels.time_to_be_announced)
    if action.open_questions:
        lines.append(labels.open_questions)
    lines += ["", url]
    return "\n".join(lines).strip()


def action_event(
    action: Action,
    info: FeedInfo,
    *,
    url: str,
    labels: Labels,
    related: Related,
    kinds: Mapping[str, str],
) -> Event | None:
    """One VEVENT, or None for an action with no date (it cannot be shown)."""
    if action.start_date is None:
        return None
    event = Event()
    event.add("uid", action_uid(action, info.uid_domain))
    event.add("dtstamp", action.updated_at)
    event.add("last-modified", action.updated_at)
    event.add("created", action.created_at)
    event.add("sequence", action.sequence)
    event.add("summary", action.title)
    event.add("status", action_status(action))
    if action.date_precision == DatePrecision.DATETIME:
        starts = action.local_starts_at
        ends = action.local_ends_at or starts + DEFAULT_DURATION
        event.add("dtstart", starts)
        event.add("dtend", ends)
    else:
        event.add("dtstart", action.start_date)
        event.add("dtend", action.start_date + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    location = action_location(action)
    if location:
        event.add("location", location)
    if action.latitude is not None and action.longitude is not None:
        event.add("geo", vGeo((float(action.latitude), float(action.longitude))))
    event.add("description", action_description(action, url, labels, related))
    event.add("url", url)
    event.add("categories", [kinds.get(action.kind, action.kind)])
    return event


def campaign_event(
    campaign: Campaign,
    info: FeedInfo,
    *,
    url: str,
    labels: Labels,
    related: Related,
) -> Event | None:
    """A day of action as an all-day event, or None when its date is unknown."""
    if campaign.date is None:
        return None
    lines = [campaign.description, ""] if campaign.description else []
    organizers = related.campaign_organizers.get(campaign.pk)
    if organizers:
        lines.append(labels.called_by % {"names": ", ".join(organizers)})
    if campaign.demands:
        lines.append(labels.demands)
        lines += [f"- {demand}" for demand in campaign.demands]
    if campaign.date_basis == DateBasis.INFERRED:
        lines.append(labels.inferred_date)
    lines += ["", url]
    event = Event()
    event.add("uid", campaign_uid(campaign, info.uid_domain))
    event.add("dtstamp", campaign.updated_at)
    event.add("last-modified", campaign.updated_at)
    event.add("created", campaign.created_at)
    event.add("sequence", campaign.sequence)
    event.add("summary", labels.day_of_action % {"name": campaign.name})
    event.add(
        "status",
        "CONFIRMED" if campaign.date_basis == DateBasis.STATED else "TENTATIVE",
    )
    event.add("dtstart", campaign.date)
    event.add("dtend", campaign.date + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("description", "\n".join(lines).strip())
    event.add("url", url)
    return event


def signup_status(signup: Signup) -> str:
    if (
        signup.status == SignupStatus.CANCELLED
        or signup.shift.action.status == ActionStatus.CANCELLED
    ):
        return "CANCELLED"
    if signup.status == SignupStatus.WAITLISTED:
        return "TENTATIVE"
    return "CONFIRMED"


def signup_event(signup: Signup, info: FeedInfo, *, url: str, labels: Labels) -> Event:
    """One of a person's shifts, with its own times and role."""
    shift, action = signup.shift, signup.shift.action
    changed = max(
        filter(
            None,
            [
                shift.updated_at,
                action.updated_at,
                signup.queued_at,
                signup.confirmed_at,
                signup.cancelled_at,
            ],
        )
    )
    lines = []
    if signup.status == SignupStatus.WAITLISTED:
        lines.append(labels.waitlisted)
    if action.status == ActionStatus.CANCELLED and action.cancellation_reason:
        lines.append(labels.cancelled % {"reason": action.cancellation_reason})
    if shift.what_to_bring:
        lines.append(labels.bring % {"what": shift.what_to_bring})
    if shift.training:
        lines.append(labels.training % {"what": shift.training})
    lines += ["", url]
    event = Event()
    event.add("uid", f"signup-{signup.pk}@{info.uid_domain}")
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("sequence", action.sequence)
    event.add("summary", f"{shift.get_role_display()} · {action.title}")
    event.add("status", signup_status(signup))
    event.add("dtstart", shift.starts_at.astimezone(action.zone))
    event.add("dtend", shift.ends_at.astimezone(action.zone))
    location = action_location(action)
    if location:
        event.add("location", location)
    event.add("description", "\n".join(lines).strip())
    event.add("url", url)
    return event


def path_maker(view: str) -> Callable[[str], str]:
    """slug -> path for a detail view, reversing the URL pattern only once."""
    marker = "slug-placeholder"
    prefix, _sep, suffix = reverse(view, kwargs={"slug": marker}).partition(marker)
    return lambda slug: f"{prefix}{slug}{suffix}"


def build_calendar(
    info: FeedInfo,
    actions: Iterable[Action] = (),
    campaigns: Iterable[Campaign] = (),
    related: Related | None = None,
    signups: Iterable[Signup] = (),
    store=None,
) -> bytes:
    """The calendar's bytes. `store` (a Django cache) keeps each action's and
    day of action's event text under a key of everything it shows."""
    related = related or Related()
    labels = Labels.current()
    kinds = {value: str(label) for value, label in ActionKind.choices}
    action_path = path_maker("events:action-detail")
    campaign_path = path_maker("events:campaign-detail")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", info.name)
    if info.description:
        calendar.add("x-wr-caldesc", info.description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    dates: list[dt.date] = []
    texts: list[bytes] = []
    tzids: set[str] = set()
    pending: list[tuple[str, Callable[[], Event | None], dt.date]] = []
    for campaign in campaigns:
        url = info.site_url + campaign_path(campaign.slug)
        pending.append(
            (
                text_key(
                    info, url, campaign, related.campaign_organizers.get(campaign.pk)
                ),
                lambda c=campaign, u=url: campaign_event(
                    c, info, url=u, labels=labels, related=related
                ),
                campaign.date,
            )
        )
    for action in actions:
        url = info.site_url + action_path(action.slug)
        pending.append(
            (
                text_key(
                    info,
                    url,
                    action,
                    related.organizers.get(action.pk),
                    related.sources.get(action.pk),
                    related.campaign_names.get(action.campaign_id),
                ),
                lambda a=action, u=url: action_event(
                    a, info, url=u, labels=labels, related=related, kinds=kinds
                ),
                action.start_date,
            )
        )
    found = store.get_many([key for key, _build, _day in pending]) if store else {}
    fresh = {}
    for key, build, day in pending:
        if key not in found:
            event = build()
            found[key] = fresh[key] = (
                (event.to_ical(), tuple(sorted(used_tzids(event))))
                if event is not None
                else None
            )
        if found[key] is not None:
            text, zones = found[key]
            texts.append(text)
            tzids.update(zones)
            dates.append(day)
    if store and fresh:
        store.set_many(fresh, TEXT_SECONDS)
    for signup in signups:
        url = info.site_url + action_path(signup.shift.action.slug)
        event = signup_event(signup, info, url=url, labels=labels)
        texts.append(event.to_ical())
        tzids.update(used_tzids(event))
        dates.append(signup.shift.starts_at.date())
    if dates:
        # VTIMEZONE for every TZID used, with only the transitions of the
        # years the events cover: small, and enough for every client.
        first = dt.date(min(dates).year, 1, 1)
        last = dt.date(max(dates).year + 1, 1, 1)
        for tzid in sorted(tzids - {"UTC"}):
            try:
                calendar.add_component(
                    Timezone.from_tzid(tzid, first_date=first, last_date=last)
                )
            except ValueError:
                continue  # a zone icalendar does not know, as it would skip
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    return head.removesuffix(end) + b"".join(texts) + end


# Each event's text is kept while what it shows is unchanged, so a feed of a
# thousand events of which one changed costs one event's build (icalendar's
# serialisation is 94% of a cold build) and the joining of the rest.
TEXT_SECONDS = 24 * 3600


def text_key(info: FeedInfo, url: str, row, *names) -> str:
    """The cache key of a row's event: everything its text depends on, the
    row's loaded values themselves rather than its change time (a write by
    QuerySet.update() leaves that alone)."""
    values = [
        getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname in row.__dict__
    ]
    raw = repr(
        (FORMAT_VERSION, get_language(), info.uid_domain, url, type(row).__name__)
        + (tuple(values), names)
    )
    return "vevent:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def used_tzids(event: Event) -> set[str]:
    """The TZIDs an event's properties name (as Calendar.get_used_tzids)."""
    return {
        value.params.get("TZID")
        for _name, value in event.property_items(sorted=False)
        if hasattr(value, "params")
    } - {None}


def _calendar_times(action: Action) -> tuple[str, str, bool]:
    """Start and end as ISO strings in the place's zone, and whether all-day."""
    if action.date_precision == DatePrecision.DATETIME:
        starts = action.local_starts_at
        ends = action.local_ends_at or starts + DEFAULT_DURATION
        return starts.isoformat(), ends.isoformat(), False
    next_day = action.start_date + dt.timedelta(days=1)
    return action.start_date.isoformat(), next_day.isoformat(), True


def google_calendar_url(action: Action, site_url: str) -> str:
    """Google Calendar's "add event" page, in the action's own time zone."""
    if action.date_precision == DatePrecision.DATETIME:
        starts = action.local_starts_at
        ends = action.local_ends_at or starts + DEFAULT_DURATION
        dates = f"{starts:%Y%m%dT%H%M%S}/{ends:%Y%m%dT%H%M%S}"
    else:
        next_day = action.start_date + dt.timedelta(days=1)
        dates = f"{action.start_date:%Y%m%d}/{next_day:%Y%m%d}"
    params = {
        "action": "TEMPLATE",
        "text": action.title,
        "dates": dates,
        "details": site_url + action.get_absolute_url(),
        "location": action_location(action),
    }
    if action.timezone:
        params["ctz"] = action.timezone
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(action: Action, site_url: str) -> str:
    """Outlook on the web's "new event" page."""
    starts, ends, all_day = _calendar_times(action)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": action.title,
        "startdt": starts,
        "enddt": ends,
        "allday": "true" if all_day else "false",
        "body": site_url + action.get_absolute_url(),
        "location": action_location(action),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(params)
