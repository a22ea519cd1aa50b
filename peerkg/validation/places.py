"""SHACL results in the curator's words: which file, entry and field (YAML key and line, or sheet, row and
column, or Turtle node and property), which rule, and a hint."""

from __future__ import annotations

import math
import re
from functools import cache
from urllib.parse import unquote

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from peerkg.errors import Problem
from peerkg.loaders import Entry, Place
from peerkg.loaders.fieldmap import entry_format
from peerkg.loaders.lexical import invisible, invisible_hint, lexical_problem
from peerkg.namespaces import curie, entity_base, expand
from peerkg.ontology import scheme_names
from peerkg.ontology.spelling import suggestions
from peerkg.validation.context import static_context
from peerkg.validation.shapes import ShapeResult, about_field, shapes_graph

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@cache
def _field_names() -> dict[URIRef, dict[URIRef, str]]:
    """class -> property -> the entry-format key it comes from (intervention fields: those of the review)."""
    fmt = entry_format()
    names: dict[URIRef, dict[URIRef, str]] = {}
    for record in fmt.records.values():
        keys = names.setdefault(record.cls, {})
        for name, spec in record.fields.items():
            target = names.setdefault(record.sub_nodes[spec.on].cls, {}) if spec.on else keys
            if spec.property is not None:
                target.setdefault(spec.property, name)
            elif spec.kind == "sources":
                target.setdefault(fmt.terms["derived_from"], name)
            elif spec.kind == "provenance":
                keys.setdefault(fmt.terms["derived_from"], name)
    return names


def _first_step(report: Graph, path: Node | None) -> URIRef | None:
    """The property a result is about: its path, the first step of a sequence path, the first alternative
    of an alternative path."""
    if isinstance(path, URIRef):
        return path
    if isinstance(path, BNode):
        alternatives = report.value(path, SH.alternativePath)
        items = list(Collection(report, alternatives)) if alternatives is not None else []
        if not items and report.value(path, RDF.first) is not None:
            items = list(Collection(report, path))
        return _first_step(report, items[0]) if items else None
    return None


def result_property(result: ShapeResult, report: Graph) -> URIRef | None:
    """The field a result is about: the shape's pksh:aboutField if it has one (a node-level result has no
    path; a provenance rule's path leads to the sources, not to the field they lack), else its path."""
    about = shapes_graph().value(result.shape, about_field())
    return about if isinstance(about, URIRef) else _first_step(report, result.path)


def to_problem(entry: Entry, result: ShapeResult, report: Graph) -> Problem:
    """The result in the curator's words: file, entry, field and line, message, hint and rule."""
    place = _place(entry, result, result_property(result, report))
    return Problem(entry.file, result.message or f"breaks {result.rule}", entry.id, place.field, place.line,
                   hint(result, entry.graph), result.rule)


def _place(entry: Entry, result: ShapeResult, prop: URIRef | None) -> Place:
    if prop in entry_format().absent_values.values() and isinstance(result.value, URIRef):
        prop = result.value  # `field: not reported` (or not available, not applicable) is written where the field is
    for node in (result.focus, result.value):
        if isinstance(node, URIRef) and (node, prop) in entry.places:
            return entry.places[(node, prop)]
    key = ""
    if prop is not None:
        for cls in entry.graph.objects(result.focus, RDF.type):
            key = _field_names().get(cls, {}).get(prop, "")  # type: ignore[call-overload]
            if key:
                break
    node_place = entry.places.get((result.focus, None))  # type: ignore[arg-type]
    if node_place is not None:
        return node_place.key(key)
    base = entity_base()
    text = str(result.focus)[len(base):] if str(result.focus).startswith(base) else str(result.focus)
    return Place(f"{text} {curie(prop)}" if prop is not None else text)


def _vocabulary_hint(scheme: URIRef, value: URIRef, propose: bool = True) -> str:
    """`did you mean 'x'?` when the value is another spelling or a typo of a slug, label or alternative label
    of the scheme (peerkg.ontology.spelling: never a term of another meaning), else the allowed slugs and
    (`propose`) how to propose a new term."""
    prefix = str(scheme) + "/"
    context = static_context()
    names: dict[str, str] = {}
    for concept in context.subjects(SKOS.inScheme, scheme):
        slug = str(concept)[len(prefix):]
        names[slug] = slug
        for label in (*context.objects(concept, SKOS.prefLabel), *context.objects(concept, SKOS.altLabel)):
            names.setdefault(str(label), slug)
    given = unquote(str(value).rsplit("/", 1)[-1])
    close = suggestions(given, names)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close[:2]) + "?"
    name = str(scheme).rsplit("/", 1)[-1]
    allowed = ", ".join(sorted(set(names.values())))
    if not propose:
        return f"allowed: {allowed}"
    return f"allowed: {allowed}; if none fits, propose a term: proposed_terms: [{{scheme: {name}, " \
           f"id: {given if IDENTIFIER.fullmatch(given) else 'a-slug'}, label: ..., definition: ..., " \
           "broader: <the existing term it is a kind of>}] (loaders/README.md, Proposing a term)"


