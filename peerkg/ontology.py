"""What the ontology holds, for `peerkg info` and `peerkg build`."""

from __future__ import annotations

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from peerkg import resources
from peerkg.namespaces import prefixes


def ontology_graph(with_vocabularies: bool = True) -> Graph:
    graph = Graph()
    graph.parse(resources.path("ontology", "peerkg.ttl"))
    if with_vocabularies:
        for path in sorted(resources.path("ontology", "vocab").glob("*.ttl")):
            graph.parse(path)
    return graph


def summary() -> list[str]:
    graph = ontology_graph()
    namespace = prefixes()["pk"]
    onto = next(graph.subjects(RDF.type, OWL.Ontology))

    def ours(kind: URIRef) -> list[str]:
        return sorted(str(s)[len(namespace):] for s in graph.subjects(RDF.type, kind)
                      if str(s).startswith(namespace))

    title = graph.value(onto, next(p for p in graph.predicates(onto) if str(p).endswith("title")))
    lines = [f"{title} ({onto}), version {graph.value(onto, OWL.versionInfo)}"]
    for label, kind in (("classes", OWL.Class), ("object properties", OWL.ObjectProperty),
                        ("datatype properties", OWL.DatatypeProperty),
                        ("annotation properties", OWL.AnnotationProperty)):
        names = ours(kind)
        lines.append(f"{len(names):3d} {label}: {', '.join(names)}")
    schemes = sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str)
    lines.append(f"{len(schemes):3d} vocabularies (SKOS concept schemes):")
    for scheme in schemes:
        concepts = list(graph.subjects(SKOS.inScheme, scheme))
        label = str(graph.value(scheme, SKOS.prefLabel) or graph.value(scheme, RDFS.label))
        lines.append(f"    {str(scheme).rsplit('/', 1)[-1]:<18} {len(concepts):3d} concepts  ({label})")
    return lines
