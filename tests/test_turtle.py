"""peerkg.turtle reads every Turtle file of ontology/ and shapes/ into the graph rdflib's own parser gives:
the same triples (isomorphic: blank nodes differ in name only), the same prefixes bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from peerkg.turtle import parse_turtle

FILES = sorted((REPO / "ontology").rglob("*.ttl")) + sorted((REPO / "shapes").glob("*.ttl"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO)) for p in FILES])
def test_the_graph_is_the_one_rdflib_parses(path: Path) -> None:
    expected, found = Graph().parse(path), parse_turtle(path)
    assert len(found) == len(expected) > 0
    assert isomorphic(found, expected)
    assert dict(found.namespaces()) == dict(expected.namespaces())


def test_literals_and_blank_nodes_as_rdflib_makes_them(tmp_path: Path) -> None:
    path = tmp_path / "t.ttl"
    path.write_text('@prefix ex: <urn:ex:> .\nex:a ex:p "x", "y"@en, 1, 1.50, true, "2020-01-01"^^<http://www.w3.org/2001/'
                    'XMLSchema#date> ; ex:q [ ex:r ( 1 2 ) ] .\n', "utf-8")
    expected = Graph().parse(path)
    graph = Graph()
    parse_turtle(path, graph)
    parse_turtle(path, graph)  # a second file's blank nodes are its own
    assert isomorphic(parse_turtle(path), expected)
    assert {o for o in graph.objects() if isinstance(o, Literal)} == {o for o in expected.objects()
                                                                      if isinstance(o, Literal)}
    assert len({s for s in graph.subjects() if isinstance(s, BNode)}) \
        == 2 * len({s for s in expected.subjects() if isinstance(s, BNode)})


def test_a_file_that_is_not_turtle_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("<urn:a> <urn:b> .\n", "utf-8")
    with pytest.raises(SyntaxError):
        parse_turtle(path)
