"""The embedded store: a persistent pyoxigraph store with one named graph per artifact and per entry.

Everything that touches a store goes through here: where it is, opening it (for writing, or read-only so a
reader never waits for a writer), writing quads in one transaction, replacing it whole, dumping it, and
turning its terms into rdflib terms. The named graphs are listed in `peerkg.namespaces` (`graph_name`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD

from peerkg.errors import StoreError
from peerkg.namespaces import entry_graph_name

DEFAULT_DIR = Path(".peerkg")

Store = ox.Store


def default_store_path() -> Path:
    """`$PEERKG_STORE`, else `.peerkg/store` in the current folder."""
    return Path(os.environ.get("PEERKG_STORE", DEFAULT_DIR / "store"))


def exists(path: Path) -> bool:
    """Whether a built store is at `path` (RocksDB writes its CURRENT file first)."""
    return (path / "CURRENT").exists()


def open_store(path: Path | None = None, *, read_only: bool = False) -> ox.Store:
    """The store at `path` (default: `default_store_path()`). Read-only opens take no lock, so they work
    while another process writes. Raises StoreError when there is no store there or it cannot be opened."""
    path = Path(path) if path is not None else default_store_path()
    if not exists(path):
        raise StoreError(f"no store at {path}: run `peerkg build` first (or pass --store)")
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


def memory_store(nquads: str = "") -> ox.Store:
    """An in-memory store holding `nquads` (e.g. a batch of entries validated together)."""
    store = ox.Store()
    if nquads:
        store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def to_nquads(graphs: Iterable[tuple[str, Graph]]) -> str:
    """N-Quads of rdflib graphs, each in its named graph (an IRI), lines sorted and unique so the same input
    gives the same bytes; blank nodes get canonical labels (RDFC-style hashing), keeping OWL lists stable."""
    lines: list[str] = []
    for name, graph in graphs:
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            graph = Graph() + to_canonical_graph(graph)
        for line in graph.serialize(format="nt").splitlines():
            if line.strip():
                lines.append(f"{line[:-1].rstrip()} <{name}> .")
    return "\n".join(sorted(set(lines))) + "\n"


def add_nquads(store: ox.Store, nquads: str) -> None:
    """Adds quads in one transaction: all of them or, on any failure, none. Raises StoreError."""
    try:
        store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, ValueError, SyntaxError) as exc:
        raise StoreError(f"the store was not changed: {exc}") from None


def load_file(store: ox.Store, path: Path) -> None:
    """Loads an N-Quads file into a fresh store with pyoxigraph's bulk loader, streaming from the file (the
    graph is never held in Python objects). Not a transaction: use it inside `replaced_store`, which only
    keeps the store when the load finished. Raises StoreError when the file cannot be read or parsed."""
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()
    except (OSError, ValueError, SyntaxError) as exc:
        raise StoreError(f"could not load {path}: {exc}") from None


def sorted_nquads(store: ox.Store) -> str:
    """The whole store as N-Quads, lines sorted: the byte-for-byte fingerprint of its content."""
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    assert data is not None
    lines = sorted(line for line in data.decode("utf-8").splitlines() if line)
    return "\n".join(lines) + "\n"


def graph_of(store: ox.Store, name: str) -> Graph:
    """One named graph of the store as an rdflib graph (empty if the store has no such graph)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
    return Graph().parse(data=data or b"", format="nt")


def graph_names(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))


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


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None,
              ) -> URIRef | BNode | Literal | None:
    """A pyoxigraph term as the rdflib term with the same RDF meaning: a literal keeps its lexical form as
    stored, and xsd:string literals become simple literals (as RDF 1.1 defines them and rdflib's parsers
    produce them). Raises StoreError for RDF-star triples, which peerkg never stores."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = URIRef(term.datatype.value)
        return Literal(term.value, datatype=None if datatype == XSD.string else datatype, normalize=False)
    raise StoreError(f"unsupported term in the store: {term!r}")


def holds_entry(store: ox.Store, entry_id: str, subject: str) -> bool:
    """Whether the store holds an entry with this id: its named graph, or any triple about its subject."""
    ask = (f"ASK {{ {{ GRAPH <{entry_graph_name(entry_id)}> {{ ?s ?p ?o }} }} "
           f"UNION {{ <{subject}> ?p ?o }} }}")
    return bool(store.query(ask, use_default_graph_as_union=True))
