"""The SHACL shapes: meta-SHACL, every shape with a conforming and a non-conforming fixture (which shape fired,
on which focus node and path), the shapes agree with the entry format, the ontology shapes, the curated data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from peerkg.loaders import read_entries
from peerkg.loaders.fieldmap import entry_format
from peerkg.namespaces import expand, prefixes, shapes_base, sparql_prefix_block
from peerkg.validation.context import static_context
from peerkg.validation.shapes import run_shapes, shapes_graph, validate_ontology

HERE = Path(__file__).resolve().parent / "shapes"
CASES: list[dict[str, Any]] = yaml.safe_load((HERE / "cases.yaml").read_text("utf-8"))
BASE = entry_format().base


def node(token: str) -> URIRef:
    """An entry node relative to the id base (test-2020/finding/1), or a CURIE (pk:Review)."""
    prefix, sep, _ = token.partition(":")
    if sep and prefix in prefixes():
        return expand(token)
    return URIRef(BASE + token)


def term(text: str) -> Node:
    """A Turtle term written in a case: a CURIE, an entry node, a literal."""
    if not text.startswith(('"', "<")) and not text[0].isdigit() and text[0] not in "+-" \
            and text not in ("true", "false"):
        return node(text)
    graph = Graph().parse(data=_turtle_prefixes() + f"<urn:s> <urn:p> {text} .", format="turtle")
    return next(graph.objects())


def _turtle_prefixes() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes().items())


def base_graph() -> Graph:
    graph = Graph()
    # one batch: the review quotes the documents the umbrella review declares
    loaded = read_entries([HERE / "review.yaml", HERE / "umbrella.yaml"])
    loaded.raise_problems()
    for entry in loaded.entries:
        graph += entry.graph
    graph += static_context()
    return graph


def apply(graph: Graph, edits: str | list[str]) -> Graph:
    for edit in [edits] if isinstance(edits, str) else edits:
        op, subject, prop, *rest = edit.split(" ", 3)
        s, p = node(subject), node(prop)
        value = term(rest[0]) if rest else None
        if op in ("drop", "set"):
            graph.remove((s, p, None))
        if op in ("set", "add"):
            assert value is not None, edit
            graph.add((s, p, value))
        if op == "remove":
            assert (s, p, value) in graph, f"{edit}: the base has no such triple"
            graph.remove((s, p, value))
    return graph


def named_shapes() -> set[str]:
    """Every shape a result can come from (the Term-* shapes are reached only through sh:node: their cases
    are those of the property shapes that use them)."""
    graph = shapes_graph()
    names = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in graph.subjects(RDF.type, kind):
            name = str(shape)[len(shapes_base()):]
            if isinstance(shape, URIRef) and str(shape).startswith(shapes_base()) and not name.startswith("Term-"):
                names.add(name)
    # node shapes that only gather property shapes never are the source of a result
    return {n for n in names if _own_constraints(URIRef(shapes_base() + n))}


def _own_constraints(shape: URIRef) -> bool:
    graph = shapes_graph()
    structural = {RDF.type, SH.property, SH.targetClass, SH.targetSubjectsOf, SH.message, SH.severity,
                  URIRef(shapes_base() + "aboutField"), SH.ignoredProperties}
    return any(p not in structural for p in graph.predicates(shape))


def first_step(report: Graph, path: Node | None) -> Node | None:
    if path is None or isinstance(path, URIRef):
        return path
    alternatives = report.value(path, SH.alternativePath)
    items = list(Collection(report, alternatives if alternatives is not None else path))
    return first_step(report, items[0]) if items else None


def test_shapes_pass_the_meta_shacl_check() -> None:
    import pyshacl

    for file in sorted((REPO / "shapes").glob("*.ttl")):
        conforms, _, text = pyshacl.validate(Graph(), shacl_graph=Graph().parse(file), meta_shacl=True)
        assert conforms, f"{file.name}: {text}"


def test_every_shape_has_a_message_and_a_deliberate_severity() -> None:
    graph = shapes_graph()
    for name in sorted(named_shapes()):
        shape = URIRef(shapes_base() + name)
        assert graph.value(shape, SH.message) is not None, f"{name} has no sh:message"
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), name


def test_every_shape_has_a_non_conforming_fixture() -> None:
    assert sorted(named_shapes() - {c["shape"] for c in CASES}) == []
    assert sorted({c["shape"] for c in CASES} - named_shapes()) == []


def test_the_base_fixture_conforms_and_gives_every_shape_focus_nodes() -> None:
    """The conforming fixture of every shape: no result at all, and each shape has something to check."""
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.shapes_graph import ShapesGraph

    graph = base_graph()
    results, _ = run_shapes(graph)
    assert [(r.rule, str(r.focus), r.message) for r in results] == []
    compiled = ShapesGraph(shapes_graph())
    _ = compiled.shapes  # harvests the shapes
    data = DataGraph.from_rdflib(graph)
    shapes_graph_ = shapes_graph()
    idle = []
    for name in sorted(named_shapes()):
        shape = URIRef(shapes_base() + name)
        owners = [shape] if _has_target(shape) else list(shapes_graph_.subjects(SH.property, shape))
        if not any(compiled.lookup_shape_from_node(o).focus_nodes(data) for o in owners):
            idle.append(name)
    assert idle == []


def _has_target(shape: URIRef) -> bool:
    graph = shapes_graph()
    return any(graph.value(shape, p) is not None for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetNode))


@pytest.mark.parametrize("case", CASES, ids=[c["shape"] for c in CASES])
def test_shape_fires_on_its_non_conforming_fixture(case: dict[str, Any]) -> None:
    graph = apply(base_graph(), case["edit"])
    results, report = run_shapes(graph)
    fired = [r for r in results if r.rule == case["shape"]]
    assert fired, f"{case['shape']} did not fire; fired: {sorted({r.rule for r in results})}"
    focus = node(case["focus"])
    path = expand(case["path"]) if "path" in case else None
    found = [(r.focus, first_step(report, r.path)) for r in fired]
    assert (focus, path) in found, found


def test_shapes_agree_with_the_entry_format() -> None:
    """Every given-or-not-reported rule (sh:xone of a value or pk:notReported) is about a field the node's
    pk:notReported shape allows to be `not reported` (an optional field may be allowed without such a rule);
    a review-level fact has a provenance rule. (Whether a field may be `not reported` is written once, in
    the shapes; the entry format only maps it.)"""
    graph = shapes_graph()
    fmt = entry_format()
    classes = {r.cls: r for r in fmt.records.values()}
    allowed: dict[URIRef, set[Node]] = {}
    for shape in graph.subjects(SH.path, fmt.terms["not_reported"]):
        cls = graph.value(shape, SH.targetClass)
        if cls is None:  # a branch of a given-or-not-reported rule
            continue
        allowed[cls] = set(Collection(graph, graph.value(shape, SH["in"])))  # type: ignore[arg-type]
    about = URIRef(shapes_base() + "aboutField")
    either: dict[URIRef, set[Node]] = {}
    for shape in graph.subjects(SH.xone, None):
        cls, prop = graph.value(shape, SH.targetClass), graph.value(shape, about)
        branches = list(Collection(graph, graph.value(shape, SH.xone)))  # type: ignore[arg-type]
        if isinstance(cls, URIRef) and prop is not None and any(
                (b, SH.hasValue, prop) in graph and fmt.terms["not_reported"] in _path_steps(graph, b)
                for b in branches):
            either.setdefault(cls, set()).add(prop)
    assert either and all(props <= allowed.get(cls, set()) for cls, props in either.items()), either
    assert set(allowed) <= set(classes) | {r.sub_nodes[n].cls for r in fmt.records.values() for n in r.sub_nodes}
    facts = {(r.sub_nodes[s.on].cls if s.on else r.cls, s.property)
             for r in fmt.records.values() if "provenance" in r.fields
             for s in r.fields.values() if s.kind in ("datatype", "scheme", "link") and s.property is not None}
    # an inclusion's umbrella and reference numbers are quoted on the papers (their line in the umbrella's
    # reference list, `papers[n].sources`), not again under the inclusion's provenance
    facts -= {(expand("pk:Inclusion"), expand("pk:umbrellaReview")),
              (expand("pk:Inclusion"), expand("pk:referenceNumber"))}
    about = URIRef(shapes_base() + "aboutField")
    checked = set()
    for shape in graph.subjects(about, None):
        if str(shape).endswith("-source"):
            cls = graph.value(shape, SH.targetClass)
            prop = graph.value(shape, about)
            if cls is None:  # targeted by the subjects of the property itself
                cls = next(c for c, p in facts if p == prop)
            checked.add((cls, prop))
    assert sorted(facts - checked) == []


def _path_steps(graph: Graph, shape: Node) -> set[Node]:
    """The properties of a shape's path: the property itself, or each of an sh:alternativePath."""
    path = graph.value(shape, SH.path)
    if isinstance(path, URIRef) or path is None:
        return {path} if path is not None else set()
    alternatives = graph.value(path, SH.alternativePath)
    return set(Collection(graph, alternatives)) if alternatives is not None else set()


