"""Every .rq file of queries/ declares exactly the prefixes its body uses, each as ontology/prefixes.ttl declares
it: a file stays short, runs unchanged on any endpoint, and cannot drift from the one place prefixes live."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from pyparsing import ParseResults
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

QUERIES = REPO / "queries"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))
QC_FILES = sorted((QUERIES / "qc").glob("*.rq"))
ALL_FILES = QUERY_FILES + QC_FILES
PREFIX_LINE = re.compile(r"^PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*$", re.IGNORECASE)


@cache
def prefixes_ttl() -> dict[str, str]:
    """The sh:declare prefixes of ontology/prefixes.ttl, read as RDF (not through peerkg.namespaces)."""
    graph = Graph().parse(REPO / "ontology" / "prefixes.ttl")
    table = {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace)) for d in graph.objects(None, SH.declare)}
    assert len(table) >= 20, "prefixes.ttl holds fewer declarations than expected"
    return table


def declared(text: str) -> list[tuple[str, str]]:
    return [(m.group(1) or "", m.group(2)) for m in map(PREFIX_LINE.match, text.splitlines()) if m]


def _pnames(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, CompValue):
        if node.name == "pname":
            found.add(node.get("prefix") or "")
        for value in node.values():
            _pnames(value, found)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            _pnames(value, found)
    return found


def used(text: str) -> set[str]:
    """The prefixes of the prefixed names in the query body, as rdflib's SPARQL grammar reads them (so names in
    strings, comments and <IRIs> do not count); the grammar alone does not need them to be declared."""
    return _pnames(parseQuery(text)[1], set())


def test_the_reader_sees_prefixed_names_wherever_they_are() -> None:
    text = """PREFIX pk: <https://w3id.org/peerkg/>
SELECT ?x WHERE {
  VALUES ?o { outcome:hope }      # skos:Concept in a comment is no use
  ?x pk:a/rdfs:label "xsd:string" ; dcterms:title ?t .
  FILTER(?t != "x"^^xsd:string && ?x != <http://example.org/fabio:x>)
}"""
    assert used(text) == {"outcome", "pk", "rdfs", "dcterms", "xsd"}
    assert declared(text) == [("pk", "https://w3id.org/peerkg/")]


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_declared_prefix_is_the_one_of_prefixes_ttl(path: Path) -> None:
    pairs = declared(path.read_text("utf-8"))
    names = [name for name, _ in pairs]
    assert len(names) == len(set(names)), f"a prefix is declared twice: {names}"
    wrong = {name: iri for name, iri in pairs if prefixes_ttl().get(name) != iri}
    assert not wrong, f"not as ontology/prefixes.ttl declares them: {wrong}"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_used_prefix_is_declared_and_every_declared_prefix_used(path: Path) -> None:
    text = path.read_text("utf-8")
    names = {name for name, _ in declared(text)}
    assert used(text) - names == set(), "used but not declared"
    assert names - used(text) == set(), "declared but not used"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_the_header_comes_first_then_the_prefixes_then_the_query(path: Path) -> None:
    lines = path.read_text("utf-8").splitlines()
    kinds = ["header" if line.startswith("#+") else "prefix" if PREFIX_LINE.match(line) else "query"
             for line in lines]
    first_query = kinds.index("query")
    assert kinds[0] == "header"
    assert "query" not in kinds[:first_query] and kinds[first_query:].count("query") == len(kinds) - first_query, \
        "#+ header lines, then PREFIX lines, then the query"
    assert kinds[:first_query] == sorted(kinds[:first_query], key=["header", "prefix"].index)
    prefix_names = [PREFIX_LINE.match(line).group(1) for line in lines if PREFIX_LINE.match(line)]  # type: ignore[union-attr]
    assert prefix_names == sorted(prefix_names), "PREFIX lines in alphabetical order"


# -- parameters: a bound value is a full IRI or a typed literal, never a prefixed name ------------------------

@pytest.mark.parametrize("path", [p for p in QUERY_FILES if "#+ param:" in p.read_text("utf-8")],
                         ids=lambda p: p.name)
def test_a_bound_query_needs_no_prefix_beyond_those_declared(path: Path) -> None:
    """The default of a parameter may be written as a prefixed name (`outcome:empowerment`): its prefix is
    then declared (above). A value given on the command line is written as a full IRI or typed literal, so
    binding any value, of any vocabulary, never needs a prefix the query does not declare."""
    import pyoxigraph as ox
    from rdflib.plugins.sparql import prepareQuery

    from peerkg.queries.catalogue import parse_query_file
    from peerkg.queries.params import _concepts, bind, bind_value, term_syntax

    query = parse_query_file(path)
    for param in query.params.values():
        values = ["cooper-2024"] if param.optional else [param.default]  # an optional one has no default value
        if param.scheme:  # concepts of the vocabulary, by IRI and by label, first, middle and last
            concepts = sorted({str(iri) for iri in _concepts(param.scheme).values()})
            values += [concepts[0], concepts[len(concepts) // 2], concepts[-1]]
        elif param.type == "integer":
            values.append("3")
        for value in values:
            text = bind(query, {param.name: value})
            assert f"VALUES ?{param.name} {{ {term_syntax(bind_value(param, value))} }}" in text
            prepareQuery(text)  # rdflib refuses an undeclared prefix
            ox.Store().query(text)  # and so does Oxigraph
