"""Validation: the shapes of shapes/ applied to entries, and the results mapped back to the curator's place.

`validate(loaded, store)` is what `validate` and `add` run on what the loader door read: the loaders'
problems and every shape result of every entry, in one report. Each entry is validated in a small graph of
its own (the entry, the ontology and vocabularies, the rest of its batch and the facts of the store that the
shapes need, fetched by shapes/store-context.rq), so its cost depends on the entry, not on the store.
`validate_graph` runs the same shapes on a whole graph, as `build` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from peerkg import resources
from peerkg.errors import InputError, Problem
from peerkg.graph.store import Store
from peerkg.loaders import Entry, Loaded
from peerkg.loaders.fieldmap import entry_format
from peerkg.namespaces import curie, expand
from peerkg.validation.context import (
    batch_store,
    entry_nodes,
    shipped_store,
    static_context,
    store_context,
    working_graph,
)
from peerkg.validation.places import result_property, to_problem
from peerkg.validation.proposals import close_label_problems
from peerkg.validation.quotes import DocumentTexts, check_quotes
from peerkg.validation.shapes import ShapeResult, run_shapes

__all__ = ["Issue", "Report", "ShapeResult", "proposal_warnings", "start_validate_graph", "validate", "validate_entry",
           "validate_graph"]

# Loader rules that mean a file could not be read as entries at all (exit 2), as opposed to an entry that was
# read but breaks a rule (exit 1).
UNREADABLE = frozenset({"syntax", "empty", "binary", "too-large", "unreadable", "file-type", "yaml-alias",
                        "xml-entities", "remote-context", "entry-count", "not-a-workbook", "csv-delimiter",
                        "not-a-file", "too-deep"})


def not_reported_property() -> URIRef:
    """`pk:notReported`: a node's link to a field the source does not report."""
    return expand("pk:notReported")


def absence_properties() -> tuple[URIRef, ...]:
    """`pk:notReported`, `pk:notAvailable`, `pk:notApplicable`: a node's link to a field it has no value for,
    with the reason (loaders/entry-format.yaml `absent_values`)."""
    return tuple(entry_format().absent_values.values())


