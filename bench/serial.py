"""One request at a time: N sequential GETs of a page over one keep-alive connection.

Usage (bench/load.sh --serial runs it): python bench/serial.py URL SESSION [N]
Prints "median_ms p90_ms p99_ms" of the N requests (after 10 unmeasured warm-up requests), the
time from sending the request to having read the whole body. Every answer must be 200.
"""

import http.client
import statistics
import sys
import time
from urllib.parse import urlsplit

WARM_UP = 10


def main() -> None:
    url, session = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Cookie": f"sessionid={session}", "Connection": "keep-alive"}
    times = []
    for i in range(WARM_UP + count):
        start = time.perf_counter()
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            sys.exit(f"{parts.path}: HTTP {response.status}")
        if i >= WARM_UP:
            times.append(elapsed)
    cuts = statistics.quantiles(times, n=100)
    print(f"{statistics.median(times):.1f} {cuts[89]:.1f} {cuts[98]:.1f}")


if __name__ == "__main__":
    main()
