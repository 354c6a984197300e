"""Where one page's time goes: timings, queries, HTML size and a cProfile of single requests.

Usage (against a database seeded by bench/seed_load.py, with bench/load.sh's environment):
    DATABASE_URL=postgres://... python bench/profile_page.py SESSION PATH [PATH ...]
        [--requests 50] [--profile 20] [--top 25] [--sort cumulative] [--cpu] [--queries 8]
Each path is requested through Django's test client (the whole middleware stack, production
settings, no HTTP server): after 5 warm-up requests, the median of `--requests` requests, then the
queries of one request (count and time, slowest first), the HTML size, and `--profile` requests
under cProfile (its top lines by `--sort`). Not a test: nothing here asserts a time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

WARM_UP = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("session")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument(
        "--cpu", action="store_true", help="profile this process's CPU time (not waits)"
    )
    parser.add_argument("--queries", type=int, default=8, help="how many of the slowest to show")
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = args.session
    for path in args.paths:
        _profile_path(client, path, args)


def _get(client: Client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path}: HTTP {response.status_code}")
    return response.content


def _profile_path(client: Client, path: str, args: argparse.Namespace) -> None:
    for _ in range(WARM_UP):
        _get(client, path)
    times, cpu_times = [], []
    for _ in range(args.requests):
        start, cpu_start = time.perf_counter(), time.process_time()
        _get(client, path)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        body = _get(client, path)
    queries = captured.captured_queries
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    print(f"\n## {path}")
    print(
        f"median {statistics.median(times):.1f} ms (min {min(times):.1f}; this process's CPU "
        f"{statistics.median(cpu_times):.1f} ms) over {len(times)} requests; {len(queries)} "
        f"queries, {sql_ms:.1f} ms of SQL; HTML {len(body) / 1024:.1f} KB"
    )
    for q in sorted(queries, key=lambda q: -float(q["time"]))[: args.queries]:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:200]}")
    if args.profile:
        profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        profiler.enable()
        for _ in range(args.profile):
            _get(client, path)
        profiler.disable()
        timer = "CPU time" if args.cpu else "wall time"
        print(f"cProfile ({timer}) of {args.profile} requests, by {args.sort}:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
