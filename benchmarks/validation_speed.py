"""Incremental validation of one new entry against a large graph, against a full re-validation, in one run.

    python benchmarks/validation_speed.py                 # the graph at 1,000x the source (about 11M triples)
    python benchmarks/validation_speed.py --copies 100    # at 100x
    python benchmarks/validation_speed.py --full-copies 100   # full re-validation measured at 100x only

Builds a store holding the curated graph replicated COPIES times (benchmarks/generate.py: about 35 reviews,
their papers, findings, factors and themes per copy), then:
  - incremental: `peerkg.validation.validate_entry` of new review entries (the largest curated review, 13
    findings, under fresh ids) against the store: the shapes on the entry's own graph plus the facts of the
    store they need (shapes/store-context.rq). The first call also loads the shapes (cold); the figure is the
    median of the following calls (warm), each with a different new entry;
  - full: pySHACL on the whole graph (in rdflib) plus the new entry, the shapes of shapes/ on every node.
Prints the times and the ratio. Targets (issue 4): incremental <= 100 ms, and >= 100x faster than the full one.
Needs memory for the full run: about 1 GB per 100 copies in rdflib.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import base_nquads, replicate, write_new_entries


def build_store(folder: Path, artifacts: str, data: str, ids: list[str], copies: int) -> tuple[object, int]:
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(artifacts.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    batch = 50
    for start in range(0, copies, batch):
        text = "".join(replicate(data, ids, min(batch, copies - start), start))
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return store, len(store)


GRAPH_TERM = re.compile(r" <[^>\s]*> \.$", re.M)


def full_graph(artifacts: str, data: str, ids: list[str], copies: int) -> object:
    """The whole graph in one rdflib graph (N-Quads read as N-Triples: the named graphs do not matter)."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=GRAPH_TERM.sub(" .", artifacts), format="nt")
    batch = 20
    for start in range(0, copies, batch):
        text = "".join(replicate(data, ids, min(batch, copies - start), start))
        graph.parse(data=GRAPH_TERM.sub(" .", text), format="nt")
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000, help="copies of the curated graph (default 1000)")
    parser.add_argument("--full-copies", type=int, default=None,
                        help="copies for the full re-validation (default: the same; 0 skips it)")
    parser.add_argument("--new", type=int, default=6, help="new entries validated incrementally (default 6)")
    args = parser.parse_args()
    full_copies = args.copies if args.full_copies is None else args.full_copies

    from peerkg.loaders import load_entry
    from peerkg.validation import validate_entry
    from peerkg.validation.shapes import run_shapes

    artifacts, data, ids = base_nquads()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        store, triples = build_store(Path(tmp) / "store", artifacts, data, ids, args.copies)
        print(f"graph: {args.copies} copies of {len(ids)} curated entries, {triples:,} triples "
              f"(store built in {time.perf_counter() - started:.1f} s)")
        entries = [load_entry(p) for p in write_new_entries(Path(tmp) / "new", args.new)]
        print(f"new entry: {len(entries[0].graph)} triples, "
              f"{sum(1 for _ in entries[0].graph.subjects(None, None, unique=True))} nodes")
        times, verdicts = [], []
        for entry in entries:
            started = time.perf_counter()
            results, _ = validate_entry(entry, [store])
            times.append(time.perf_counter() - started)
            verdicts.append(len(results))
        cold, warm = times[0], statistics.median(times[1:]) if len(times) > 1 else times[0]
        print(f"incremental: cold {cold * 1000:.0f} ms (loads the shapes), warm median {warm * 1000:.1f} ms, "
              f"max {max(times[1:] or times) * 1000:.1f} ms over {len(times) - 1} entries; results {verdicts}")
        if full_copies <= 0:
            return
        started = time.perf_counter()
        graph = full_graph(artifacts, data, ids, full_copies)
        graph += entries[0].graph  # type: ignore[operator]
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        results, _ = run_shapes(graph)  # type: ignore[arg-type]
        full = time.perf_counter() - started
        print(f"full re-validation at {full_copies} copies: {len(graph):,} triples "  # type: ignore[arg-type]
              f"(parsed in {loaded:.1f} s), validated in {full:.1f} s, {len(results)} results")
        scale = "" if full_copies == args.copies else f" (full at {full_copies}x, incremental at {args.copies}x)"
        print(f"ratio full / incremental (warm): {full / warm:,.0f}x{scale}")
        print(f"targets: incremental <= 100 ms: {'met' if warm <= 0.1 else 'NOT met'}; "
              f">= 100x faster than the full one: {'met' if full / warm >= 100 else 'NOT met'}")


if __name__ == "__main__":
    main()
