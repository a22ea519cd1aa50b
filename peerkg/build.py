"""`peerkg build`: ontology, vocabularies and every entry into the embedded store, plus release files."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from peerkg import resources
from peerkg.errors import InputError, Problem
from peerkg.loaders import SUFFIXES, Entry, load_entry
from peerkg.namespaces import bind_all, sparql_prefix_block
from peerkg.ontology import import_module_files, merge_imports, ontology_files
from peerkg.store import (
    add_nquads,
    entry_graph_name,
    graph_name,
    replaced_store,
    to_nquads,
)

Progress = Callable[[str], None]
RELEASE_FORMATS = ("ttl", "nt", "jsonld", "trig")


def _quiet(_: str) -> None:
    pass


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def artifact_graphs() -> list[tuple[str, Graph]]:
    """The ontology, its import module, the vocabularies and the source documents, each a named graph."""
    parts: list[tuple[str, list[Path]]] = [
        ("ontology", ontology_files()),
        ("imports", import_module_files()),
        ("vocabularies", sorted(resources.path("ontology", "vocab").glob("*.ttl"))),
        ("sources", [resources.path("data", "sources.ttl")]),
    ]
    graphs = []
    for name, files in parts:
        graph = Graph()
        for file in files:
            graph.parse(file)
        graphs.append((graph_name(name), merge_imports(graph)))
    return graphs


def entry_files(folder: Path | None = None) -> list[Path]:
    folder = folder or resources.path("data")
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.name != "sources.ttl")


def load_entries(paths: Iterable[Path], progress: Progress = _quiet) -> list[Entry]:
    """Loads every file; reports the problems of all of them together."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    paths = list(paths)
    for n, path in enumerate(paths, 1):
        progress(f"loading entries {n}/{len(paths)}: {path.name}")
        try:
            entries.append(load_entry(path))
        except InputError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen:
            problems.append(Problem(entry.file, f"entry id {entry.id!r} is already used by {seen[entry.id]}",
                                    entry.id, "id", rule="duplicate-id"))
        seen[entry.id] = entry.file
    problems.extend(unresolved_links(entries, set()))
    if problems:
        raise InputError(problems)
    return entries


def unresolved_links(entries: list[Entry], known: set[URIRef]) -> list[Problem]:
    """Links to entries that neither the batch nor the graph holds."""
    subjects = known | {e.subject for e in entries}
    return [
        Problem(link.file, f"refers to {link.kind} {str(link.target).rsplit('/', 1)[-1]!r}, which the graph "
                f"does not hold", link.entry, link.field, link.line, "check the entry id", "unknown-link")
        for e in entries for link in e.links if link.target not in subjects
    ]


def entry_graphs(entries: list[Entry]) -> list[tuple[str, Graph]]:
    return [(entry_graph_name(e.id), e.graph) for e in entries]


@dataclass
class BuildSummary:
    counts: dict[str, int]
    seconds: float
    store: Path
    release: list[Path]

    def lines(self) -> list[str]:
        width = max(len(k) for k in self.counts)
        rows = [f"{k:<{width}}  {v:>8,}" for k, v in self.counts.items()]
        return [*rows, f"{'time':<{width}}  {self.seconds:>7.1f}s", f"store: {self.store}",
                *(f"release: {p}" for p in self.release)]


COUNT_QUERY = sparql_prefix_block() + """
SELECT
  (COUNT(DISTINCT ?review) AS ?reviews) (COUNT(DISTINCT ?paper) AS ?papers)
  (COUNT(DISTINCT ?finding) AS ?findings) (COUNT(DISTINCT ?factor) AS ?factors)
  (COUNT(DISTINCT ?theme) AS ?themes) (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {
  { ?review a pk:Review } UNION { ?review a pk:Review ; pk:reportedIn ?paper }
  UNION { ?finding a pk:Finding } UNION { ?factor a pk:ImplementationFactor }
  UNION { ?theme a pk:ExperienceFinding } UNION { ?claim a pk:NumericalClaim }
}"""


def counts(store: object) -> dict[str, int]:
    solutions = store.query(COUNT_QUERY, use_default_graph_as_union=True)  # type: ignore[attr-defined]
    row = next(iter(solutions))
    result = {str(v.value): int(row[v].value) for v in solutions.variables}
    triples = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")  # type: ignore[attr-defined]
    result["triples"] = int(next(iter(triples))[0].value)
    return result


def build(store_path: Path, release_dir: Path | None, progress: Progress = _quiet,
          data_dir: Path | None = None) -> BuildSummary:
    started = time.perf_counter()
    progress("loading ontology and vocabularies")
    graphs = artifact_graphs()
    entries = load_entries(entry_files(data_dir), progress)
    graphs += entry_graphs(entries)
    from peerkg.querycat import catalogue_graph

    graphs.append((graph_name("queries"), catalogue_graph()))
    progress("validating entries against the shapes")
    from peerkg.validate import validate_build

    validate_build(graphs)
    progress("writing the store")
    nquads = to_nquads(graphs)
    with replaced_store(store_path) as store:
        add_nquads(store, nquads)
        found = counts(store)
        written: list[Path] = []
        if release_dir is not None:
            progress("writing release files")
            # from the loaded graphs, not the store: Oxigraph keeps xsd:positiveInteger and
            # xsd:nonNegativeInteger values as xsd:integer, and the release keeps the ontology's datatypes
            written = write_release(nquads, release_dir)
    return BuildSummary(found, time.perf_counter() - started, store_path, written)


def release_texts(nquads: str, formats: tuple[str, ...] = RELEASE_FORMATS) -> dict[str, str]:
    """The whole graph in each of `formats`, reproducible: sorted, canonical blank nodes, no timestamps."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    union = canonical(union)
    writers = {
        "ttl": lambda: union.serialize(format="turtle"),
        "nt": lambda: "\n".join(sorted({line for line in union.serialize(format="nt").splitlines() if line})) + "\n",
        "jsonld": lambda: _canonical_jsonld(union),
        "trig": lambda: _trig(dataset),
    }
    return {fmt: writers[fmt]() for fmt in formats}


def write_release(nquads: str, folder: Path) -> list[Path]:
    """Turtle, N-Triples, JSON-LD and TriG of the whole graph, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt, text in release_texts(nquads).items():
        path = folder / f"peerkg.{fmt}"
        path.write_text(text, "utf-8")
        files.append(path)
    return files


def canonical(graph: Graph) -> Graph:
    """The graph with blank nodes relabelled from their content, so serialisations are byte-stable."""
    result = bind_all(Graph())
    for triple in to_canonical_graph(graph):
        result.add(triple)
    return result


def _canonical_jsonld(graph: Graph) -> str:
    """rdflib's JSON-LD in an order that does not depend on hashing: nodes by @id, values sorted."""
    document = json.loads(graph.serialize(format="json-ld"))
    nodes = document if isinstance(document, list) else document.get("@graph", [document])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _trig(dataset: Dataset) -> str:
    header: set[str] = set()
    blocks: list[str] = []
    for context in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(context) or str(context.identifier).startswith("urn:x-rdflib:"):
            continue
        graph = Graph()
        for triple in context:
            graph.add(triple)
        graph = canonical(graph)
        text = graph.serialize(format="turtle")
        lines = text.splitlines()
        header.update(line for line in lines if line.startswith("@prefix"))
        body = "\n".join("    " + line if line else "" for line in lines if not line.startswith("@prefix"))
        blocks.append(f"<{context.identifier}> {{\n{body.strip(chr(10))}\n}}\n")
    prefixes = "\n".join(sorted(header))
    return prefixes + "\n\n" + "\n".join(blocks)
