"""Calendar feeds over HTTP: which rows a feed holds, and one response class.

A feed is described by a `Feed`: its name, the actions and days of action it
holds (querysets, not yet evaluated) and whether it is private. Serving it
costs a fixed number of queries whatever its size:

1. one query per queryset for a *version* (row count and newest change time,
   plus the newest organization and source change, whose names appear in
   event descriptions). The version, the feed's URL, the language and today's
   date (broad feeds move their window daily) make the ETag;
2. a client that already holds that version gets 304 Not Modified;
3. otherwise the built calendar is taken from the cache under the ETag, or
   built (a fixed number of queries: rows, organizers, sources) and cached.

Size: a campaign or organization feed carries all of its rows. Broad feeds
(everything, a place, a kind, a list filter) carry every upcoming action and
the past ones of the last `PAST_DAYS` days, at most `MAX_EVENTS` events in all,
dropping the oldest past ones first; at about 1 KB per event that stays under
the roughly 1 MB that large clients accept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.text import slugify

from events.calendar import FORMAT_VERSION, FeedInfo, build_calendar
from events.models import Action, Campaign
from events.selectors import earliest_current_date
from networks.models import Organization, SourceDocument

PAST_DAYS = 400
MAX_EVENTS = 1000
CACHE_SECONDS = 6 * 3600
CLIENT_MAX_AGE = 900


@dataclass
class Feed:
    name: str
    actions: QuerySet[Action]
    campaigns: QuerySet[Campaign] = field(default_factory=Campaign.objects.none)
    private: bool = False
    # Broad feeds hold a window of dates and a cap; narrow ones hold everything.
    windowed: bool = True

    def filename(self) -> str:
        return (slugify(self.name) or "calendar")[:80] + ".ics"


def feed_rows(feed: Feed, today: dt.date) -> tuple[list[Action], list[Campaign]]:
    """The rows of a feed, with what their events show loaded in fixed queries."""
    organizers = Organization.objects.only("name").order_by("name")
    sources = SourceDocument.objects.only("title").order_by("key")
    actions = (
        feed.actions.exclude(start_date=None)
        .select_related("campaign")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("organizers", queryset=organizers),
            Prefetch("sources", queryset=sources),
        )
    )
    campaigns = (
        feed.campaigns.exclude(date=None)
        .prefetch_related(None)
        .prefetch_related(Prefetch("organizers", queryset=organizers))
    )
    if not feed.windowed:
        return list(actions.order_by("start_date", "pk")), list(campaigns)
    since = today - dt.timedelta(days=PAST_DAYS)
    campaigns = list(campaigns.filter(date__gte=since).order_by("date", "pk"))
    room = max(MAX_EVENTS - len(campaigns), 0)
    upcoming = list(
        actions.filter(start_date__gte=today).order_by("start_date", "pk")[:room]
    )
    past = list(
        actions.filter(start_date__gte=since, start_date__lt=today).order_by(
            "-start_date", "-pk"
        )[: room - len(upcoming)]
    )
    return [*reversed(past), *upcoming], campaigns


def feed_version(feed: Feed, today: dt.date) -> tuple[str, dt.datetime | None]:
    """A string that changes whenever anything the feed shows may have changed,
    and the newest change time among its rows (an upper bound for a window)."""
    parts: list[object] = [today if feed.windowed else ""]
    times = []
    for queryset in (feed.actions, feed.campaigns):
        summary = queryset.order_by().aggregate(n=Count("pk"), t=Max("updated_at"))
        parts += [summary["n"], summary["t"]]
        times.append(summary["t"])
    parts.append(Organization.objects.aggregate(t=Max("updated_at"))["t"])
    return "|".join(map(str, parts)), max(filter(None, times), default=None)


class CalendarResponse(HttpResponse):
    """An iCalendar feed with validators, caching and conditional GET/HEAD."""

    def __init__(self, content=b"", **kwargs):
        kwargs.setdefault("content_type", "text/calendar; charset=utf-8")
        super().__init__(content, **kwargs)

    @classmethod
    def for_feed(cls, request, feed: Feed) -> HttpResponse:
        today = earliest_current_date()
        version, changed = feed_version(feed, today)
        key = "|".join(
            [
                str(FORMAT_VERSION),
                request.path,
                request.GET.urlencode(),
                translation.get_language(),
                version,
            ]
        )
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        last_modified = int(
            (changed or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).timestamp()
        )
        if cls.not_modified(request, etag, last_modified):
            response = HttpResponseNotModified()
        else:
            body = cls.body(feed, etag, today)
            response = cls(b"" if request.method == "HEAD" else body)
            response["Content-Length"] = str(len(body))
            response["Content-Disposition"] = f'inline; filename="{feed.filename()}"'
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        scope = "private" if feed.private else "public"
        response["Cache-Control"] = f"{scope}, max-age={CLIENT_MAX_AGE}"
        response["Vary"] = "Cookie"
        if feed.private:
            response["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def body(feed: Feed, etag: str, today: dt.date) -> bytes:
        """The built calendar for this version: from the cache, or built now."""
        cache_key = "calendar:" + etag.strip('"')
        body = cache.get(cache_key)
        if body is None:
            actions, campaigns = feed_rows(feed, today)
            info = FeedInfo(
                name=feed.name,
                site_url=settings.SITE_URL,
                uid_domain=settings.CALENDAR_UID_DOMAIN,
            )
            body = build_calendar(info, actions, campaigns)
            cache.set(cache_key, body, CACHE_SECONDS)
        return body

    @staticmethod
    def not_modified(request, etag: str, last_modified: int) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = parse_etags(if_none_match)
            return "*" in tags or etag in tags or f"W/{etag}" in tags
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and last_modified <= since
