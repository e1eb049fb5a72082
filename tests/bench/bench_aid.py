"""The coordinators' page with suggested matches, at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python tests/bench/bench_aid.py [--rounds 20]

Builds a throwaway database with two mutual-aid networks: a small one (100
open requests, 20 offers) and a large one (10,000 open requests, 2,000
offers), kinds, ZIP codes (50) and languages (4) drawn at random with a
fixed seed. A coordinator opens
`/aid/<network>/coordinate/` (25 open requests a page, each with its best
suggestions) on the first and last page. Prints queries per page and the
median and p95 time of the whole request, and the large/small ratio.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import harness  # noqa: E402 - this folder is on the path

os.environ.setdefault("SEALING_KEYS", "mS4n1rW7u6zk2cbq1YQ0-Ik9Cw7v3vJ3nG0mH1oQ2xE=")
harness.setup_django()

from allauth.mfa.models import Authenticator  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from networks.models.mutual_aid import (  # noqa: E402
    AidKind,
    AidOffer,
    AidRole,
    HelpRequest,
    RequestStatus,
    Urgency,
)
from networks.mutual_aid import services as mutual_aid  # noqa: E402
from networks.organizations.services import create_organization  # noqa: E402

ZIPS = [f"606{n:02d}" for n in range(50)]
LANGUAGES = ["en", "es", "pt", "ht"]


def network_of(tag: str, requests: int, offers: int):
    User = get_user_model()
    coordinator = User.objects.create(username=f"c-{tag}", email=f"c-{tag}@example.org")
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DP"}
    )
    organization = create_organization(user=coordinator, name=tag, kind="network")
    network = mutual_aid.create_network(
        organization=organization, values={"name": tag, "timezone": "America/Chicago"}
    )
    mutual_aid.give_role(network=network, user=coordinator, role=AidRole.COORDINATOR)
    helpers = User.objects.bulk_create(
        User(username=f"h-{tag}-{i}", email=f"h-{tag}-{i}@example.org")
        for i in range(max(1, offers // 4))
    )
    pick = random.Random(7).choice  # the same spread in every run
    AidOffer.objects.bulk_create(
        AidOffer(
            network=network,
            helper=helpers[i % len(helpers)],
            kind=pick(AidKind.values),
            description=f"Offer {i}",
            zip_code=pick(ZIPS),
            languages=[pick(LANGUAGES)],
        )
        for i in range(offers)
    )
    contact = "+1 312 555 0100"
    now = timezone.now()
    HelpRequest.objects.bulk_create(
        HelpRequest(
            network=network,
            kind=pick(AidKind.values),
            urgency=Urgency.WEEK,
            zip_code=pick(ZIPS),
            language=pick(LANGUAGES),
            contact=contact,
            status=RequestStatus.OPEN,
            published_at=now,
        )
        for _ in range(requests)
    )
    client = Client()
    client.force_login(coordinator)
    return network, client


def measure(client, url: str, rounds: int) -> tuple[int, list[float]]:
    queries = harness.QueryCounter()
    with connection.execute_wrapper(queries):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return queries.count, sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with harness.throwaway_database():
        small, small_client = network_of("small", 100, 20)
        large, large_client = network_of("large", 10_000, 2_000)
        medians = {}
        for label, network, client, last in (
            ("100 requests / 20 offers", small, small_client, 4),
            ("10,000 requests / 2,000 offers", large, large_client, 400),
        ):
            for page in (1, last):
                url = f"/aid/{network.slug}/coordinate/?page={page}"
                queries, times = measure(client, url, args.rounds)
                p95 = times[int(len(times) * 0.95) - 1]
                median = statistics.median(times)
                medians[label, page == 1] = median
                print(
                    f"{label}, page {page}: {queries} queries, "
                    f"median {median:.1f} ms, p95 {p95:.1f} ms"
                )
        ratio = (
            medians["10,000 requests / 2,000 offers", True]
            / medians["100 requests / 20 offers", True]
        )
        print(f"large / small, first page: {ratio:.2f}")


if __name__ == "__main__":
    main()
