"""Calendar feeds over HTTP: which rows a feed holds, and one response class.

A feed is described by a `Feed`: its name, the actions and days of action it
holds (querysets, not yet evaluated) and whether it is private.

Validators without touching the rows. Every write to a row that any feed
shows (actions, days of action, organizations, sources, and their links)
replaces a *generation* token in the cache, at once and again when the
transaction commits (so that a feed built from data about to change is never
kept under the new token). A feed's ETag is a hash of the token, its URL, the
language, today's date (broad feeds move their window daily) and the format
version. So:

1. a client that holds the current version gets 304 after one cache read;
2. otherwise the body is read from the cache under the ETag, stored gzipped,
   and sent gzipped to clients that accept it (all the big calendar clients);
3. otherwise it is built in a fixed number of queries and stored.

Writes that send no signals (QuerySet.update, bulk_create, raw SQL) must call
`invalidate()`; as a safety net the token also expires after
`GENERATION_SECONDS`, so no feed is staler than that. An `update()` of the
fields that move an event's SEQUENCE is refused outright
(events.models.CalendarQuerySet): those changes go through `save()`.

The price of one token for everything: any write gives every feed a new ETag,
and clients download again a feed that may not have changed. Writes are rare
next to reads.

Size: a campaign feed carries all of its actions. Broad feeds (everything, an
organization, a place, a kind, a list filter) carry every upcoming action and
the past ones of the last `PAST_DAYS` days, at most `MAX_EVENTS` events in
all, dropping the oldest past ones first: at about 0.7 KB per event, under
the roughly 1 MB that large clients accept.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.text import slugify

from events.calendar import FORMAT_VERSION, FeedInfo, Related, build_calendar
from events.models import Action, Campaign, CampaignReview, Signup
from events.selectors import earliest_current_date

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
    # A person's own shifts (their private feed).
    signups: QuerySet[Signup] = field(default_factory=Signup.objects.none)

    def filename(self) -> str:
        return (slugify(self.name) or "calendar")[:80] + ".ics"


ACTION_FIELDS = [
    "slug",
    "title",
    "kind",
    "status",
    "campaign_id",
    "campaign_review",
    "description",
    "demands",
    "date_precision",
    "date_basis",
    "start_date",
    "starts_at",
    "ends_at",
    "timezone",
    *Action.PLACE_FIELDS,
    "latitude",
    "longitude",
    "turnout_qualifier",
    "turnout_count",
    "open_questions",
    "sequence",
    "created_at",
    "updated_at",
]


def feed_rows(
    feed: Feed, today: dt.date
) -> tuple[list[Action], list[Campaign], Related]:
    """The rows of a feed and the names their events show, in fixed queries."""
    actions = (
        feed.actions.exclude(start_date=None)
        .select_related(None)
        .prefetch_related(None)
        .only(*ACTION_FIELDS)
    )
    campaigns = feed.campaigns.exclude(date=None).prefetch_related(None)
    if feed.windowed:
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
        rows = [*reversed(past), *upcoming]
        action_ids: object = [row.pk for row in rows]
    else:
        rows = list(actions.order_by("start_date", "pk"))
        campaigns = list(campaigns.order_by("date", "pk"))
        # A subquery rather than a list: a campaign may hold more rows than
        # a database accepts parameters.
        action_ids = actions.values("pk")
    related = Related(
        organizers=names_by(
            Action.organizers.through.objects.filter(action_id__in=action_ids),
            "action_id",
            "organization__name",
        ),
        sources=names_by(
            Action.sources.through.objects.filter(action_id__in=action_ids),
            "action_id",
            "sourcedocument__title",
        ),
        campaign_organizers=names_by(
            Campaign.organizers.through.objects.filter(
                campaign_id__in=[c.pk for c in campaigns]
            ),
            "campaign_id",
            "organization__name",
        ),
        campaign_names=dict(
            Campaign.objects.filter(
                pk__in={
                    r.campaign_id
                    for r in rows
                    if r.campaign_id and r.campaign_review == CampaignReview.APPROVED
                }
            ).values_list("pk", "name")
        ),
    )
    return rows, campaigns, related


def names_by(through: QuerySet, key: str, name: str) -> dict[int, list[str]]:
    """{row id: [names in alphabetical order]} from a many-to-many table."""
    names: dict[int, list[str]] = {}
    for row_id, value in through.order_by(name).values_list(key, name):
        names.setdefault(row_id, []).append(value)
    return names


GENERATION_KEY = "calendar:generation"
GENERATION_SECONDS = 3600


def invalidate() -> None:
    """Give every feed a new version: now, and again when the transaction commits."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, (uuid.uuid4().hex, int(time.time())), GENERATION_SECONDS)


