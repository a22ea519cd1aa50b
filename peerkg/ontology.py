"""What the ontology holds, for `peerkg info` and `peerkg build`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from peerkg import resources
from peerkg.namespaces import prefixes


def ontology_files() -> list[Path]:
    """The peerkg ontology: its main file and the components it imports (ODK practice)."""
    return [resources.path("ontology", "peerkg.ttl"), resources.path("ontology", "alignments.ttl")]


def import_module_files() -> list[Path]:
    return sorted(resources.path("ontology", "imports").glob("*.ttl"))


@cache
def imported_ontologies() -> frozenset[URIRef]:
    """What peerkg.ttl imports: its components and import module (resolved locally, never fetched)."""
    graph = Graph().parse(resources.path("ontology", "peerkg.ttl"))
    return frozenset(o for o in graph.objects(None, OWL.imports) if isinstance(o, URIRef))


def merge_imports(graph: Graph) -> Graph:
    """Merges as `robot merge` does: the imported files' content stays, their headers and the owl:imports
    go, so that the graph is one ontology and no OWL tool tries to fetch an import."""
    graph.remove((None, OWL.imports, None))
    for imported in imported_ontologies():
        graph.remove((imported, None, None))
    return graph


def ontology_graph(with_vocabularies: bool = True, with_imports: bool = False) -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path)
    if with_imports:
        for path in import_module_files():
            graph.parse(path)
    if with_vocabularies:
        for path in sorted(resources.path("ontology", "vocab").glob("*.ttl")):
            graph.parse(path)
    return merge_imports(graph)


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
