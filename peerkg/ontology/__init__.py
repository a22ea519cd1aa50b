"""The ontology and its vocabularies: the files, the graphs made from them, and what they hold.

The one place the artifact graphs are read: the ontology (with its components), the import module of
external terms, the SKOS vocabularies and the source documents, each a named graph of the store.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from peerkg import resources
from peerkg.namespaces import graph_name, prefixes, vocabulary_base
from peerkg.turtle import parse_turtle


def ontology_files() -> list[Path]:
    """The peerkg ontology: its main file and the components it imports (ODK practice)."""
    return [resources.path("ontology", "peerkg.ttl"), resources.path("ontology", "alignments.ttl")]


def import_module_files() -> list[Path]:
    """The import module: the external terms the ontology uses (ontology/imports/*.ttl)."""
    return sorted(resources.path("ontology", "imports").glob("*.ttl"))


@cache
def imported_ontologies() -> frozenset[URIRef]:
    """What peerkg.ttl imports: its components and import module (resolved locally, never fetched)."""
    graph = parse_turtle(resources.path("ontology", "peerkg.ttl"))
    return frozenset(o for o in graph.objects(None, OWL.imports) if isinstance(o, URIRef))


def merge_imports(graph: Graph) -> Graph:
    """Merges as `robot merge` does: the imported files' content stays, their headers and the owl:imports
    go, so that the graph is one ontology and no OWL tool tries to fetch an import."""
    graph.remove((None, OWL.imports, None))
    for imported in imported_ontologies():
        graph.remove((imported, None, None))
    return graph


def vocabulary_files() -> list[Path]:
    """The SKOS schemes of ontology/vocab/."""
    return sorted(resources.path("ontology", "vocab").glob("*.ttl"))


def artifact_graphs() -> list[tuple[str, Graph]]:
    """The ontology, its import module and the vocabularies: (named graph IRI, graph). The source documents
    are declared by entries (`documents:`), as any other fact."""
    parts: list[tuple[str, list[Path]]] = [
        ("ontology", ontology_files()),
        ("imports", import_module_files()),
        ("vocabularies", vocabulary_files()),
    ]
    graphs = []
    for name, files in parts:
        graph = Graph()
        for file in files:
            parse_turtle(file, graph)
        graphs.append((graph_name(name), merge_imports(graph)))
    return graphs


@cache
def vocabulary_graph() -> Graph:
    """All SKOS schemes of ontology/vocab/ in one graph (read once per process)."""
    graph = Graph()
    for path in vocabulary_files():
        parse_turtle(path, graph)
    return graph


def scheme_iri(scheme: str) -> URIRef:
    """The IRI of the SKOS scheme named `scheme` (e.g. `outcome`)."""
    return URIRef(vocabulary_base() + scheme)


def concept_iri(scheme: str, slug: str) -> URIRef:
    """The IRI of the concept `slug` of scheme `scheme` (whether or not the scheme holds it)."""
    return URIRef(f"{vocabulary_base()}{scheme}/{slug}")


@cache
def scheme_slugs(scheme: str) -> frozenset[str]:
    """The slugs of the concepts in one scheme of ontology/vocab/ (empty for an unknown scheme)."""
    prefix = f"{vocabulary_base()}{scheme}/"
    concepts = vocabulary_graph().subjects(SKOS.inScheme, scheme_iri(scheme))
    return frozenset(str(c)[len(prefix):] for c in concepts if str(c).startswith(prefix))


@cache
def scheme_names() -> tuple[str, ...]:
    """The names of the SKOS schemes of ontology/vocab/ (e.g. `outcome`), sorted."""
    base = vocabulary_base()
    schemes = vocabulary_graph().subjects(RDF.type, SKOS.ConceptScheme)
    return tuple(sorted(str(s)[len(base):] for s in schemes if str(s).startswith(base)))


def ontology_graph(with_vocabularies: bool = True, with_imports: bool = False) -> Graph:
    """The ontology as one merged graph, with its vocabularies and (optionally) its import module."""
    graph = Graph()
    for path in ontology_files():
        parse_turtle(path, graph)
    if with_imports:
        for path in import_module_files():
            parse_turtle(path, graph)
    if with_vocabularies:
        for path in vocabulary_files():
            parse_turtle(path, graph)
    return merge_imports(graph)


def summary() -> list[str]:
    """What `peerkg info` prints: title and version, our classes and properties, and each vocabulary."""
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
