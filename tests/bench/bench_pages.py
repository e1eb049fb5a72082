"""Public pages at 10 actions and at 10,000 actions in 200 campaigns.

    .venv/bin/python tests/bench/bench_pages.py [--runs 30]

Builds a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set), measures each page with the Django test client (median
and 95th percentile over --runs requests after a warm-up), then grows the data
and measures again. Prints the queries per page, the time per page, the ratio
of large to small, and each page against a baseline measured in the same run
(the /healthz endpoint, which renders no template), so figures from different
machines can be compared by ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

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


def pages() -> dict[str, str]:
    busiest = Campaign.objects.order_by("pk").first()
    action = Action.objects.order_by("pk").first()
    return {
        "baseline /healthz": "/healthz",
        "home": "/",
        "list (upcoming), page 1": "/actions/",
        "list, past, page 1": "/actions/?when=past",
        "list, all, page 1": "/actions/?when=all",
        "list, search 'Chicago'": "/actions/?when=all&q=Chicago",
        "list, last page": "/actions/?when=all&page=999999",
        "campaign page": busiest.get_absolute_url(),
        "action page": action.get_absolute_url(),
        "list in Spanish": "/es/actions/",
    }


def measure_all(client: Client, urls: dict[str, str], runs: int) -> dict:
    """Median, p95 and query count per page, requesting the pages in turn.

    Round-robin spreads any drift of the machine evenly over the pages.
    """
    queries: dict[str, int] = {}
    for name, url in urls.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        # Django resets connection.queries at each request: count with a wrapper.
        counter = harness.QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url)
        queries[name] = counter.count
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(runs):
        for name, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
    result = {}
    for name, samples in times.items():
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        result[name] = (statistics.median(samples), p95, queries[name])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    with harness.throwaway_database():
        run(args.runs)


def run(runs: int) -> None:
    client = Client()
    print(f"database: {connection.vendor}; {runs} runs per page; times in ms")
    populate(actions=10, campaigns=2)
    small = measure_all(client, pages(), runs)
    populate(actions=10_000 - 10, campaigns=200, start=10)
    large = measure_all(client, pages(), runs)
    base_small, base_large = (
        small["baseline /healthz"][0],
        large["baseline /healthz"][0],
    )
    header = (
        f"{'page':<26}{'queries':>12}{'median 10':>11}{'median 10k':>12}"
        f"{'p95 10k':>9}{'10k/10':>8}{'x baseline':>12}"
    )
    print(header)
    print("-" * len(header))
    for name in small:
        s_med, _, s_q = small[name]
        l_med, l_p95, l_q = large[name]
        print(
            f"{name:<26}{f'{s_q} -> {l_q}':>12}{s_med:>11.1f}{l_med:>12.1f}"
            f"{l_p95:>9.1f}{l_med / s_med:>8.2f}{l_med / base_large:>12.1f}"
        )
    print(
        f"\nactions: {Action.objects.count()}, campaigns: {Campaign.objects.count()}; "
        f"baseline median {base_small:.2f} ms (10) / {base_large:.2f} ms (10k)"
    )


if __name__ == "__main__":
    main()
