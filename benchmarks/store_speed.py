"""Why the embedded store is pyoxigraph: load and join times against rdflib's in-memory store, in one run.

    python benchmarks/store_speed.py [--copies 20]

Builds the curated graph, replicates it COPIES times under distinct IRIs (a graph of realistic shape and
size), then loads it and runs a join (findings with their review, outcome label and effect) in both stores.
Prints seconds and the rdflib/pyoxigraph ratios.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from peerkg.commands.build import build
from peerkg.namespaces import sparql_prefix_block

JOIN = sparql_prefix_block() + """
SELECT ?review ?label ?estimate WHERE {
  ?review a pk:Review ; pk:hasFinding ?finding .
  ?finding pk:outcome ?outcome ; pk:direction ?direction .
  ?outcome skos:prefLabel ?label .
  OPTIONAL { ?finding pk:effectEstimate/pk:estimate ?estimate }
}"""


def replicated_ntriples(release: Path, copies: int) -> str:
    lines = (release / "peerkg.nt").read_text("utf-8").splitlines()
    data = [line for line in lines if "/peerkg/id/" in line]
    schema = [line for line in lines if "/peerkg/id/" not in line]
    out = list(schema)
    for n in range(copies):
        out.extend(line.replace("/peerkg/id/", f"/peerkg/id/copy{n}-") for line in data)
    return "\n".join(out) + "\n"


def timed(action) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp) / "store", Path(tmp) / "release")
        nt = replicated_ntriples(Path(tmp) / "release", args.copies)
        rdf_load, graph = timed(lambda: Graph().parse(data=nt, format="nt"))
        ox_store = ox.Store(str(Path(tmp) / "bench"))
        ox_load, _ = timed(lambda: ox_store.load(nt.encode(), format=ox.RdfFormat.N_TRIPLES))
        rdf_join, rows_rdf = timed(lambda: len(list(graph.query(JOIN))))  # type: ignore[attr-defined]
        ox_join, rows_ox = timed(lambda: len(list(ox_store.query(JOIN))))
    triples = nt.count("\n")
    print(f"triples: {triples:,} ({args.copies} copies of the curated graph); join rows: {rows_rdf} / {rows_ox}")
    print(f"load   rdflib {rdf_load:7.2f}s   pyoxigraph {ox_load:7.2f}s   ratio {rdf_load / ox_load:5.1f}x")
    print(f"join   rdflib {rdf_join:7.2f}s   pyoxigraph {ox_join:7.2f}s   ratio {rdf_join / ox_join:5.1f}x")


if __name__ == "__main__":
    main()
