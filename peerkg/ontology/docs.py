"""`peerkg docs`: one HTML page documenting the ontology, generated from it.

Classes, object, datatype and annotation properties (label, definition, axioms, alignments), the SKOS
schemes with their concepts and mappings, and the external terms of the import module. The page is plain
HTML with a little CSS, no scripts, and the same bytes for the same ontology: everything is sorted and
nothing depends on the time or the machine. (pyLODE would do much of this, but it pulls in rdflib-jsonld
and rdflib-shim, which do not fit rdflib 7; a page of our own is short and reproducible.)
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from peerkg.namespaces import prefixes
from peerkg.ontology import ontology_graph

OURS = "https://w3id.org/peerkg/"
HAS_DBXREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
VOCAB = OURS + "vocab/"
MATCHES = ((SKOS.exactMatch, "exact match"), (SKOS.closeMatch, "close match"),
           (SKOS.broadMatch, "broader match"), (SKOS.narrowMatch, "narrower match"),
           (SKOS.relatedMatch, "related match"))
CHARACTERISTICS = frozenset({OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.InverseFunctionalProperty,
                             OWL.SymmetricProperty, OWL.AsymmetricProperty})
KINDS = (("classes", OWL.Class, "Classes"), ("object-properties", OWL.ObjectProperty, "Object properties"),
         ("datatype-properties", OWL.DatatypeProperty, "Datatype properties"),
         ("annotation-properties", OWL.AnnotationProperty, "Annotation properties"))
CSS = """body{font-family:system-ui,sans-serif;max-width:68rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #444;margin-top:2.5rem}
section.term{border:1px solid #ccc;border-radius:6px;padding:.4rem 1rem;margin:1rem 0}
section.term h3{margin:.3rem 0}code{background:#f3f3f3;padding:0 .2rem}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.2rem .4rem;vertical-align:top;text-align:left}
dt{font-weight:600;margin-top:.3rem}dd{margin-left:1.2rem}.iri{color:#555;font-size:.9em}
nav li{display:inline;margin-right:1rem}"""


class Page:
    """Renders terms of one graph (ontology, vocabularies and import module merged)."""

    def __init__(self, graph: Graph):
        self.g = graph
        self.table = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))

    # -- names ---------------------------------------------------------------------------------
    def curie(self, iri: Node | None) -> str:
        for prefix, namespace in self.table:
            if str(iri).startswith(namespace) and len(str(iri)) > len(namespace):
                return f"{prefix}:{str(iri)[len(namespace):]}"
        return str(iri)

    def label(self, node: Node | None) -> str:
        if node is None:
            return ""
        for prop in (RDFS.label, SKOS.prefLabel):
            values = sorted(self.g.objects(node, prop), key=lambda v: (getattr(v, "language", "") != "en", str(v)))
            if values:
                return str(values[0])
        return self.curie(node)

    def anchor(self, iri: Node) -> str:
        return self.curie(iri).replace(":", "-")

    def link(self, node: Node) -> str:
        if isinstance(node, BNode):
            return self.expression(node)
        if isinstance(node, Literal):
            return escape(str(node))
        text = f"{escape(self.label(node))} <span class=\"iri\">{escape(self.curie(node))}</span>"
        if str(node).startswith(OURS) and (node, RDF.type, None) in self.g:
            return f"<a href=\"#{escape(self.anchor(node))}\">{text}</a>"
        return f"<a href=\"{escape(str(node))}\">{text}</a>"

    def expression(self, node: Node) -> str:
        """A class expression in the Manchester style (the forms the ontology uses)."""
        g = self.g
        if not isinstance(node, BNode):
            return self.link(node)
        for op, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            members = g.value(node, op)
            if members is not None:
                return "(" + word.join(self.expression(m) for m in Collection(g, members)) + ")"
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            for key, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"),
                              (OWL.hasValue, "value")):
                value = g.value(node, key)
                if value is not None:
                    return f"({self.link(prop)} <b>{word}</b> {self.expression(value)})"
        return escape(str(node))

    # -- pieces --------------------------------------------------------------------------------
    def values(self, subject: Node, prop: URIRef) -> list[Node]:
        return sorted(self.g.objects(subject, prop), key=lambda n: (isinstance(n, BNode), self.curie(n)))

    def facts(self, subject: URIRef, rows: Iterable[tuple[str, URIRef]]) -> list[str]:
        out = []
        for title, prop in rows:
            shown = [self.link(v) for v in self.values(subject, prop)]
            if shown:
                out.append(f"<dt>{escape(title)}</dt><dd>{', '.join(shown)}</dd>")
        return out

    def matches(self, subject: URIRef) -> list[str]:
        return self.facts(subject, [(word, prop) for prop, word in MATCHES])

    def term(self, iri: URIRef) -> str:
        g = self.g
        rows = [f"<dt>IRI</dt><dd><code>{escape(str(iri))}</code></dd>"]
        rows += self.facts(iri, [("definition", SKOS.definition), ("comment", RDFS.comment)])
        rows += self.facts(iri, [("subclass of", RDFS.subClassOf), ("equivalent to", OWL.equivalentClass),
                                 ("disjoint with", OWL.disjointWith), ("subproperty of", RDFS.subPropertyOf),
                                 ("domain", RDFS.domain), ("range", RDFS.range), ("inverse of", OWL.inverseOf)])
        chains = [" o ".join(self.link(p) for p in Collection(g, c)) for c in self.values(iri, OWL.propertyChainAxiom)]
        rows += [f"<dt>property chain</dt><dd>{c}</dd>" for c in chains]
        traits = sorted(self.curie(t) for t in set(g.objects(iri, RDF.type)) & CHARACTERISTICS)
        if traits:
            rows.append(f"<dt>characteristics</dt><dd>{escape(', '.join(traits))}</dd>")
        rows += self.matches(iri)
        used = [(title, sorted(g.subjects(prop, iri), key=self.curie)) for title, prop in
                (("domain of", RDFS.domain), ("range of", RDFS.range), ("superclass of", RDFS.subClassOf))]
        rows += [f"<dt>{title}</dt><dd>{', '.join(self.link(s) for s in subs if isinstance(s, URIRef))}</dd>"
                 for title, subs in used if any(isinstance(s, URIRef) for s in subs)]
        return (f"<section class=\"term\" id=\"{escape(self.anchor(iri))}\">"
                f"<h3>{escape(self.label(iri))}</h3><dl>{''.join(rows)}</dl></section>")

    def ours(self, kind: URIRef) -> list[URIRef]:
        found = {s for s in self.g.subjects(RDF.type, kind)
                 if isinstance(s, URIRef) and str(s).startswith(OURS) and not str(s).startswith(VOCAB)}
        return sorted(found, key=lambda s: (self.label(s).lower(), str(s)))

    def scheme(self, scheme: URIRef) -> str:
        g = self.g
        concepts = set(g.subjects(SKOS.inScheme, scheme))

        def tree(concept: Node, depth: int) -> list[str]:
            notation = ", ".join(str(n) for n in self.values(concept, SKOS.notation))
            mapped = "; ".join(f"{word}: {', '.join(self.link(v) for v in self.values(concept, p))}"
                               for p, word in MATCHES if self.values(concept, p))
            row = (f"<tr id=\"{escape(self.anchor(concept))}\"><td style=\"padding-left:{0.4 + 1.2 * depth:.1f}rem\">"
                   f"{escape(self.label(concept))}<br><span class=\"iri\">{escape(self.curie(concept))}</span></td>"
                   f"<td>{escape(notation)}</td><td>{escape(str(g.value(concept, SKOS.definition) or ''))}</td>"
                   f"<td>{mapped}</td></tr>")
            narrower = sorted((c for c in concepts if (c, SKOS.broader, concept) in g), key=self.curie)
            return [row] + [r for c in narrower for r in tree(c, depth + 1)]

        tops = sorted((c for c in concepts if not any(b in concepts for b in g.objects(c, SKOS.broader))),
                      key=self.curie)
        typed = [self.link(c) for r in g.subjects(OWL.hasValue, scheme)
                 if g.value(r, OWL.onProperty) == SKOS.inScheme for c in self.values(r, RDFS.subClassOf)]
        every = f"<p>Every concept of this scheme is a {', '.join(sorted(typed))}.</p>" if typed else ""
        rows = [r for c in tops for r in tree(c, 0)]
        return (f"<section class=\"scheme\" id=\"{escape(self.anchor(scheme))}\">"
                f"<h3>{escape(self.label(scheme))} <span class=\"iri\">{escape(str(scheme))}</span></h3>"
                f"<p>{escape(str(g.value(scheme, SKOS.definition) or ''))}</p>{every}"
                f"<table><tr><th>concept</th><th>notation</th><th>definition</th><th>mappings</th></tr>"
                f"{''.join(rows)}</table></section>")

    def external(self) -> str:
        g = self.g
        terms = sorted({s for s in g.subjects(RDFS.isDefinedBy, None)
                        if isinstance(s, URIRef) and not str(s).startswith(OURS)}, key=self.curie)
        def stated(term: URIRef) -> str:
            """What the term's own ontology maps it to (MONDO's matches to DOID and NCIT, ICD-10 codes)."""
            found = [self.link(v) for v in self.values(term, SKOS.exactMatch)]
            found += [escape(str(v)) for v in self.values(term, HAS_DBXREF)]
            return ", ".join(found)

        rows = [f"<tr><td><a href=\"{escape(str(t))}\">{escape(self.curie(t))}</a></td><td>{escape(self.label(t))}</td>"
                f"<td>{escape(self.label(g.value(t, RDFS.isDefinedBy)))}</td><td>{stated(t)}</td>"
                f"<td>{escape(str(g.value(t, DCTERMS.source) or ''))}</td></tr>" for t in terms]
        return ("<table><tr><th>term</th><th>label</th><th>source ontology</th><th>its ontology maps it to</th>"
                "<th>label read from</th></tr>" + "".join(rows) + "</table>")

    def render(self) -> str:
        g = self.g
        onto = URIRef(OURS)
        title = str(g.value(onto, DCTERMS.title))
        head = [f"<dt>IRI</dt><dd><code>{escape(str(onto))}</code></dd>"]
        head += self.facts(onto, [("version", OWL.versionInfo), ("version IRI", OWL.versionIRI),
                                  ("licence", DCTERMS.license), ("source", DCTERMS.source)])
        sections = []
        nav = []
        for slug, kind, heading in KINDS:
            terms = self.ours(kind)
            nav.append(f"<li><a href=\"#{slug}\">{heading} ({len(terms)})</a></li>")
            sections.append(f"<h2 id=\"{slug}\">{heading}</h2>" + "".join(self.term(t) for t in terms))
        schemes = sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str)
        nav.append(f"<li><a href=\"#vocabularies\">Vocabularies ({len(schemes)})</a></li>")
        sections.append("<h2 id=\"vocabularies\">Vocabularies (SKOS concept schemes)</h2>"
                        + "".join(self.scheme(s) for s in schemes if isinstance(s, URIRef)))
        nav.append("<li><a href=\"#external-terms\">External terms</a></li>")
        sections.append("<h2 id=\"external-terms\">External terms (import module)</h2>"
                        "<p>The external terms peerkg uses, with their labels as their ontologies give them.</p>"
                        + self.external())
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
                f"<h1>{escape(title)}</h1><p>{escape(str(g.value(onto, DCTERMS.description) or ''))}</p>"
                f"<dl>{''.join(head)}</dl><nav><ul>{''.join(nav)}</ul></nav>"
                + "\n".join(sections) + "\n</body></html>\n")


def documentation() -> str:
    """The HTML page of the ontology as it is in ontology/ (with its alignments, vocabularies and imports)."""
    return Page(ontology_graph(with_vocabularies=True, with_imports=True)).render()
