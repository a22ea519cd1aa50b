"""How fast `peerkg serve` answers the stored queries under concurrent clients, in one run.

    python benchmarks/serve_speed.py [--clients 20] [--seconds 15] [--workers 4]

Builds the curated graph into a temporary store, starts `peerkg serve` on a free loopback port, and lets
CLIENTS threads call the stored queries by name (`/queries/NAME`, every query of queries/ in turn, one of them
with a parameter) for SECONDS. Prints requests, failures, throughput and the p50/p95/max latency. Only
127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stats:
    """What a load run measured: latencies of the answered requests (seconds) and the failures."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")

    def lines(self) -> list[str]:
        done = len(self.latencies)
        return [f"requests answered  {done}", f"failed requests    {len(self.failures)}",
                f"throughput         {done / self.seconds:.1f} requests/s",
                f"latency p50        {self.percentile(50) * 1000:.0f} ms",
                f"latency p95        {self.percentile(95) * 1000:.0f} ms",
                f"latency max        {max(self.latencies, default=float('nan')) * 1000:.0f} ms",
                f"latency mean       {statistics.fmean(self.latencies) * 1000 if done else float('nan'):.0f} ms"]


def paths() -> list[str]:
    """The stored queries' URLs, each query once, evidence-for-outcome with a parameter."""
    from peerkg.queries.catalogue import stored_queries

    return [f"/queries/{name}" + ("?outcome=hope" if name == "evidence-for-outcome" else "")
            for name in stored_queries()]


def load(base: str, clients: int, seconds: float, targets: list[str] | None = None) -> Stats:
    """CLIENTS threads request `targets` (default: `paths()`) in turn on `base` for SECONDS; a non-200 answer or
    a connection error is a failure. Returns the Stats."""
    if not base.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError("load tests only ever talk to this machine (127.0.0.1)")
    targets = targets or paths()
    stats = Stats(seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        n = offset
        while time.monotonic() < stop_at:
            url = base + targets[n % len(targets)]
            n += 1
            started = time.monotonic()
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    ok = response.status == 200
                problem = "" if ok else f"{url}: {response.status}"
            except (urllib.error.URLError, OSError) as exc:
                problem = f"{url}: {exc}"
            took = time.monotonic() - started
            with lock:
                if problem:
                    stats.failures.append(problem)
                else:
                    stats.latencies.append(took)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from servers import peerkg_serve

    from peerkg.commands.build import build

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        build(store, None)
        with peerkg_serve(store, "--workers", str(args.workers)) as (base, _):
            load(base, 2, 2.0)  # warm up: workers, vocabularies for the parameter
            stats = load(base, args.clients, args.seconds)
    print(f"{args.clients} clients, {args.seconds:g} s, {args.workers} workers, {len(paths())} stored queries "
          "in turn (JSON results)")
    for line in stats.lines():
        print(line)
    if stats.failures:
        print("first failures:", *stats.failures[:5], sep="\n  ")


if __name__ == "__main__":
    main()
