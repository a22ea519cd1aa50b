"""Validation with the SHACL shapes of shapes/: of new entries, incrementally against the store, and of the
whole built graph.

Incremental validation runs the shapes on the entry's own small graph (plus the ontology, the vocabularies,
the source documents and the few facts of the store the shapes need, fetched by shapes/store-context.rq),
never on the store: its cost depends on the entry, not on the size of the graph. Results are mapped back to
the curator's words: file, entry, field (YAML key path and line, or sheet, row and column), rule and hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from peerkg import resources
from peerkg.errors import InputError, Problem
from peerkg.loaders.base import Entry, Place
from peerkg.loaders.fieldmap import entry_format

SHAPES_NS = "https://w3id.org/peerkg/shapes/"
ABOUT_FIELD = URIRef(SHAPES_NS + "aboutField")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
# Loader rules that mean the file could not be read as an entry at all (exit 2), as opposed to an entry that
# was read but breaks the entry format (exit 1, like a shape).
UNREADABLE = frozenset({"syntax", "empty", "binary", "too-large", "unreadable", "file-type", "yaml-alias",
                        "xml-entities", "remote-context", "entry-count", "not-a-workbook"})


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, in the terms of the graph."""

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    severity: str
    message: str
    component: str
    node: Node  # the result node in the results graph

    @property
    def rule(self) -> str:
        text = str(self.shape)
        return text[len(SHAPES_NS):] if text.startswith(SHAPES_NS) else text


@dataclass(frozen=True)
class Issue:
    """One thing wrong with an entry: where and what (problem), how bad, and the SHACL result behind it."""

    problem: Problem
    severity: str = "error"  # a loader problem (error), or a shape's violation, warning or info
    result: ShapeResult | None = None

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"severity": self.severity, **self.problem.as_dict()}
        if self.result is not None:
            data.update(focus_node=str(self.result.focus), shape=str(self.result.shape),
                        component=self.result.component)
            if isinstance(self.result.path, URIRef):
                data["path"] = str(self.result.path)
            if self.result.value is not None:
                data["value"] = str(self.result.value)
        return data


@dataclass
class Report:
    files: list[str]
    entries: list[Entry] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    results: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Issue]:
        """What must be fixed: loader errors and shape violations."""
        return [i for i in self.issues if i.severity in ("error", "violation")]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def unreadable(self) -> bool:
        return any(i.result is None and i.problem.rule in UNREADABLE for i in self.issues)


# -- the shapes -------------------------------------------------------------------------------------------

def shape_files() -> list[Path]:
    """The shapes for entries: shapes/*.ttl, except the ontology-*.ttl shapes that check the ontology."""
    folder = resources.path("shapes")
    return sorted(p for p in folder.glob("*.ttl") if not p.name.startswith("ontology"))


def ontology_shape_files() -> list[Path]:
    return sorted(resources.path("shapes").glob("ontology*.ttl"))


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for file in shape_files():
        graph.parse(file)
    return graph


@cache
def _compiled_shapes() -> Any:
    """pySHACL's parsed form of the shapes, built once per process (parsing ~200 shapes costs ~10 ms a run)."""
    from pyshacl.shapes_graph import ShapesGraph

    compiled = ShapesGraph(shapes_graph())
    _ = compiled.shapes  # harvests every shape now
    return compiled


def run_shapes(data: Graph, shapes: Graph | None = None) -> tuple[list[ShapeResult], Graph]:
    """Every SHACL result of `data` (violations, warnings, infos) and pySHACL's results graph."""
    from pyshacl import Validator
    from pyshacl.graph_abstraction import DataGraph

    validator = Validator(DataGraph.from_rdflib(data), shacl_graph=shapes or shapes_graph(),
                          options={"allow_warnings": True, "allow_infos": True})
    if shapes is None and hasattr(validator, "shacl_graph"):
        validator.shacl_graph = _compiled_shapes()
    _, report, _ = validator.run()  # type: ignore[no-untyped-call]
    return parse_results(report), report


