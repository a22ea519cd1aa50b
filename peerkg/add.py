"""`peerkg add`: validate new entries against the store, then merge them into it, all or nothing.

The merge is one pyoxigraph `Store.load` of N-Quads, which is a single transaction: a failing entry stops the
add before anything is written, and a crash (even `kill -9`) during the write leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF

from peerkg.errors import StoreError
from peerkg.loaders.base import Entry
from peerkg.loaders.fieldmap import entry_format
from peerkg.validate import Report, validate_files

Progress = Callable[[str], None]

# What `add` counts for each entry: the kinds of record a curator recognises, by their class.
COUNTED = ("paper", "finding", "implementation-factor", "experience-finding", "claim")


def _quiet(_: str) -> None:
    pass


@dataclass
class Added:
    """What one entry brought into the graph."""

    id: str
    kind: str
    file: str
    graph: str
    triples: int
    counts: dict[str, int]

    def line(self) -> str:
        parts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in self.counts.items() if n)
        return f"added {self.kind} {self.id} from {self.file}: {self.triples} triples ({parts or 'no records'})"


def summarise(entry: Entry, graph_name: str) -> Added:
    records = entry_format().records
    counts = {kind: sum(1 for _ in entry.graph.subjects(RDF.type, records[kind].cls)) for kind in COUNTED}
    return Added(entry.id, entry.kind, entry.file, graph_name, len(entry.graph), counts)


def add_files(paths: list[Path], store_path: Path | None,
              progress: Progress = _quiet) -> tuple[Report, list[Added]]:
    """Validates the files against the store and, only if every entry conforms, adds them in one transaction.
    Returns the validation report and what was added (nothing unless the report conforms)."""
    import gc

    from peerkg.store import open_store

    store = open_store(store_path)
    try:
        return _validate_and_write(store, paths, progress)
    finally:
        # rdflib's SPARQL parser (pyparsing) leaves reference cycles through the frames that hold the store:
        # collect them, so the store closes and releases its lock now, not at some later collection.
        del store
        gc.collect()


def _validate_and_write(store: Any, paths: list[Path], progress: Progress) -> tuple[Report, list[Added]]:
    import pyoxigraph as ox

    from peerkg.store import entry_graph_name, to_nquads

    progress(f"validating {len(paths)} file(s) against the store")
    report = validate_files(paths, store)
    if report.unreadable or not report.conforms or not report.entries:
        return report, []
    graphs = [(entry_graph_name(e.id), e.graph) for e in report.entries]
    nquads = to_nquads(graphs).encode("utf-8")
    progress(f"writing {sum(len(g) for _, g in graphs):,} triples of {len(graphs)} entries to the store")
    try:
        store.load(nquads, format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, ValueError, SyntaxError) as exc:
        raise StoreError(f"the store was not changed: {exc}") from None
    return report, [summarise(e, name) for e, (name, _) in zip(report.entries, graphs, strict=True)]
