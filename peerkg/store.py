"""The embedded store: a persistent pyoxigraph store with one named graph per artifact and entry."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from peerkg.errors import StoreError

GRAPH_BASE = "https://w3id.org/peerkg/graph/"
DEFAULT_DIR = Path(".peerkg")


def default_store_path() -> Path:
    return Path(os.environ.get("PEERKG_STORE", DEFAULT_DIR / "store"))


def graph_name(name: str) -> str:
    return GRAPH_BASE + name


def entry_graph_name(entry_id: str) -> str:
    return graph_name("entry/" + entry_id)


def to_nquads(graphs: Iterable[tuple[str, Graph]]) -> str:
    """N-Quads of rdflib graphs, each in its named graph, sorted so the same input gives the same bytes."""
    from rdflib.compare import to_canonical_graph
    from rdflib.term import BNode

    lines: list[str] = []
    for name, graph in graphs:
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            # canonical blank node labels (RDFC-style hashing) keep OWL lists and axioms byte-stable
            graph = Graph() + to_canonical_graph(graph)
        for line in graph.serialize(format="nt").splitlines():
            if line.strip():
                lines.append(f"{line[:-1].rstrip()} <{name}> .")
    return "\n".join(sorted(set(lines))) + "\n"


def open_store(path: Path | None = None, *, must_exist: bool = True) -> ox.Store:
    path = path or default_store_path()
    if must_exist and not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path}: run `peerkg build` first (or pass --store)")
    try:
        return ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


def add_nquads(store: ox.Store, nquads: str) -> None:
    """Adds quads in one transaction: all of them or, on any failure, none."""
    store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    store.flush()


def sorted_nquads(store: ox.Store) -> str:
    """The whole store as N-Quads, lines sorted: the byte-for-byte fingerprint of its content."""
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line)
    return "\n".join(lines) + "\n"


@contextmanager
def replaced_store(path: Path) -> Iterator[ox.Store]:
    """A fresh store that replaces the one at `path` only if the block finishes without error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    old = path.with_name(path.name + ".old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    store = ox.Store(str(fresh))
    try:
        yield store
        store.flush()
    except BaseException:
        del store
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    del store
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    if old.exists():
        shutil.rmtree(old)
