"""`peerkg mappings`: the ontology's alignments as an SSSOM mapping set (TSV with its YAML metadata block).

The alignments are the triples of ontology/alignments.ttl (and peerkg.ttl) that link one of our terms to
an external one with a mapping relation. The SSSOM file is generated from them, never edited by hand, so
mapping tools see exactly what the ontology says; mappings/peerkg.sssom.tsv is the committed copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from peerkg.errors import PeerkgError
from peerkg.namespaces import prefixes
from peerkg.ontology import ontology_graph

OURS = "https://w3id.org/peerkg/"
MAPPING_SET_ID = "https://w3id.org/peerkg/mappings/peerkg.sssom.tsv"
# SSSOM's vocabulary of justifications (semapv); the only prefix here that is not one of the ontology's
SEMAPV = ("semapv", "https://w3id.org/semapv/vocab/")
MAPPING_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty,
                      SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
COLUMNS = ("subject_id", "subject_label", "subject_type", "predicate_id", "object_id", "object_label",
           "object_type", "object_source", "mapping_justification")
_ENTITY_TYPES = ((OWL.Class, "owl class"), (OWL.ObjectProperty, "owl object property"),
                 (OWL.DatatypeProperty, "owl data property"), (OWL.AnnotationProperty, "owl annotation property"),
                 (SKOS.Concept, "skos concept"), (OWL.NamedIndividual, "owl named individual"))


class MappingError(PeerkgError):
    """An alignment that cannot be written as SSSOM (e.g. an IRI without a declared prefix)."""


@dataclass(frozen=True, order=True)
class Mapping:
    subject: URIRef
    predicate: URIRef
    object: URIRef


def alignments(graph: Graph) -> list[Mapping]:
    """Triples that map one of our terms (ontology or vocabulary) to a named external term."""
    return sorted(
        Mapping(s, p, o)
        for p in MAPPING_PREDICATES
        for s, o in graph.subject_objects(p)
        if isinstance(s, URIRef) and isinstance(o, URIRef) and str(s).startswith(OURS)
        and not str(o).startswith(OURS) and o != OWL.Thing
    )


def _curie(iri: URIRef, table: dict[str, str]) -> str:
    for prefix, namespace in sorted(table.items(), key=lambda kv: -len(kv[1])):
        if str(iri).startswith(namespace) and len(str(iri)) > len(namespace):
            return f"{prefix}:{str(iri)[len(namespace):]}"
    raise MappingError(f"{iri} has no prefix in ontology/prefixes.ttl; declare its namespace there")


def _label(graph: Graph, iri: URIRef) -> str:
    label = graph.value(iri, SKOS.prefLabel) or graph.value(iri, RDFS.label)
    return str(label) if label is not None else ""


def _type(graph: Graph, iri: URIRef) -> str:
    kinds = set(graph.objects(iri, RDF.type))
    return next((name for kind, name in _ENTITY_TYPES if kind in kinds), "")


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def sssom_tsv(graph: Graph) -> str:
    """The SSSOM TSV of the alignments in `graph` (ontology, vocabularies and import module, merged)."""
    table = prefixes()
    onto = URIRef(OURS)
    rows = []
    for m in alignments(graph):
        source = graph.value(m.object, RDFS.isDefinedBy)
        rows.append((_curie(m.subject, table), _label(graph, m.subject), _type(graph, m.subject),
                     _curie(m.predicate, table), _curie(m.object, table), _label(graph, m.object),
                     _type(graph, m.object), str(source) if source is not None else "",
                     "semapv:ManualMappingCuration"))
    used = {cell.split(":", 1)[0] for row in rows for cell in (row[0], row[3], row[4])}
    curie_map = {p: ns for p, ns in table.items() if p in used} | {SEMAPV[0]: SEMAPV[1]}
    title = graph.value(onto, DCTERMS.title)
    meta = ["# curie_map:", *(f"#   {p}: {ns}" for p, ns in sorted(curie_map.items())),
            f"# license: {graph.value(onto, DCTERMS.license)}",
            f"# mapping_set_id: {MAPPING_SET_ID}",
            f"# mapping_set_title: {json.dumps('alignments of ' + _clean(str(title)), ensure_ascii=False)}",
            f"# mapping_set_version: {graph.value(onto, OWL.versionInfo)}",
            f"# subject_source: {OURS}"]
    body = ["\t".join(COLUMNS), *("\t".join(_clean(c) for c in row) for row in rows)]
    return "\n".join(meta + body) + "\n"


def mapping_graph() -> Graph:
    """The ontology with its alignments and import module, the graph the SSSOM mapping set is made from."""
    return ontology_graph(with_vocabularies=True, with_imports=True)
