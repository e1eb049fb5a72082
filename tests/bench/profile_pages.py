"""Where a public page's time goes: cProfile over repeated requests.

    .venv/bin/python tests/bench/profile_pages.py [--path /actions/] [--actions 10000]

Builds the same throwaway database as bench_pages.py, requests the page a few
times to warm up, then profiles --requests requests and prints the functions
with the most own time and the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

import bench_pages  # noqa: E402 - this folder is on the path (Django set up there)
import harness  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/actions/")
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", help="also write the raw profile to this file")
    args = parser.parse_args()
    with harness.throwaway_database():
        bench_pages.populate(actions=args.actions, campaigns=200)
        client = Client()
        for _ in range(5):
            assert client.get(args.path).status_code == 200
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(args.path)
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        if args.dump:
            stats.dump_stats(args.dump)


if __name__ == "__main__":
    main()