def _log_ratio_hint(result: ShapeResult, graph: Graph) -> str:
    """For a ratio recorded below 0: the ratio its numbers would be if they were natural logs, and the log
    measure of the vocabulary (slug `log-` + the ratio's slug), e.g. `this looks like a log odds ratio (OR
    0.66, 95% CI 0.49 to 0.88); record the ratio or use measure log-or`."""
    measure = graph.value(result.focus, expand("pk:effectMeasure"))
    numbers = {}
    for name in ("estimate", "ciLower", "ciUpper"):
        value = graph.value(result.focus, expand(f"pk:{name}"))
        if isinstance(value, Literal):
            try:
                numbers[name] = float(str(value))
            except ValueError:
                return ""
    if not isinstance(measure, URIRef) or not numbers or min(numbers.values()) > 0:
        return ""
    slug = str(measure).rsplit("/", 1)[-1]
    log_measure = URIRef(str(measure)[: -len(slug)] + "log-" + slug)
    context = static_context()
    label = context.value(log_measure, SKOS.prefLabel)
    if label is None:
        return ""
    ratio = f"{slug.upper()} {math.exp(numbers['estimate']):.2f}" if "estimate" in numbers else slug.upper()
    if "ciLower" in numbers and "ciUpper" in numbers:
        ratio += f", 95% CI {math.exp(numbers['ciLower']):.2f} to {math.exp(numbers['ciUpper']):.2f}"
    return f"this looks like a {label} ({ratio}); record the ratio or use measure log-{slug}"


def hint(result: ShapeResult, graph: Graph | None = None) -> str:
    """What to do about a result, where the shape and the value allow a specific hint; else "". `graph`,
    the entry's graph, gives hints that need the other fields of the node (a log ratio's exp)."""
    shapes = shapes_graph()
    value = result.value
    if graph is not None and result.rule == "EffectEstimate-ratio-above-zero":
        return _log_ratio_hint(result, graph)
    if graph is not None and result.rule == "ProposedTerm-broader-in-scheme" and isinstance(value, URIRef):
        scheme = graph.value(result.focus, SKOS.inScheme)
        return _vocabulary_hint(scheme, value, propose=False) if isinstance(scheme, URIRef) else ""
    if result.rule == "ProposedTerm-scheme" and isinstance(value, URIRef):
        given = unquote(str(value).rsplit("/", 1)[-1])
        close = suggestions(given, {name: name for name in scheme_names()})
        return f"did you mean {close[0]!r}?" if close else "vocabularies: " + ", ".join(scheme_names())
    if isinstance(value, Literal | URIRef) and invisible(unquote(str(value))):
        return invisible_hint(unquote(str(value)))
    if result.component == "NodeConstraintComponent" and isinstance(value, URIRef):
        scheme_shape = shapes.value(result.shape, SH.node)
        scheme = None
        for prop_shape in shapes.objects(scheme_shape, SH.property):
            scheme = shapes.value(prop_shape, SH.hasValue)
        if isinstance(scheme, URIRef):
            return _vocabulary_hint(scheme, value)
    if result.component == "ClassConstraintComponent" and isinstance(value, URIRef):
        base = entity_base()
        if str(value).startswith(base):
            return f"the graph holds no {curie(shapes.value(result.shape, SH['class']) or '')} " \
                   f"{str(value)[len(base):]!r}: check the entry id, or add that entry first"
    if result.component == "DatatypeConstraintComponent":
        expected = shapes.value(result.shape, SH.datatype)
        if isinstance(value, Literal) and value.datatype is not None and value.datatype == expected:
            problem = lexical_problem(value)  # the right datatype, but a text outside its lexical space
            return problem[1] if problem else f"{str(value)!r} is not a valid {curie(expected)}"
        got = curie(value.datatype) if isinstance(value, Literal) and value.datatype else "text"
        if isinstance(value, Literal) and value.datatype is None:
            got = f"the text {str(value)!r}"
        return f"expected {curie(expected) if expected else 'another datatype'}, got {got}"
    if result.component == "ClosedConstraintComponent" and result.path is not None:
        return f"{curie(result.path)} is not a field of this kind of node"
    return ""
