"""`peerkg build`: the whole graph, reproducibly."""

from __future__ import annotations

from pathlib import Path

from conftest import Built

from peerkg.commands.build import build


def test_build_summary_counts_reviews_and_papers(built: Built) -> None:
    # "Thirty-five reviews (reported in 36 papers) were included"
    assert built.counts["reviews"] == 35
    assert built.counts["papers"] == 36
    assert built.counts["triples"] > 5_000


def test_two_builds_give_byte_identical_release_files(built: Built, tmp_path: Path) -> None:
    build(tmp_path / "store", tmp_path / "release")
    for name in ("peerkg.ttl", "peerkg.nt", "peerkg.jsonld", "peerkg.trig"):
        assert (tmp_path / "release" / name).read_bytes() == (built.release / name).read_bytes(), name


def test_release_files_parse_and_agree(built: Built, store) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Dataset, Graph

    distinct = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    expected = int(next(iter(distinct))[0].value)
    nt = Graph().parse(built.release / "peerkg.nt", format="nt")
    assert len(nt) == expected > 5_000
    for name, fmt in (("peerkg.ttl", "turtle"), ("peerkg.jsonld", "json-ld")):
        assert len(Graph().parse(built.release / name, format=fmt)) == expected, name
    trig = Dataset().parse(built.release / "peerkg.trig", format="trig")
    assert len({(s, p, o) for s, p, o, _ in trig.quads((None, None, None, None))}) == expected


def test_release_files_keep_the_datatypes_of_the_ontology(built: Built) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import XSD

    nt = Graph().parse(built.release / "peerkg.nt", format="nt")
    refs = list(nt.objects(None, URIRef("https://w3id.org/peerkg/referenceNumber")))
    # pk:referenceNumber has range xsd:positiveInteger; 36 numbers on 35 inclusions (references 1, 21-24, 34-64)
    assert len(refs) == 36 and {r.datatype for r in refs} == {XSD.positiveInteger}
