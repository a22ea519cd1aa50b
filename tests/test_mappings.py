"""mappings/peerkg.sssom.tsv: generated from the ontology's alignments, read back with the `sssom` library."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from peerkg.ontology.mappings import MAPPING_PREDICATES, mapping_graph, sssom_tsv

REPO = Path(__file__).resolve().parent.parent
SSSOM_FILE = REPO / "mappings" / "peerkg.sssom.tsv"


@cache
def parsed():  # type: ignore[no-untyped-def]
    from sssom.parsers import parse_sssom_table

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_sssom_table(SSSOM_FILE)


@cache
def ontology_alignments() -> set[tuple[str, str, str]]:
    """Computed from the ontology files with SPARQL, independently of peerkg/mappings.py."""
    graph = Graph()
    for path in [REPO / "ontology" / "peerkg.ttl", REPO / "ontology" / "alignments.ttl",
                 *sorted((REPO / "ontology" / "vocab").glob("*.ttl"))]:
        graph.parse(path)
    query = """
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?p ?o WHERE {
          VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf owl:equivalentClass owl:equivalentProperty
                      skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
          ?s ?p ?o
          FILTER (isIRI(?s) && isIRI(?o) && STRSTARTS(STR(?s), "https://w3id.org/peerkg/")
                  && !STRSTARTS(STR(?o), "https://w3id.org/peerkg/") && ?o != owl:Thing) }"""
    return {(str(s), str(p), str(o)) for s, p, o in graph.query(query)}  # type: ignore[misc]


def test_the_committed_file_is_the_generated_one(capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["mappings", "--output", "-"]) == 0
    generated = capsys.readouterr().out
    assert generated == sssom_tsv(mapping_graph())
    assert SSSOM_FILE.read_text("utf-8") == generated, "run: peerkg mappings -o mappings/peerkg.sssom.tsv"


def test_sssom_reads_it_and_it_is_valid() -> None:
    from sssom.constants import SchemaValidationType
    from sssom.validators import validate

    msdf = parsed()
    validate(msdf, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness])
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/peerkg/mappings/peerkg.sssom.tsv"
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert set(msdf.df["mapping_justification"]) == {"semapv:ManualMappingCuration"}


def test_the_mappings_are_exactly_the_ontology_alignments() -> None:
    msdf = parsed()
    expand = msdf.converter.expand
    in_file = {(expand(r.subject_id), expand(r.predicate_id), expand(r.object_id)) for r in msdf.df.itertuples()}
    assert in_file == ontology_alignments()
    assert len(in_file) == len(msdf.df)                      # no duplicate rows
    assert {p for _, p, _ in in_file} <= {str(p) for p in MAPPING_PREDICATES}


def test_labels_are_those_of_the_ontology_and_the_import_module() -> None:
    msdf = parsed()
    graph = mapping_graph()
    for row in msdf.df.itertuples():
        subject, obj = URIRef(msdf.converter.expand(row.subject_id)), URIRef(msdf.converter.expand(row.object_id))
        assert row.subject_label == str(graph.value(subject, SKOS.prefLabel) or graph.value(subject, RDFS.label))
        assert row.object_label == str(graph.value(obj, RDFS.label)), row.object_id
        assert row.object_source == str(graph.value(obj, RDFS.isDefinedBy)), row.object_id


def test_known_mappings_and_relations() -> None:
    rows = ontology_alignments()
    obo, pk, pop = "http://purl.obolibrary.org/obo/", "https://w3id.org/peerkg/", "https://w3id.org/peerkg/vocab/population/"
    assert (pk + "Review", str(RDFS.subClassOf), "http://purl.org/spar/fabio/Review") in rows
    assert (pop + "serious-mental-illness", str(SKOS.broadMatch), obo + "MONDO_0002025") in rows
    assert ("https://w3id.org/peerkg/vocab/effect-measure/smd", str(SKOS.exactMatch), obo + "STATO_0000100") in rows
    # no equivalence: no external class has exactly the meaning of one of ours (ontology/README.md)
    assert not [r for r in rows if r[1].endswith(("equivalentClass", "equivalentProperty"))]