def current_generation() -> tuple[str, int]:
    """(token, time of the last write), made afresh when the cache has none."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(
            GENERATION_KEY, (uuid.uuid4().hex, int(time.time())), GENERATION_SECONDS
        )
        generation = cache.get(GENERATION_KEY)
    return generation


def version(request, *, windowed: bool) -> tuple[str, int, dt.date]:
    """(tag, time of the last write, today) of the feed at this address."""
    today = earliest_current_date()
    token, changed_at = current_generation()
    key = "|".join(
        [
            str(FORMAT_VERSION),
            token,
            today.isoformat() if windowed else "",
            request.path,
            request.GET.urlencode(),
            translation.get_language(),
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32], changed_at, today


def validated(request, response, tag: str, changed_at: int, *, private: bool):
    """The response with its validators and caching headers."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response["ETag"] = f'"{tag}-gzip"' if gzipped else f'"{tag}"'
    response["Last-Modified"] = http_date(changed_at)
    scope = "private" if private else "public"
    response["Cache-Control"] = f"{scope}, max-age={CLIENT_MAX_AGE}"
    response["Vary"] = "Accept-Encoding, Cookie"
    if private:
        response["X-Robots-Tag"] = "noindex"
    return response


def public_feed(*, windowed: bool):
    """A public feed view that answers a client holding the current version
    with 304 before it looks up any row: one cache read, no query.

    Safe because the tag moves with every write, a deletion included, so a
    held tag of an address whose rows are gone no longer matches. Private
    feeds do not use this: their token must be checked (it may be revoked).
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            tag, changed_at, _today = version(request, windowed=windowed)
            if CalendarResponse.not_modified(request, tag, changed_at):
                response = HttpResponseNotModified()
                return validated(request, response, tag, changed_at, private=False)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class CalendarResponse(HttpResponse):
    """An iCalendar feed with validators, caching and conditional GET/HEAD."""

    def __init__(self, content=b"", **kwargs):
        kwargs.setdefault("content_type", "text/calendar; charset=utf-8")
        super().__init__(content, **kwargs)

    @classmethod
    def for_feed(cls, request, feed: Feed) -> HttpResponse:
        tag, changed_at, today = version(request, windowed=feed.windowed)
        gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
        if cls.not_modified(request, tag, changed_at):
            response = HttpResponseNotModified()
        else:
            body = cls.body(feed, tag, today)
            if not gzipped:
                body = gzip.decompress(body)
            response = cls(b"" if request.method == "HEAD" else body)
            response["Content-Length"] = str(len(body))
            response["Content-Disposition"] = f'inline; filename="{feed.filename()}"'
            if gzipped:
                response["Content-Encoding"] = "gzip"
        return validated(request, response, tag, changed_at, private=feed.private)

    @staticmethod
    def body(feed: Feed, tag: str, today: dt.date) -> bytes:
        """The gzipped calendar for this version: from the cache, or built now."""
        cache_key = "calendar:body:" + tag
        # This process's copy first (the tag names the version, so a copy is
        # never stale): the shared file cache's read cost 5x a trivial view.
        body = caches["fragments"].get(cache_key)
        if body is not None:
            return body
        body = cache.get(cache_key)
        if body is None:
            actions, campaigns, related = feed_rows(feed, today)
            signups = list(
                feed.signups.select_related("shift__action").order_by(
                    "shift__starts_at", "pk"
                )
            )
            info = FeedInfo(
                name=feed.name,
                site_url=settings.SITE_URL,
                uid_domain=settings.CALENDAR_UID_DOMAIN,
            )
            calendar = build_calendar(
                info, actions, campaigns, related, signups, store=caches["fragments"]
            )
            body = gzip.compress(calendar, compresslevel=6, mtime=0)
            cache.set(cache_key, body, CACHE_SECONDS)
        caches["fragments"].set(cache_key, body, CACHE_SECONDS)
        return body

    @staticmethod
    def not_modified(request, tag: str, changed_at: int) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.removeprefix("W/") for t in parse_etags(if_none_match)}
            return bool({"*", f'"{tag}"', f'"{tag}-gzip"'} & tags)
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and changed_at <= since