def test_a_closed_shape_allows_exactly_the_properties_its_property_shapes_check() -> None:
    """The property shapes carry their own targets (pySHACL then evaluates each once for all focus nodes, not
    once per node), so a closed node shape lists its allowed properties itself: they must agree."""
    graph = shapes_graph()
    for shape in graph.subjects(SH.closed, Literal(True)):
        cls = graph.value(shape, SH.targetClass)
        ignored = set(Collection(graph, graph.value(shape, SH.ignoredProperties)))  # type: ignore[arg-type]
        checked = {graph.value(p, SH.path) for p in graph.subjects(SH.targetClass, cls)
                   if (p, RDF.type, SH.PropertyShape) in graph}
        assert ignored == {RDF.type} | {p for p in checked if isinstance(p, URIRef)}, shape


def test_the_ontology_and_vocabularies_pass_the_ontology_shapes() -> None:
    conforms, results = validate_ontology()
    assert conforms, [(r.rule, str(r.focus), r.message) for r in results]


def test_the_ontology_shapes_catch_an_undefined_class() -> None:
    from peerkg.ontology import ontology_graph
    from peerkg.validation.shapes import ontology_shape_files

    shapes = Graph()
    for file in ontology_shape_files():
        shapes.parse(file)
    graph = ontology_graph()
    graph.add((expand("pk:Undefined"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    results, _ = run_shapes(graph, shapes)
    assert {(r.rule, str(r.focus)) for r in results} == {
        ("OntologyTerm-label", str(expand("pk:Undefined"))),
        ("OntologyTerm-definition", str(expand("pk:Undefined"))),
    }


def test_the_curated_data_conforms_with_no_violation_and_no_warning() -> None:
    from peerkg.commands.build import entry_files, load_entries
    from peerkg.ontology import artifact_graphs

    graph = Graph()
    for _, part in artifact_graphs():
        graph += part
    for entry in load_entries(entry_files()):
        graph += entry.graph
    results, _ = run_shapes(graph)
    assert [(r.severity, r.rule, str(r.focus)) for r in results] == []


def test_the_store_context_query_parses() -> None:
    import pyoxigraph as ox

    from peerkg.validation.context import _context_query

    query = _context_query().replace("VALUES (?property ?object) { }",
                                     "VALUES (?property ?object) { (pk:referenceNumber 1) }")
    assert list(ox.Store().query(query)) == []
    assert sparql_prefix_block()  # the prefixes the query declares are those of ontology/prefixes.ttl
    for line in _context_query().splitlines():
        if line.startswith("PREFIX "):
            _, name, iri = line.split()
            assert prefixes()[name.rstrip(":")] == iri.strip("<>")


def test_a_literal_of_another_datatype_is_a_datatype_violation() -> None:
    """sh:datatype is exact: 27 (xsd:integer) is not an xsd:decimal I², as the YAML loader writes it."""
    graph = apply(base_graph(), "set test-2020/finding/1/effect pk:iSquared 27")
    results, _ = run_shapes(graph)
    assert [(r.rule, r.component) for r in results] == [("EffectEstimate-iSquared", "DatatypeConstraintComponent")]
    assert Literal(27).datatype != Literal("27.0", datatype=expand("xsd:decimal")).datatype
