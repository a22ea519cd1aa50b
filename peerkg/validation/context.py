"""The graph an entry is validated in: the entry, the artifacts, and the few facts of the store it needs.

Incremental validation runs the shapes on the entry's own small graph plus this context, never on the
store: its cost depends on the entry, not on the size of the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, QueryTriples
from rdflib import BNode, Graph, Literal
from rdflib.term import Node

from peerkg import resources
from peerkg.graph.store import Store, graph_names, memory_store, to_nquads, to_rdflib
from peerkg.loaders import Entry
from peerkg.loaders.shipped import shipped_facts
from peerkg.namespaces import graph_name
from peerkg.ontology import artifact_graphs


@cache
def static_context() -> Graph:
    """The ontology (for rdfs:subClassOf), its imports, the vocabularies (skos:inScheme) and the sources."""
    graph = Graph()
    for _, part in artifact_graphs():
        graph += part
    return graph


@cache
def _context_query() -> str:
    return resources.path("shapes", "store-context.rq").read_text("utf-8")


def store_context(store: Store, entry: Entry, without: frozenset[str] = frozenset()) -> Graph:
    """The facts of a store that the shapes need to validate `entry` alone (shapes/store-context.rq), leaving
    out the named graphs `without` (an entry about to be replaced)."""
    pairs = sorted({f"({p.n3()} {o.n3()})" for _, p, o in entry.graph if not isinstance(o, BNode)})
    query = _context_query().replace("VALUES (?property ?object) { }",
                                     "VALUES (?property ?object) {\n" + "\n".join(pairs) + "\n}")
    # pyoxigraph stores integer subtypes (xsd:positiveInteger, ...) as xsd:integer: give a literal found in
    # the store back the entry's own datatype when it has the same value, so that the shapes compare them.
    own = {(p, o.value): o for _, p, o in entry.graph if isinstance(o, Literal) and o.value is not None}
    graph = Graph()
    if without:
        graphs: list[NamedNode | BlankNode | DefaultGraph] = [
            NamedNode(name) for name in graph_names(store) if name not in without]
        answer = store.query(query, default_graph=graphs)
    else:
        answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, QueryTriples)  # store-context.rq is a CONSTRUCT
    for triple in answer:
        s, p, o = (to_rdflib(t) for t in (triple.subject, triple.predicate, triple.object))
        if isinstance(o, Literal):
            o = own.get((p, o.value), o)  # type: ignore[arg-type]
        graph.add((s, p, o))  # type: ignore[arg-type]
    return graph


@cache
def shipped_store() -> Store:
    """An in-memory store of the shared facts of the shipped curated data (peerkg.loaders.shipped: its source
    documents and umbrella reviews): what an entry checked without a store is validated against, so that it
    may quote the umbrella review's documents and name the umbrella that includes it, as in the built graph.
    Read only; built once per process."""
    return memory_store(to_nquads(list(shipped_facts())))


def batch_store(entries: list[Entry]) -> Store:
    """An in-memory store of a batch of entries, so that entries added together can cite one another. Its
    graphs are named `graph/batch/ID`, not like the store's entry graphs, so that leaving out an entry being
    replaced (`without`) leaves out the old entry of the store, never its replacement in the batch."""
    return memory_store(to_nquads([(graph_name("batch/" + e.id), e.graph) for e in entries]))


@contextmanager
def working_graph(*parts: Iterable[tuple[Node, Node, Node]]) -> Iterator[Graph]:
    """The static context with the entry and its store context added, removed again afterwards: cheaper than
    copying the static context (about 2,000 triples) for every entry."""
    base = static_context()
    added = []
    for part in parts:
        for triple in part:
            if triple not in base:
                base.add(triple)
                added.append(triple)
    try:
        yield base
    finally:
        for triple in added:
            base.remove(triple)


def entry_nodes(entry: Entry) -> set[Node]:
    """Every node an entry states facts about, whatever its IRI: each is a validation target, so a node
    outside the entry's namespace (which the loader door refuses, rule foreign-subject) cannot slip past the
    shapes either."""
    return set(entry.graph.subjects())
