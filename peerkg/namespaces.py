"""Prefixes and the project's IRI bases, read from the one place they live: ontology/prefixes.ttl.

Every other module takes IRIs from here: `prefixes()` for the table, `expand` for a CURIE, `curie` for the
reverse, and the bases below (entries under `pkid:`, shapes under `pksh:`, vocabularies, named graphs and the
query catalogue under `pk:`).
"""

from __future__ import annotations

import re
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from peerkg import resources
from peerkg.turtle import parse_turtle


@cache
def prefixes() -> dict[str, str]:
    """Prefix -> namespace IRI, as declared with sh:declare in ontology/prefixes.ttl, sorted by prefix."""
    graph = parse_turtle(resources.path("ontology", "prefixes.ttl"))
    table = {
        str(graph.value(decl, SH.prefix)): str(graph.value(decl, SH.namespace))
        for decl in graph.objects(None, SH.declare)
    }
    return dict(sorted(table.items()))


def project_base() -> str:
    """`https://w3id.org/peerkg/`: the namespace of the ontology (prefix `pk`)."""
    return prefixes()["pk"]


def entity_base() -> str:
    """`https://w3id.org/peerkg/id/`: the IRIs of entries and their nodes (prefix `pkid`)."""
    return prefixes()["pkid"]


def shapes_base() -> str:
    """`https://w3id.org/peerkg/shapes/`: the IRIs of the SHACL shapes, which are the rule names."""
    return prefixes()["pksh"]


def vocabulary_base() -> str:
    """`https://w3id.org/peerkg/vocab/`: each SKOS scheme is `vocab/NAME`, its concepts `vocab/NAME/slug`."""
    return project_base() + "vocab/"


def graph_name(name: str) -> str:
    """The IRI of one named graph of the store, e.g. `graph/ontology` or `graph/entry/chien-2019`."""
    return project_base() + "graph/" + name


def entry_graph_name(entry_id: str) -> str:
    """The named graph that holds one entry, by its id."""
    return graph_name("entry/" + entry_id)


def expand(curie: str) -> URIRef:
    """`pk:Review` -> its IRI; raises KeyError for an undeclared prefix, never a silent relative IRI."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in prefixes():
        raise KeyError(f"unknown prefix in {curie!r}; declare it in ontology/prefixes.ttl")
    return URIRef(prefixes()[prefix] + local)


# A local name Turtle and SPARQL accept after a prefix without escaping.
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def curie(iri: object) -> str:
    """`pk:Review` for an IRI of a declared namespace (the longest that fits), else `<IRI>`: valid Turtle and
    SPARQL either way."""
    text = str(iri)
    for prefix, namespace in sorted(prefixes().items(), key=lambda kv: -len(kv[1])):
        if text.startswith(namespace) and _LOCAL_NAME.match(text[len(namespace):]):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>"


def sparql_prefix_block() -> str:
    """Every declared prefix as SPARQL `PREFIX` lines, for queries the engine writes itself."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes().items())


def bind_all(graph: Graph) -> Graph:
    """Binds every declared prefix in `graph` (replacing rdflib's defaults) and returns it."""
    for prefix, ns in prefixes().items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