def parse_results(report: Graph) -> list[ShapeResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        component = report.value(node, SH.sourceConstraintComponent)
        results.append(ShapeResult(
            focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            shape=report.value(node, SH.sourceShape),  # type: ignore[arg-type]
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "violation"),  # type: ignore[call-overload]
            message=" ".join(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
            component=str(component).rsplit("#", 1)[-1] if component is not None else "",
            node=node,
        ))
    return sorted(results, key=lambda r: (str(r.focus), r.rule, str(r.path), str(r.value)))


# -- the context an entry is validated in -----------------------------------------------------------------

@cache
def static_context() -> Graph:
    """The ontology (for rdfs:subClassOf), its imports, the vocabularies (skos:inScheme) and the sources."""
    from peerkg.build import artifact_graphs

    graph = Graph()
    for _, part in artifact_graphs():
        graph += part
    return graph


@cache
def _context_query() -> str:
    return resources.path("shapes", "store-context.rq").read_text("utf-8")


def store_context(store: Any, entry: Entry) -> Graph:
    """The facts of a store that the shapes need to validate `entry` alone (shapes/store-context.rq)."""
    pairs = sorted({f"({p.n3()} {o.n3()})" for _, p, o in entry.graph if not isinstance(o, BNode)})
    query = _context_query().replace("VALUES (?property ?object) { }",
                                     "VALUES (?property ?object) {\n" + "\n".join(pairs) + "\n}")
    # pyoxigraph stores integer subtypes (xsd:positiveInteger, ...) as xsd:integer: give a literal found in
    # the store back the entry's own datatype when it has the same value, so that the shapes compare them.
    own = {(p, o.value): o for _, p, o in entry.graph if isinstance(o, Literal) and o.value is not None}
    graph = Graph()
    for triple in store.query(query, use_default_graph_as_union=True):
        s, p, o = (_to_rdflib(t) for t in (triple.subject, triple.predicate, triple.object))
        if isinstance(o, Literal):
            o = own.get((p, o.value), o)
        graph.add((s, p, o))
    return graph


def _to_rdflib(term: Any) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(term.value)


def batch_store(entries: list[Entry]) -> Any:
    """An in-memory store of a batch of entries, so that entries added together can cite one another."""
    import pyoxigraph as ox

    from peerkg.store import entry_graph_name, to_nquads

    store = ox.Store()
    store.load(to_nquads([(entry_graph_name(e.id), e.graph) for e in entries]).encode("utf-8"),
               format=ox.RdfFormat.N_QUADS)
    return store


@contextmanager
def _working_graph(*parts: Iterable[tuple[Node, Node, Node]]) -> Iterator[Graph]:
    """The static context with the entry and its store context added, removed again afterwards: cheaper than
    copying the static context (about 2,000 triples) for every entry."""
    base = static_context()
    added = []
    for part in parts:
        for triple in part:
            if triple not in base:
                base.add(triple)
                added.append(triple)
    try:
        yield base
    finally:
        for triple in added:
            base.remove(triple)


def entry_nodes(entry: Entry) -> set[Node]:
    prefix = str(entry.subject) + "/"
    return {s for s in entry.graph.subjects() if s == entry.subject or str(s).startswith(prefix)}


# -- validating entries -----------------------------------------------------------------------------------

def validate_entry(entry: Entry, stores: Iterable[Any] = ()) -> tuple[list[ShapeResult], Graph]:
    """The shapes' verdict on one entry: results whose focus node is one of the entry's nodes."""
    context = Graph()
    for store in stores:
        context += store_context(store, entry)
    with _working_graph(entry.graph, context) as data:
        results, report = run_shapes(data)
    mine = entry_nodes(entry)
    return [r for r in results if r.focus in mine], report


def duplicate_ids(entries: list[Entry], store: Any | None) -> list[Problem]:
    """Entries whose id the store or an earlier entry of the batch already uses."""
    from peerkg.store import entry_graph_name

    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for entry in entries:
        where = seen.get(entry.id)
        if where is None and store is not None:
            ask = (f"ASK {{ {{ GRAPH <{entry_graph_name(entry.id)}> {{ ?s ?p ?o }} }} "
                   f"UNION {{ <{entry.subject}> ?p ?o }} }}")
            if bool(store.query(ask, use_default_graph_as_union=True)):
                where = "the graph in the store"
        if where is not None:
            place = entry.places.get((entry.subject, None), Place("")).key("id")
            problems.append(Problem(entry.file, f"entry id {entry.id!r} is already used by {where}", entry.id,
                                    place.field, place.line, "choose another id, or remove the entry first",
                                    "duplicate-id"))
        seen.setdefault(entry.id, entry.file)
    return problems


def validate_entries(entries: list[Entry], store: Any | None = None) -> tuple[list[Issue], Graph]:
    """Every issue of a batch of entries: duplicate ids, then the shapes on each entry in its context (the
    store, if given, and the rest of the batch)."""
    issues = [Issue(p) for p in duplicate_ids(entries, store)]
    stores = [s for s in (store, batch_store(entries) if len(entries) > 1 else None) if s is not None]
    report = Graph()
    for entry in entries:
        results, raw = validate_entry(entry, stores)
        issues.extend(Issue(to_problem(entry, r, raw), r.severity, r) for r in results)
        copy_results(raw, [r.node for r in results], report)
    return issues, report


def load_inputs(paths: list[Path]) -> tuple[list[Entry], list[Issue]]:
    """Every entry of the given files (a workbook or a folder of CSV files may hold several)."""
    from peerkg.loaders import load_entry
    from peerkg.spreadsheet import is_workbook_input, load_workbook_entries

    entries: list[Entry] = []
    issues: list[Issue] = []
    for path in paths:
        try:
            if is_workbook_input(path):
                entries.extend(load_workbook_entries(path))
            else:
                entries.append(load_entry(path))
        except InputError as exc:
            issues.extend(Issue(p) for p in exc.problems)
    return entries, issues


def validate_files(paths: list[Path], store: Any | None = None) -> Report:
    entries, issues = load_inputs(paths)
    report = Report([str(p) for p in paths], entries, issues)
    if entries:
        found, graph = validate_entries(entries, store)
        report.issues.extend(found)
        report.results = graph
    return report


# -- mapping a result back to the curator's words --------------------------------------------------------

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


def to_problem(entry: Entry, result: ShapeResult, report: Graph) -> Problem:
    """The result in the curator's words. The field is the shape's pksh:aboutField if it has one (a node-level
    result has no path; a provenance rule's path leads to the sources, not to the field they lack), else
    the result's path."""
    about = shapes_graph().value(result.shape, ABOUT_FIELD)
    prop = about if isinstance(about, URIRef) else _first_step(report, result.path)
    place = _place(entry, result, prop)
    return Problem(entry.file, result.message or f"breaks {result.rule}", entry.id, place.field, place.line,
                   _hint(result), result.rule)


def _place(entry: Entry, result: ShapeResult, prop: URIRef | None) -> Place:
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
    base = entry_format().base
    text = str(result.focus)[len(base):] if str(result.focus).startswith(base) else str(result.focus)
    return Place(f"{text} {_curie(prop)}" if prop is not None else text)


def _curie(term: Node | str) -> str:
    from peerkg.namespaces import prefixes

    text = str(term)
    best = max(((p, ns) for p, ns in prefixes().items() if text.startswith(ns)), key=lambda x: len(x[1]),
               default=None)
    return f"{best[0]}:{text[len(best[1]):]}" if best else f"<{text}>"


def _hint(result: ShapeResult) -> str:
    shapes = shapes_graph()
    value = result.value
    if result.component == "NodeConstraintComponent" and isinstance(value, URIRef):
        scheme_shape = shapes.value(result.shape, SH.node)
        scheme = None
        for prop_shape in shapes.objects(scheme_shape, SH.property):
            scheme = shapes.value(prop_shape, SH.hasValue)
        if isinstance(scheme, URIRef):
            prefix = str(scheme) + "/"
            slugs = sorted(str(c)[len(prefix):] for c in static_context().subjects(SKOS.inScheme, scheme))
            slug = str(value).rsplit("/", 1)[-1]
            close = difflib.get_close_matches(slug, slugs, n=1)
            return f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(slugs)
    if result.component == "ClassConstraintComponent" and isinstance(value, URIRef):
        base = entry_format().base
        if str(value).startswith(base):
            return f"the graph holds no {_curie(shapes.value(result.shape, SH['class']) or '')} " \
                   f"{str(value)[len(base):]!r}: check the entry id, or add that entry first"
    if result.component == "DatatypeConstraintComponent":
        expected = shapes.value(result.shape, SH.datatype)
        got = value.datatype if isinstance(value, Literal) and value.datatype else "text"
        return f"expected {_curie(expected) if expected else 'another datatype'}, got {_curie(got)}"
    if result.component == "ClosedConstraintComponent" and result.path is not None:
        return f"{_curie(result.path)} is not a field of this kind of node"
    return ""


def copy_results(source: Graph, nodes: list[Node], target: Graph) -> None:
    """Copies result nodes with everything they hang on (paths, blank source shapes) into `target`."""
    todo = list(nodes)
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in source.triples((node, None, None)):
            target.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    for prefix, namespace in source.namespaces():
        target.bind(prefix, namespace, override=False)


# -- the whole graph --------------------------------------------------------------------------------------

def full_results(data: Graph) -> list[ShapeResult]:
    """The shapes on a whole graph (what incremental validation must agree with)."""
    return run_shapes(data)[0]


def validate_build(graphs: list[tuple[str, Graph]]) -> None:
    """Raises InputError when the built graph breaks a shape of severity violation."""
    data = Graph()
    for _, graph in graphs:
        data += graph
    results = [r for r in full_results(data) if r.severity == "violation"]
    if results:
        raise InputError([Problem(str(r.focus), r.message, field=_curie(r.path) if isinstance(r.path, URIRef)
                                  else "", rule=r.rule) for r in results])


def validate_ontology() -> tuple[bool, list[ShapeResult]]:
    """The ontology and its vocabularies against shapes/ontology-*.ttl (labels, definitions, schemes)."""
    from peerkg.ontology import ontology_graph

    shapes = Graph()
    for file in ontology_shape_files():
        shapes.parse(file)
    results, _ = run_shapes(ontology_graph(), shapes)
    return not any(r.severity == "violation" for r in results), results


def open_validation_store(path: Path | None, use_store: bool = True) -> tuple[Any | None, str]:
    """The store to validate against, read-only, and a note when there is none to use. A store named
    explicitly must exist; without one, entries are checked alone if the default store is missing."""
    from peerkg.errors import StoreError
    from peerkg.store import default_store_path

    if not use_store:
        return None, ""
    store_path = path or default_store_path()
    if not (store_path / "CURRENT").exists():
        if path is not None:
            raise StoreError(f"no store at {store_path}: run `peerkg build` first, or pass --no-store")
        return None, (f"no store at {store_path}: the entries were checked alone, not against the graph "
                      "(run `peerkg build`, or pass --store)")
    import pyoxigraph as ox

    try:
        return ox.Store.read_only(str(store_path)), ""
    except OSError as exc:
        raise StoreError(f"cannot open the store at {store_path}: {exc}") from None
