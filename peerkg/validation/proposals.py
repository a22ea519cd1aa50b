"""The warning that a term an entry proposes has a label close to a label of its scheme.

Closeness of text is no SHACL constraint, so this one check of a proposed term is made here, not in
shapes/ (whose ProposedTerm-* shapes check everything else about a proposal); it reports under the rule name
`ProposedTerm-label-close`, with severity warning: the term may join, but the curator should look whether
the existing term fits. Closeness is peerkg.ontology.spelling.close_labels.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from peerkg.errors import Problem
from peerkg.loaders import Entry, Place
from peerkg.namespaces import expand
from peerkg.ontology.spelling import close_labels

RULE = "ProposedTerm-label-close"


def close_label_problems(entry: Entry, context: Graph) -> list[Problem]:
    """For each term `entry` proposes (subject of pk:proposedBy), a warning per label (preferred or
    alternative) close to a label of another term of its scheme in `context` (the vocabularies) or in the
    entry: file, entry, field (the proposal's `label`), line, message naming the close term and its slug."""
    problems = []
    graph = entry.graph
    terms = sorted({t for t in graph.subjects(expand("pk:proposedBy"), None) if isinstance(t, URIRef)})
    for term in terms:
        scheme = graph.value(term, SKOS.inScheme)
        if not isinstance(scheme, URIRef):
            continue
        others: dict[str, URIRef] = {}
        for source in (context, graph):
            for other in source.subjects(SKOS.inScheme, scheme):
                if other != term and isinstance(other, URIRef):
                    for name in (*source.objects(other, SKOS.prefLabel), *source.objects(other, SKOS.altLabel)):
                        others.setdefault(str(name), other)
        for label in sorted(str(text) for text in graph.objects(term, SKOS.prefLabel)):
            for close in close_labels(label, others):
                slug = str(others[close]).rsplit("/", 1)[-1]
                place = entry.places.get((term, SKOS.prefLabel)) or entry.places.get((term, None)) or Place("")
                problems.append(Problem(
                    entry.file, f"the label {label!r} of the proposed term is close to {close!r}, a term of the "
                    f"{str(scheme).rsplit('/', 1)[-1]} vocabulary ({slug})", entry.id, place.field, place.line,
                    f"if {slug!r} means the same, use it instead of proposing a term", RULE))
    return problems
