"""The SHACL shapes of shapes/ and running them with pySHACL.

The shapes are the one rulebook: every rule about values (cardinality, vocabularies, ranges, cross-field
rules) is a shape, named by its IRI under `pksh:` (the rule name reports show, e.g. `Finding-numberOfStudies`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from peerkg import resources
from peerkg.namespaces import project_base, shapes_base
from peerkg.ontology import ontology_graph
from peerkg.turtle import parse_turtle

if TYPE_CHECKING:  # pySHACL and rdflib's SPARQL engine are imported when shapes run, not by every command
    from rdflib.plugins.sparql.sparql import Query

SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def about_field() -> URIRef:
    """`pksh:aboutField`: the field a node-level shape is about, for reports that have no result path."""
    return URIRef(shapes_base() + "aboutField")


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, in the terms of the graph."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: str      # violation | warning | info
    message: str
    component: str     # the constraint component's local name, e.g. MinCountConstraintComponent
    node: Node         # the result node in the results graph

    @property
    def rule(self) -> str:
        """The shape's name without `pksh:` (e.g. `Paper-doi`), or its full IRI for a shape of elsewhere."""
        text, base = str(self.shape), shapes_base()
        return text[len(base):] if text.startswith(base) else text


def shape_files() -> list[Path]:
    """The shapes for entries: shapes/*.ttl, except the ontology-*.ttl shapes that check the ontology."""
    return sorted(p for p in resources.path("shapes").glob("*.ttl") if not p.name.startswith("ontology"))


def ontology_shape_files() -> list[Path]:
    """The shapes that check the ontology and its vocabularies themselves (labels, definitions, schemes)."""
    return sorted(resources.path("shapes").glob("ontology*.ttl"))


@cache
def shapes_graph() -> Graph:
    """The shapes for entries as one graph, read once per process."""
    graph = Graph()
    for file in shape_files():
        parse_turtle(file, graph)
    return graph


@cache
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


class _PreparedQueries(Graph):
    """A view of a graph (same store, nothing copied) whose `query` parses each SPARQL text once per process.

    pySHACL runs a SPARQL-based constraint once per focus node with the same text and `$this` bound, and
    rdflib would parse the text (pyparsing, 10-20 ms) every time: more than half of a build's validation.
    The prepared query is the one rdflib's own `query` would make (same text, same namespaces)."""

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and kwargs.get("initNs") is None and (len(args) < 3 or args[2] is None):
            namespaces = tuple(sorted((p, str(n)) for p, n in self.namespaces()))
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, *args, **kwargs)


@cache
def _compiled_shapes() -> Any:
    """pySHACL's compiled form of the shapes for entries (its ShapesGraph, whose shapes are harvested from
    the graph on first use, about 50 ms), made once per process: the shapes hold no state of a data graph."""
    from pyshacl.shapes_graph import ShapesGraph

    return ShapesGraph(shapes_graph())


def run_shapes(data: Graph, shapes: Graph | None = None, fast: bool = True) -> tuple[list[ShapeResult], Graph]:
    """Every SHACL result of `data` (violations, warnings, infos), sorted by focus node and rule, and
    pySHACL's results graph. `shapes` defaults to the shapes for entries. `fast`: through
    peerkg.validation.fastpath (same results, no text report, no thrown-away branch results), and the
    shapes for entries compiled once per process; otherwise pySHACL exactly as it comes. Never changes
    `data`."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    from peerkg.validation.fastpath import fast_results

    view = _PreparedQueries(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
    validator = Validator(DataGraph.from_rdflib(view), shacl_graph=shapes or shapes_graph(),
                          options={"allow_warnings": True, "allow_infos": True})
    if fast and shapes is None:
        validator.shacl_graph = _compiled_shapes()
    with fast_results(fast):
        _, report, _ = validator.run()  # type: ignore[no-untyped-call]
    return parse_results(report), report


def parse_results(report: Graph) -> list[ShapeResult]:
    """The sh:ValidationResult nodes of a SHACL results graph, sorted by focus node, rule, path and value."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        component = report.value(node, SH.sourceConstraintComponent)
        severity = report.value(node, SH.resultSeverity)
        results.append(ShapeResult(
            focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            shape=report.value(node, SH.sourceShape),  # type: ignore[arg-type]
            severity=SEVERITIES.get(severity, "violation") if isinstance(severity, URIRef) else "violation",
            message=" ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
            component=str(component).rsplit("#", 1)[-1] if component is not None else "",
            node=node,
        ))
    return sorted(results, key=lambda r: (str(r.focus), r.rule, str(r.path), str(r.value)))


def validate_ontology() -> tuple[bool, list[ShapeResult]]:
    """The ontology and its vocabularies against shapes/ontology-*.ttl: (conforms, every result)."""
    shapes = Graph()
    for file in ontology_shape_files():
        parse_turtle(file, shapes)
    results, _ = run_shapes(ontology_graph(), shapes)
    return not any(r.severity == "violation" for r in results), results


@dataclass(frozen=True)
class FieldRules:
    """What the shapes say of one field (a property on a class), for forms such as the extraction workbook."""

    required: bool          # at least one value (or, where allowed, `not reported`)
    not_reported: bool      # `not reported` is an allowed answer


@cache
def field_rules(cls: URIRef, prop: URIRef) -> FieldRules:
    """The rules of the shapes for property `prop` on nodes of class `cls` (read from the shapes, never
    restated): required when a property shape of that class has sh:minCount 1 or more on it, or a node shape
    about it demands a value or `not reported` (sh:xone); `not reported` allowed when the class's
    pk:notReported shape lists the property in its sh:in."""
    ask = """
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK { { ?shape sh:targetClass ?cls ; sh:path ?prop ; sh:minCount ?n FILTER (?n >= 1) }
              UNION { ?shape sh:targetClass ?cls ; sh:xone/rdf:rest*/rdf:first ?alt .
                      ?alt sh:path ?prop ; sh:minCount ?n FILTER (?n >= 1) } }"""
    allowed = """
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK { ?shape sh:targetClass ?cls ; sh:path ?notReported ; sh:in/rdf:rest*/rdf:first ?prop }"""
    graph = shapes_graph()
    bindings = {"cls": cls, "prop": prop, "notReported": URIRef(project_base() + "notReported")}
    return FieldRules(bool(graph.query(ask, initBindings=bindings).askAnswer),
                      bool(graph.query(allowed, initBindings=bindings).askAnswer))
