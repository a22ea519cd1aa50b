"""Turtle files read by pyoxigraph's parser (in Rust) into rdflib graphs: the ontology, vocabularies and
shapes are read by every command that validates, and rdflib's own Turtle parser (pure Python) took about a
quarter of a `peerkg validate` from a fresh process.

The graph is the one `Graph().parse(path)` gives: the same triples (literals made as rdflib's Turtle parser
makes them: `Literal(lexical, datatype=...)`, or `Literal(lexical, lang=...)` for a plain or language-tagged
string), fresh blank nodes for each file, and the file's prefixes bound in the graph.
tests/test_turtle.py checks every Turtle file of ontology/ and shapes/ against rdflib's parser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

_STRING = XSD.string


def rdflib_term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph,
                blank: Callable[[ox.BlankNode], BNode], normalize: bool | None = None) -> URIRef | BNode | Literal:
    """A pyoxigraph term as the rdflib term with the same RDF meaning: a blank node as `blank` makes it, a
    literal with its lexical form (rdflib's normalisation as `normalize` says: None, rdflib's default, as its
    parsers do), an xsd:string literal as a simple literal (as RDF 1.1 defines them and rdflib's parsers make
    them). Raises TypeError for an RDF-star triple or a graph name, which peerkg never reads."""
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return blank(node)
    if isinstance(node, ox.Literal):
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = URIRef(node.datatype.value)
        return Literal(node.value, datatype=None if datatype == _STRING else datatype, normalize=normalize)
    raise TypeError(f"not an RDF term peerkg reads: {node!r}")


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """The triples of the Turtle file at `path` added to `graph` (default: a new graph), its prefixes bound;
    returns the graph. Raises SyntaxError (pyoxigraph's) when the file is not Turtle, OSError when it cannot
    be read."""
    graph = Graph() if graph is None else graph
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri())
    blanks: dict[str, BNode] = {}

    def blank(node: ox.BlankNode) -> BNode:  # fresh blank nodes for each file, as rdflib's parser makes them
        return blanks.setdefault(node.value, BNode())

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> URIRef | BNode | Literal:
        try:
            return rdflib_term(node, blank)
        except TypeError:
            raise SyntaxError(f"{path}: RDF-star triples are not read: {node!r}") from None

    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph)
               for q in parser)
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    return graph
