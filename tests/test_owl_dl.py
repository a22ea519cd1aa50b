"""The ontology, its components, its import module and its vocabularies are Protégé-ready OWL 2 DL.

Two independent OWL libraries load them: owlready2 (from N-Triples) and py-horned-owl (from RDF/XML). The
usual OWL 2 DL breakers are checked on the RDF itself: every class and property is declared, no IRI is
declared as two kinds of property or as a property and a class, no annotation property is used in a
logical axiom, and the datatypes are those of the OWL 2 datatype map. Protégé resolves the owl:imports of
peerkg.ttl through ontology/catalog-v001.xml; the catalog is checked to point at the right files.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from peerkg.ontology import ontology_graph
from peerkg.ontology.reasoner import OWL2_DATATYPES

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY = REPO / "ontology"
PK = "https://w3id.org/peerkg/"
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# RDF, RDFS and OWL built-ins need no declaration (OWL 2 reserved vocabulary)
BUILT_IN = (str(RDF), str(RDFS), str(OWL))


@cache
def merged() -> Graph:
    """peerkg.ttl with its components and import module, and the vocabularies, as `peerkg build` merges them."""
    return ontology_graph(with_vocabularies=True, with_imports=True)


def declared(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def named(nodes: object) -> set[URIRef]:
    return {n for n in nodes if isinstance(n, URIRef)}  # type: ignore[attr-defined]


def class_positions(graph: Graph) -> set[URIRef]:
    """IRIs used where OWL expects a class."""
    used: set[URIRef] = set()
    for prop in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, OWL.someValuesFrom,
                 OWL.allValuesFrom, OWL.complementOf):
        for s, o in graph.subject_objects(prop):
            if prop in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
                used |= named([s])
            used |= named([o])
    for prop in (OWL.intersectionOf, OWL.unionOf, OWL.members):
        for lst in graph.objects(None, prop):
            used |= named(Collection(graph, lst))
    for p in declared(graph, OWL.ObjectProperty):
        used |= named(graph.objects(p, RDFS.range))
    for p in declared(graph, OWL.ObjectProperty) | declared(graph, OWL.DatatypeProperty):
        used |= named(graph.objects(p, RDFS.domain))
    used |= {o for o in named(graph.objects(None, RDF.type)) if not str(o).startswith(BUILT_IN)}
    return used


def property_positions(graph: Graph) -> dict[URIRef, set[str]]:
    """IRIs used as properties -> how (predicate of a triple, restriction, chain, subproperty axiom)."""
    used: dict[URIRef, set[str]] = {}

    def note(props: set[URIRef], how: str) -> None:
        for p in props:
            used.setdefault(p, set()).add(how)

    note({p for p in named(graph.predicates()) if not str(p).startswith(BUILT_IN)}, "predicate")
    note(named(graph.objects(None, OWL.onProperty)), "restriction")
    for chain in graph.objects(None, OWL.propertyChainAxiom):
        note(named(Collection(graph, chain)), "property chain")
    for s, o in graph.subject_objects(RDFS.subPropertyOf):
        note(named([s, o]), "subproperty axiom")
    return used


# ---------------------------------------------------------------------------------------------------

def test_owlready2_loads_the_ontology_with_its_import_module() -> None:
    import owlready2

    world = owlready2.World()
    data = merged().serialize(format="nt", encoding="utf-8")
    world.get_ontology(PK).load(fileobj=io.BytesIO(data), format="ntriples")
    review = world[PK + "Review"]
    assert isinstance(review, owlready2.ThingClass)
    assert review.label.en == ["review"]
    fabio_review = world["http://purl.org/spar/fabio/Review"]
    assert fabio_review in review.is_a                      # the alignment, through the import module
    assert fabio_review.label == ["review"]                 # its label from the import module
    chain = world[PK + "populationOrBroader"]
    assert [[p.name for p in c.properties] for c in chain.get_property_chain()] == [["population", "broaderTransitive"]]


def test_py_horned_owl_reads_the_same_ontology_from_rdf_xml() -> None:
    import pyhornedowl

    graph = merged()
    onto = pyhornedowl.open_ontology_from_string(graph.serialize(format="xml"), "rdf")
    assert set(onto.get_classes()) == {str(c) for c in declared(graph, OWL.Class)}
    assert set(onto.get_object_properties()) == {str(p) for p in declared(graph, OWL.ObjectProperty)}
    assert set(onto.get_data_properties()) == {str(p) for p in declared(graph, OWL.DatatypeProperty)}
    assert onto.get_iri_for_label("review of people with serious mental illness") == PK + "ReviewOfSeriousMentalIllness"
    axioms = [str(a) for a in onto.get_axioms()]
    assert any("ObjectPropertyChain" in a and "populationOrBroader" in a for a in axioms)
    assert sum("EquivalentClasses" in a and PK in a for a in axioms) == 2           # the two defined classes
    assert sum("ObjectHasValue" in a and "skos/core#inScheme" in a and a.startswith("SubClassOf")
               for a in axioms) == 5                                               # the scheme axioms


def test_the_import_module_alone_is_an_ontology() -> None:
    import pyhornedowl

    module = Graph().parse(ONTOLOGY / "imports" / "external.ttl")
    assert (URIRef(PK + "imports/external"), RDF.type, OWL.Ontology) in module
    onto = pyhornedowl.open_ontology_from_string(module.serialize(format="xml"), "rdf")
    assert "http://purl.obolibrary.org/obo/MONDO_0005090" in onto.get_classes()


def test_every_class_and_property_is_declared() -> None:
    graph = merged()
    classes = declared(graph, OWL.Class) | declared(graph, RDFS.Datatype)
    undeclared_classes = sorted(str(c) for c in class_positions(graph) - classes
                                if not str(c).startswith(BUILT_IN) and c not in OWL2_DATATYPES)
    assert not undeclared_classes, f"used as classes, never declared: {undeclared_classes}"
    properties = set().union(*(declared(graph, k) for k in PROPERTY_KINDS))
    undeclared = sorted(f"{p} ({', '.join(sorted(how))})" for p, how in property_positions(graph).items()
                        if p not in properties)
    assert not undeclared, f"used as properties, never declared: {undeclared}"


def test_no_iri_is_two_kinds_of_entity() -> None:
    graph = merged()
    kinds = {k: declared(graph, k) for k in (OWL.Class, *PROPERTY_KINDS)}
    clashes = sorted(f"{iri}: {self_kind.fragment} and {other.fragment}"
                     for i, (self_kind, members) in enumerate(kinds.items())
                     for other in list(kinds)[i + 1:] for iri in members & kinds[other])
    assert not clashes, clashes


def test_no_annotation_property_in_a_logical_axiom() -> None:
    graph = merged()
    annotation = declared(graph, OWL.AnnotationProperty)
    logical = {p for p, how in property_positions(graph).items() if how & {"restriction", "property chain"}}
    assert not annotation & logical, sorted(map(str, annotation & logical))
    mixed = sorted(f"{s} subPropertyOf {o}" for s, o in graph.subject_objects(RDFS.subPropertyOf)
                   if (s in annotation) != (o in annotation))
    assert not mixed, mixed
    characteristics = {OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
                       OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                       OWL.IrreflexiveProperty}
    typed = sorted(str(p) for p in annotation if set(graph.objects(p, RDF.type)) & characteristics)
    assert not typed, f"annotation properties with logical characteristics: {typed}"
    for prop in (OWL.inverseOf, OWL.equivalentProperty, OWL.propertyDisjointWith):
        assert not {p for pair in graph.subject_objects(prop) for p in pair} & annotation


def test_datatypes_are_those_of_the_owl2_datatype_map() -> None:
    graph = merged()
    ranges = {o for p in declared(graph, OWL.DatatypeProperty) for o in graph.objects(p, RDFS.range)}
    literals = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    outside = {d for d in ranges | literals if isinstance(d, URIRef) and d not in OWL2_DATATYPES}
    assert outside == set()


def test_concepts_are_individuals_not_classes() -> None:
    """SKOS concepts are individuals (class assertions), never also declared as classes or properties."""
    graph = merged()
    concepts = named(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 100
    for kind in (OWL.Class, *PROPERTY_KINDS):
        assert not concepts & declared(graph, kind)
    assert not any(isinstance(s, BNode) for s in graph.subjects(RDF.type, SKOS.Concept))


def test_protege_catalog_resolves_every_import_to_a_local_file() -> None:
    main = Graph().parse(ONTOLOGY / "peerkg.ttl")
    imports = {str(o) for o in main.objects(URIRef(PK), OWL.imports)}
    assert imports == {PK + "imports/external", PK + "components/alignments"}
    ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
    entries = {e.get("name"): e.get("uri") for e in ET.parse(ONTOLOGY / "catalog-v001.xml").findall("c:uri", ns)}
    assert set(entries) == imports
    for iri, local in entries.items():
        assert local is not None
        imported = Graph().parse(ONTOLOGY / local)
        assert (URIRef(iri), RDF.type, OWL.Ontology) in imported, f"{local} is not the ontology {iri}"
