"""Public pages at 10 actions and at 10,000 actions in 200 campaigns.

    .venv/bin/python tests/bench/bench_pages.py [--rounds 9] [--calls 10]

Builds a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set), requests each page with the Django test client, the
pages and a trivial view (HttpResponse("ok") through the same middleware)
taken in turn call by call, --rounds rounds of --calls calls each; then grows
the data and measures again. Prints the queries per page, the median time,
each page over the trivial view (median and spread of the per-round ratios),
and the growth 10k/10 of that ratio, so that a drift of the machine, which
falls on both sides of a ratio alike, cancels out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import statistics

import harness  # noqa: E402 - this folder is on the path

harness.setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from events import feeds  # noqa: E402
from events.models import Action, ActionKind, Campaign, DatePrecision  # noqa: E402
from networks.models import Organization, SourceDocument  # noqa: E402

CITIES = [
    ("Tacoma", "WA", "America/Los_Angeles"),
    ("Chicago", "IL", "America/Chicago"),
    ("Milwaukee", "WI", "America/Chicago"),
    ("Orlando", "FL", "America/New_York"),
    ("Dallas", "TX", "America/Chicago"),
    ("Portland", "OR", "America/Los_Angeles"),
    ("Boston", "MA", "America/New_York"),
    ("Phoenix", "AZ", "America/Phoenix"),
]
KINDS = list(ActionKind.values)


def populate(actions: int, campaigns: int, start: int = 0) -> None:
    source = SourceDocument.objects.get_or_create(
        key="bench.txt", defaults={"title": "Benchmark", "kind": "news_report"}
    )[0]
    organizations = list(
        Organization.objects.all()
    ) or Organization.objects.bulk_create(
        Organization(slug=f"org-{i}", name=f"Organization {i}", kind="grassroots")
        for i in range(50)
    )
    existing = Campaign.objects.count()
    Campaign.objects.bulk_create(
        Campaign(
            slug=f"campaign-{i}",
            name=f"Day of action {i}",
            date=dt.date(2026, 2, 7) + dt.timedelta(days=i),
            date_basis="stated",
        )
        for i in range(existing, campaigns)
    )
    campaign_list = list(Campaign.objects.order_by("pk"))
    today = dt.date.today()
    rows = []
    for i in range(start, start + actions):
        city, region, zone = CITIES[i % len(CITIES)]
        rows.append(
            Action(
                slug=f"action-{i}",
                title=f"{KINDS[i % len(KINDS)].title()} {i} for immigrant rights",
                kind=KINDS[i % len(KINDS)],
                status="published",
                campaign=campaign_list[i % len(campaign_list)],
                date_precision=DatePrecision.DATE,
                # Half before today, half after, at both sizes.
                start_date=today + dt.timedelta(days=(1 if i % 2 else -1) * (i % 350)),
                city=city,
                region=region,
                country="US",
                timezone=zone,
                description="Bring signs and water.",
            )
        )
    created = Action.objects.bulk_create(rows, batch_size=1000)
    Through = Action.organizers.through
    Through.objects.bulk_create(
        (
            Through(action_id=a.pk, organization_id=organizations[n % 50].pk)
            for n, a in enumerate(created)
        ),
        batch_size=2000,
    )
    SourceThrough = Action.sources.through
    SourceThrough.objects.bulk_create(
        (SourceThrough(action_id=a.pk, sourcedocument_id=source.pk) for a in created),
        batch_size=2000,
    )
    # Fresh statistics, as autovacuum (PostgreSQL) would gather them after a
    # bulk load; without them the planner guesses from an empty table.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    feeds.invalidate()  # bulk_create sends no signals


TRIVIAL = "trivial view (HttpResponse)"
COLD_SEARCH = "search, nothing cached"
WORD = "chicago"


def pages() -> dict[str, str]:
    busiest = Campaign.objects.order_by("pk").first()
    action = Action.objects.order_by("pk").first()
    return {
        TRIVIAL: "/bench-trivial",
        "/healthz": "/healthz",
        "home": "/",
        "list (upcoming), page 1": "/actions/",
        "list, past, page 1": "/actions/?when=past",
        "list, all, page 1": "/actions/?when=all",
        "list, search 'Chicago'": "/actions/?when=all&q=Chicago",
        "list, all, last page": "/actions/?when=all&page=999999",
        "campaign page": busiest.get_absolute_url(),
        "action page": action.get_absolute_url(),
        "list in Spanish": "/es/actions/",
    }


def measure_all(client: Client, urls: dict[str, str], rounds: int, calls: int, timer):
    """Query counts, and per round the median ms of each page, the pages
    requested in turn call by call (A B C A B C...), after a warm-up that
    fills the caches every visitor after the first finds filled."""
    queries: dict[str, int] = {}
    for name, url in urls.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        # Django resets connection.queries at each request: count with a wrapper.
        counter = harness.QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url)
        queries[name] = counter.count
    sides = {name: (lambda url=url: client.get(url)) for name, url in urls.items()}
    # The same search typed differently each time (its letters' case: 128
    # ways), so nothing is kept for it: what the first visitor of a query pays.
    spellings = itertools.cycle(
        "".join(
            c.upper() if bit == "1" else c
            for c, bit in zip(WORD, f"{n:07b}", strict=True)
        )
        for n in range(128)
    )
    sides[COLD_SEARCH] = lambda: client.get(f"/actions/?when=all&q={next(spellings)}")
    counter = harness.QueryCounter()
    with connection.execute_wrapper(counter):
        sides[COLD_SEARCH]()
    queries[COLD_SEARCH] = counter.count
    return queries, harness.interleaved(sides, rounds, calls, timer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=10, help="per page per round")
    parser.add_argument(
        "--clock", choices=["wall", "cpu"], default="wall", help=harness.clock.__doc__
    )
    args = parser.parse_args()

    with harness.throwaway_database():
        run(args.rounds, args.calls, args.clock)


def run(rounds: int, calls: int, clock: str) -> None:
    client = Client()
    timer = harness.clock(clock)
    print(
        f"database: {connection.vendor}; {rounds} rounds of {calls} calls per page, "
        f"pages interleaved; {clock} time in ms; ratios: median [min-max] over "
        "rounds"
    )
    populate(actions=10, campaigns=2)
    small_q, small = measure_all(client, pages(), rounds, calls, timer)
    populate(actions=10_000 - 10, campaigns=200, start=10)
    large_q, large = measure_all(client, pages(), rounds, calls, timer)
    header = (
        f"{'page':<26}{'queries':>9}{'ms 10':>7}{'ms 10k':>8}"
        f"{'x trivial at 10k':>22}{'10k/10 (each / trivial)':>26}"
    )
    print(header)
    print("-" * len(header))
    for name in small_q:
        x_large = harness.ratios(large, name, TRIVIAL)
        x_small = harness.ratios(small, name, TRIVIAL)
        growth = [b / a for a, b in zip(x_small, x_large, strict=True)]
        print(
            f"{name:<26}{f'{small_q[name]}->{large_q[name]}':>9}"
            f"{statistics.median(small[name]):>7.2f}"
            f"{statistics.median(large[name]):>8.2f}"
            f"{harness.spread(x_large):>22}{harness.spread(growth):>26}"
        )
    last = harness.ratios(large, "list, all, last page", "list, all, page 1")
    print(f"\nlast page / first page (list, all, 10k): {harness.spread(last)}")
    search = harness.ratios(large, COLD_SEARCH, TRIVIAL)
    search_small = harness.ratios(small, COLD_SEARCH, TRIVIAL)
    print(
        "search with nothing cached, 10k/10: "
        + harness.spread([b / a for a, b in zip(search_small, search, strict=True)])
    )
    print(f"actions: {Action.objects.count()}, campaigns: {Campaign.objects.count()}")


if __name__ == "__main__":
    main()
