"""A calendar feed of 10,000 actions: cold, cached and 304, against references.

    .venv/bin/python tests/bench/bench_feeds.py [--runs 5]

Builds a throwaway test database (SQLite, or PostgreSQL with DATABASE_URL;
the cache is Redis with REDIS_URL, files otherwise) holding one day of action
with 10,000 local actions (a quarter of them timed, in four zones), each with
an organizer and a source. It then measures, in the same run:

- cold: the feed's URL with an empty cache (versions, rows, build, cache store);
- reference: a straightforward build of the same feed, one icalendar Event per
  row with related objects loaded lazily, and VTIMEZONEs for icalendar's
  default range of years;
- rebuilt after one event changed: an action edited, the URL again (the
  other events' texts are kept, events.calendar.text_key);
- cached: the URL again with the body in the cache;
- 304: the URL with If-None-Match;
- trivial view: HttpResponse("ok"), the floor of any Django response here;
  cached, 304 and trivial are interleaved (A B C A B C...), >= 7 rounds.

It prints medians, the ratios the targets are stated in, and the feed's size
per event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import harness  # noqa: E402 - this folder is on the path

harness.setup_django()

from django.conf import settings  # noqa: E402
from django.core.cache import cache, caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from icalendar import Calendar, Event  # noqa: E402

from events import feeds  # noqa: E402
from events.models import Action, Campaign, DatePrecision  # noqa: E402
from networks.models import Organization, SourceDocument  # noqa: E402

ZONES = [
    ("Chicago", "IL", "America/Chicago"),
    ("Tacoma", "WA", "America/Los_Angeles"),
    ("Orlando", "FL", "America/New_York"),
    ("Phoenix", "AZ", "America/Phoenix"),
]
COUNT = 10_000


def populate(count: int) -> Campaign:
    campaign = Campaign.objects.create(
        slug="bench-day",
        name="Benchmark day of action",
        date=dt.date(2026, 2, 7),
        date_basis="stated",
    )
    source = SourceDocument.objects.create(
        key="bench.txt", title="Bench", kind="news_report"
    )
    organizations = Organization.objects.bulk_create(
        Organization(slug=f"org-{i}", name=f"Organization {i}", kind="grassroots")
        for i in range(50)
    )
    rows = []
    for i in range(count):
        city, region, zone = ZONES[i % len(ZONES)]
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 365)
        timed = i % 4 == 0
        starts = (
            dt.datetime.combine(day, dt.time(17, 30), tzinfo=dt.UTC) if timed else None
        )
        rows.append(
            Action(
                slug=f"action-{i}",
                title=f"Rally {i}, for immigrant rights; all welcome",
                kind="rally",
                campaign=campaign,
                date_precision=DatePrecision.DATETIME if timed else DatePrecision.DATE,
                start_date=day,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2) if timed else None,
                timezone=zone,
                venue="City Hall",
                city=city,
                region=region,
                latitude="41.85003",
                longitude="-87.65005",
                geocode_status="exact",
                description="Bring signs, water and a friend.\nKnow your rights.",
                demands=["ICE out", "Legalization for all"],
            )
        )
    created = Action.objects.bulk_create(rows, batch_size=1000)
    Action.organizers.through.objects.bulk_create(
        (
            Action.organizers.through(
                action_id=a.pk, organization_id=organizations[n % 50].pk
            )
            for n, a in enumerate(created)
        ),
        batch_size=2000,
    )
    Action.sources.through.objects.bulk_create(
        (
            Action.sources.through(action_id=a.pk, sourcedocument_id=source.pk)
            for a in created
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    feeds.invalidate()  # bulk_create sends no signals
    return campaign


def straightforward(campaign: Campaign) -> bytes:
    """What one writes first: an Event per row, relations fetched as needed."""
    calendar = Calendar()
    calendar.add("prodid", "-//reference//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", campaign.name)
    for action in Action.objects.filter(campaign=campaign).order_by("start_date"):
        event = Event()
        event.add("uid", f"action-{action.pk}@{settings.CALENDAR_UID_DOMAIN}")
        event.add("dtstamp", action.updated_at)
        event.add("summary", action.title)
        if action.starts_at:
            event.add("dtstart", action.local_starts_at)
            event.add("dtend", action.local_ends_at)
        else:
            event.add("dtstart", action.start_date)
            event.add("dtend", action.start_date + dt.timedelta(days=1))
        names = ", ".join(o.name for o in action.organizers.all())
        sources = "; ".join(s.title for s in action.sources.all())
        event.add(
            "description",
            f"{action.description}\n{names}\n{action.campaign.name}\n{sources}",
        )
        event.add("location", f"{action.venue}, {action.city}, {action.region}")
        event.add("url", settings.SITE_URL + action.get_absolute_url())
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def timed(function, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=COUNT, help="actions")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall", help=harness.clock.__doc__
    )
    args = parser.parse_args()
    with harness.throwaway_database():
        run(args.runs, args.clock, args.count)


def run(runs: int, clock: str, count: int = COUNT) -> None:
    campaign = populate(count)
    client = Client()
    url = f"/campaigns/{campaign.slug}/calendar.ics"

    def cold():
        cache.clear()
        caches["fragments"].clear()  # and the kept event texts
        response = client.get(url)
        assert response.status_code == 200
        return response

    body = cold().content
    events = body.count(b"BEGIN:VEVENT")
    reference_body = straightforward(campaign)

    cold_ms = timed(cold, runs)
    edited = Action.objects.filter(campaign=campaign).order_by("pk").first()
    client.get(url)  # every event's text kept

    def one_edit():
        edited.title = f"Rally {time.perf_counter_ns()}"
        edited.save()  # a new generation: the body is built again
        assert client.get(url).status_code == 200

    one_edit_ms = timed(one_edit, runs)
    reference_ms = timed(lambda: straightforward(campaign), max(2, runs // 2))
    etag = client.get(url)["ETag"]  # and the cache is filled
    gzip_headers = {"accept-encoding": "gzip"}
    packed = client.get(url, headers=gzip_headers).content
    rounds = harness.interleaved(
        {
            "trivial": lambda: client.get("/bench-trivial"),
            "cached gzip": lambda: client.get(url, headers=gzip_headers),
            "304": lambda: client.get(url, headers={"if-none-match": etag}),
            "cached plain": lambda: client.get(url),
        },
        max(7, runs),
        20,
        harness.clock(clock),
    )
    cached_gzip_ms = statistics.median(rounds["cached gzip"])
    cached_plain_ms = statistics.median(rounds["cached plain"])
    not_modified_ms = statistics.median(rounds["304"])
    trivial_ms = statistics.median(rounds["trivial"])
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"database: {connection.vendor}; cache: {backend}")
    print(f"events in feed: {events} ({count} actions + the day of action)")
    per_event = len(body) / events
    print(f"feed size: {len(body) / 1024:.0f} KiB, {per_event:.0f} bytes per event")
    print(
        f"gzipped: {len(packed) / 1024:.0f} KiB, {len(packed) / events:.0f} per event"
    )
    print(f"reference size: {len(reference_body) / 1024:.0f} KiB")
    rows = [
        ("cold (empty cache, full request)", cold_ms),
        ("rebuilt after one event changed", one_edit_ms),
        ("reference straightforward build", reference_ms),
        ("cached, gzip (what clients ask)", cached_gzip_ms),
        ("cached, uncompressed", cached_plain_ms),
        ("304 (If-None-Match)", not_modified_ms),
        ("trivial view (HttpResponse)", trivial_ms),
    ]
    print(f"{'measure':<36}{'median ms':>10}")
    for name, value in rows:
        print(f"{name:<36}{value:>10.2f}")
    print(f"reference / cold: {reference_ms / cold_ms:.1f}x (target >= 3)")
    print(f"cold / rebuilt after one edit: {cold_ms / one_edit_ms:.1f}x")
    for name, target in (("cached gzip", 2), ("304", 1.5), ("cached plain", None)):
        ratio = harness.spread(harness.ratios(rounds, name, "trivial"))
        print(
            f"{name} / trivial ({clock}): {ratio}"
            + (f" (target <= {target})" if target else "")
        )


if __name__ == "__main__":
    main()
