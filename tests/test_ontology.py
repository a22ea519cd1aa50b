"""The ontology parses, has its header, and declares every pk: term that data, shapes and queries use."""

from __future__ import annotations

import re

from conftest import REPO, Built
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import DCTERMS

from peerkg.ontology import ontology_graph

PK = "https://w3id.org/peerkg/"
VOCAB = PK + "vocab/"
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared_terms() -> set[URIRef]:
    graph = ontology_graph()
    terms = {s for kind in DECLARATIONS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    terms |= {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(VOCAB)}
    return terms


def is_ours(iri: str) -> bool:
    # Instance data (id/), the named graphs (graph/), the query catalogue (query/) and the shapes (shapes/)
    # are not vocabulary.
    return iri.startswith(PK) and not iri.endswith(("/", "#")) \
        and not any(iri.startswith(PK + p) for p in ("id/", "graph/", "query/", "shapes/")) \
        and iri.rstrip("/") != PK.rstrip("/") and not re.match(re.escape(PK) + r"\d", iri)


def test_ontology_header() -> None:
    graph = Graph().parse(REPO / "ontology" / "peerkg.ttl")
    onto = URIRef(PK)
    assert (onto, RDF.type, OWL.Ontology) in graph
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionIRI, OWL.versionInfo):
        assert graph.value(onto, prop) is not None, prop


def test_every_term_the_built_graph_uses_is_declared(built: Built) -> None:
    data = Graph().parse(built.release / "peerkg.nt", format="nt")
    used = {t for triple in data for t in triple if isinstance(t, URIRef) and is_ours(str(t))}
    assert used, "the graph uses no pk: term at all"
    assert sorted(used - declared_terms()) == []


def test_every_term_shapes_and_queries_use_is_declared() -> None:
    pattern = re.compile(r"<(https://w3id\.org/peerkg/[^>\s]*)>|\bpk:([A-Za-z][\w-]*)")
    files = [*REPO.glob("shapes/*.ttl"), *REPO.glob("queries/**/*.rq")]
    undeclared = set()
    declared = declared_terms()
    for file in files:
        text = re.sub(r"^\s*#.*$", "", file.read_text("utf-8"), flags=re.M)
        # a query's PREFIX lines name namespaces, not terms
        text = re.sub(r"^\s*PREFIX\s.*$", "", text, flags=re.M | re.I)
        for full, local in pattern.findall(text):
            iri = full or PK + local
            if is_ours(iri) and URIRef(iri) not in declared:
                undeclared.add(f"{file.relative_to(REPO)}: {iri}")
    assert sorted(undeclared) == []