@dataclass(frozen=True)
class Issue:
    """One thing wrong with an entry: where and what (problem), how bad, and the SHACL result behind it."""

    problem: Problem
    severity: str = "error"  # a loader problem (error), or a shape's violation, warning or info
    result: ShapeResult | None = None

    def as_dict(self) -> dict[str, object]:
        """The issue as JSON-ready data: severity, file, entry, field, line, message, hint, rule, and for a
        shape result its focus node, shape, constraint component, path and value."""
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
    """The verdict on a batch of input files: the entries read, every issue, and the raw SHACL results."""

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
        """Shape results of severity warning: possible but suspicious values."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def conforms(self) -> bool:
        """No loader error and no shape violation."""
        return not self.violations

    @property
    def unreadable(self) -> bool:
        """Some input could not be read as entries at all (exit code 2)."""
        return any(i.result is None and i.problem.rule in UNREADABLE for i in self.issues)


def validate_entry(entry: Entry, stores: list[Store] | tuple[Store, ...] = (),
                   without: frozenset[str] = frozenset()) -> tuple[list[ShapeResult], Graph]:
    """The shapes' verdict on one entry, in the context of `stores` (the store, the rest of its batch) less
    their named graphs `without`: the results whose focus node is one of the entry's nodes, and pySHACL's
    results graph."""
    context = _context(entry, stores, without)
    with working_graph(entry.graph, context) as data:
        results, report = run_shapes(data)
    mine = entry_nodes(entry)
    return [r for r in results if r.focus in mine], report


def _context(entry: Entry, stores: list[Store] | tuple[Store, ...], without: frozenset[str]) -> Graph:
    context = Graph()
    for store in stores:
        context += store_context(store, entry, without)
    return context


def proposal_warnings(entry: Entry, stores: list[Store] | tuple[Store, ...] = (),
                      without: frozenset[str] = frozenset()) -> list[Problem]:
    """The warnings on the terms `entry` proposes whose label is close to a label of their scheme: in the
    vocabularies, the entry, or (`stores` less `without`) the terms other entries propose. [] for an entry
    that proposes none (the store is then not asked)."""
    if (None, expand("pk:proposedBy"), None) not in entry.graph:
        return []
    return close_label_problems(entry, static_context() + _context(entry, stores, without))


def _already_reported(entry: Entry, result: ShapeResult, report: Graph) -> bool:
    """A result that repeats another problem of the same field: the loader refused the field's value (and
    said so), or the field is marked not reported and its X-notReported shape says whether that is allowed
    (a field marked so is not also "missing")."""
    prop = result_property(result, report)
    if (result.focus, prop) in entry.refused:
        return True
    return result.component == "MinCountConstraintComponent" and prop is not None \
        and any((result.focus, reason, prop) in entry.graph for reason in absence_properties())


def validate(loaded: Loaded, store: Store | None = None, without: frozenset[str] = frozenset(),
             folders: Sequence[Path] = ()) -> Report:
    """Every issue of what the loader door read, in one report: the loaders' problems (unreadable files,
    unknown keys, values of the wrong type, ids already used), then the shapes on each entry in its
    context (the store if given, less its named graphs `without`, and the rest of the batch; without a store,
    the source documents and umbrella reviews of the shipped curated data, peerkg.validation.context.
    shipped_store), then every quote checked against its document's text copy (peerkg.validation.quotes; the
    copies of documents the store holds are looked for in `folders`, default data/). Never changes the store."""
    report = Report(loaded.files, loaded.entries, [Issue(p) for p in loaded.problems])
    if store is None:
        store = shipped_store()
    stores = [s for s in (store, batch_store(loaded.entries) if len(loaded.entries) > 1 else None)
              if s is not None]
    for entry in loaded.entries:
        results, raw = validate_entry(entry, stores, without)
        results = [r for r in results if not _already_reported(entry, r, raw)]
        report.issues.extend(Issue(to_problem(entry, r, raw), r.severity, r) for r in results)
        report.issues.extend(Issue(p, "warning") for p in proposal_warnings(entry, stores, without))
        _copy_results(raw, [r.node for r in results], report.results)
    texts = DocumentTexts(loaded.entries, store, list(folders) or [resources.path("data")])
    report.issues.extend(Issue(problem, severity) for problem, severity in check_quotes(loaded.entries, texts))
    return report


def validate_graph(graphs: list[tuple[str, Graph]]) -> None:
    """Runs the shapes on the union of `graphs` (name, graph); raises InputError naming focus node, field
    and rule of every result of severity violation."""
    data = Graph()
    for _, graph in graphs:
        data += graph
    results = [r for r in run_shapes(data)[0] if r.severity == "violation"]
    if results:
        raise InputError([Problem(str(r.focus), r.message, field=curie(r.path) if isinstance(r.path, URIRef)
                                  else "", rule=r.rule) for r in results])


class GraphVerdict:
    """The verdict of `validate_graph` on graphs, computed in a forked process while the caller goes on
    (`start_validate_graph`). `wait()` returns when it conforms and raises the InputError `validate_graph`
    would raise; `cancel()` stops the process."""

    def __init__(self, graphs: list[tuple[str, Graph]]):
        import multiprocessing

        self._graphs = graphs
        self._process: Any = None
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this system: the verdict is computed in wait()
            return
        self._receiver, sender = context.Pipe(duplex=False)
        # forked: the child inherits the graphs, nothing is pickled on the way in
        self._process = context.Process(target=_send_verdict, args=(graphs, sender), daemon=True)
        self._process.start()
        sender.close()

    def wait(self) -> None:
        """Waits for the verdict; raises InputError naming focus node, field and rule of every violation.
        Without fork, or when the process ended without a verdict (killed, out of memory), the graphs are
        validated here."""
        outcome = None
        if self._process is not None:
            try:
                outcome = self._receiver.recv()
            except (EOFError, OSError):
                outcome = None
            finally:
                self._receiver.close()
                self._process.join()
                self._process = None
        if outcome is None:
            validate_graph(self._graphs)
        elif outcome != "conforms":
            raise InputError(outcome)

    def cancel(self) -> None:
        """Stops the validation if it is still running (the caller failed for another reason)."""
        if self._process is not None:
            self._process.kill()
            self._process.join()
            self._receiver.close()
            self._process = None


def _send_verdict(graphs: list[tuple[str, Graph]], sender: Any) -> None:
    try:
        validate_graph(graphs)
        sender.send("conforms")
    except InputError as exc:
        sender.send(exc.problems)
    finally:
        sender.close()


def start_validate_graph(graphs: list[tuple[str, Graph]]) -> GraphVerdict:
    """Starts `validate_graph(graphs)` in a forked process (on the second core), so that the caller can write
    the store and the release files meanwhile and ask for the verdict before keeping them; on a system
    without fork, the validation runs when the verdict is asked for."""
    return GraphVerdict(graphs)


def _copy_results(source: Graph, nodes: list[Node], target: Graph) -> None:
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
