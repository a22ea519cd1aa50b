"""Prefixes, read from the one place they live: ontology/prefixes.ttl."""

from __future__ import annotations

from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from peerkg import resources


@cache
def prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI, as declared with sh:declare in ontology/prefixes.ttl."""
    graph = Graph().parse(resources.path("ontology", "prefixes.ttl"))
    table = {
        str(graph.value(decl, SH.prefix)): str(graph.value(decl, SH.namespace))
        for decl in graph.objects(None, SH.declare)
    }
    return dict(sorted(table.items()))


def expand(curie: str) -> URIRef:
    """`pk:Review` -> its IRI; an unknown prefix is an error, not a silent relative IRI."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes():
        raise KeyError(f"unknown prefix in {curie!r}; declare it in ontology/prefixes.ttl")
    return URIRef(prefixes()[prefix] + local)


def sparql_prefix_block() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes().items())


def bind_all(graph: Graph) -> Graph:
    for prefix, ns in prefixes().items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
