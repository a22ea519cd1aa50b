"""`peerkg build`: ontology, vocabularies and every entry into a new embedded store, plus release files."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from peerkg import resources
from peerkg.commands.workspace import kept_files, workspace_folder
from peerkg.errors import InputError, Problem
from peerkg.graph.release import release_texts, write_texts
from peerkg.graph.store import Store, add_nquads, bulk_add_nquads, filling_folder, replaced_store, to_nquads
from peerkg.loaders import ENTRY_SUFFIXES, Entry, read_entries
from peerkg.namespaces import entry_graph_name, graph_name, sparql_prefix_block
from peerkg.ontology import artifact_graphs
from peerkg.progress import Progress, quiet
from peerkg.queries.catalogue import catalogue_graph
from peerkg.synthesis.changelog import log_file
from peerkg.synthesis.conclusions import as_nquads, derive_conclusions
from peerkg.validation import start_validate_graph
from peerkg.validation.quotes import DocumentTexts, check_quotes


def entry_files(folder: Path | None = None) -> list[Path]:
    """The entry files of `folder` (default: the curated data/), sorted by name."""
    folder = folder or resources.path("data")
    return sorted(p for p in folder.iterdir() if p.suffix in ENTRY_SUFFIXES)


def load_entries(paths: list[Path], progress: Progress = quiet, quotes: bool = True) -> list[Entry]:
    """Every entry of `paths`, read through the loader door, its quotes checked against the text copies of
    their documents (unless `quotes` is false: then `check_entry_quotes` must follow); raises InputError with
    every problem of all of them (the loaders', ids used twice, quotes not found)."""
    loaded = read_entries(paths, progress=lambda n, total, path: progress(f"loading entries {n}/{total}: "
                                                                          f"{path.name}"))
    loaded.raise_problems()
    if quotes:
        check_entry_quotes(loaded.entries, progress)
    return loaded.entries


def check_entry_quotes(entries: list[Entry], progress: Progress = quiet) -> None:
    """Raises InputError naming every quote of `entries` not found in the text copy of its document."""
    progress("checking quotes against the text copies of their documents")
    texts = DocumentTexts(entries)
    missing = [p for p, severity in check_quotes(entries, texts) if severity == "violation"]
    if missing:
        raise InputError(missing)


def entry_graphs(entries: list[Entry]) -> list[tuple[str, Graph]]:
    """Each entry's graph with the name of its named graph."""
    return [(entry_graph_name(e.id), e.graph) for e in entries]


@dataclass
class BuildSummary:
    """What a build made: counts of the kinds of record (and triples), seconds taken, the store, the
    release files."""

    counts: dict[str, int]
    seconds: float
    store: Path
    release: list[Path]
    read: list[tuple[str, int]]  # (folder, number of entry files read from it): data/, then the workspace

    def lines(self) -> list[str]:
        """The summary as `peerkg build` prints it, one count per line."""
        width = max(len(k) for k in self.counts)
        rows = [f"{k:<{width}}  {v:>8,}" for k, v in self.counts.items()]
        return [*rows, f"{'time':<{width}}  {self.seconds:>7.1f}s", f"store: {self.store}",
                *(f"entries: {n} file(s) from {folder}" for folder, n in self.read),
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


def change_log(store_path: Path) -> str:
    """The workspace's change log (N-Quads of the graph graph/changes), "" when there is none. Raises
    InputError when it cannot be read."""
    log = log_file(workspace_folder(store_path))
    try:
        return log.read_text("utf-8") if log.is_file() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(log), f"the change log cannot be read: {exc}")]) from None


def counts(store: Store) -> dict[str, int]:
    """Reviews, papers, findings, implementation factors, experience findings, claims and triples."""
    solutions = store.query(COUNT_QUERY, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    row = next(iter(solutions))
    result = {str(v.value): int(row[v].value) for v in solutions.variables}
    triples = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(triples, ox.QuerySolutions)
    result["triples"] = int(next(iter(triples))[0].value)
    return result


VALIDATED_FILE = "peerkg-validated.sha256"


def validation_fingerprint(nquads: str) -> str:
    """SHA-256 of what decides the verdict of a build's validation: the graph to validate (as its canonical
    N-Quads: sorted lines, blank nodes labelled from their content), the shapes, and the versions of
    pySHACL and rdflib that apply them."""
    from importlib.metadata import version

    from peerkg.validation.shapes import shape_files

    digest = hashlib.sha256()
    for part in (f"pyshacl {version('pyshacl')} rdflib {version('rdflib')}", nquads,
                 *(f.read_text("utf-8") for f in shape_files())):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def validated_fingerprint(store_path: Path) -> str:
    """The fingerprint of the graph the store at `store_path` was built from, written by the build after its
    validation passed (a file inside the store folder, so it goes and comes with the folder); empty when
    there is none. A build whose graph has the same fingerprint would get the same verdict: it skips the
    full validation."""
    try:
        return (Path(store_path) / VALIDATED_FILE).read_text("utf-8").strip()
    except OSError:
        return ""


def build(store_path: Path, release_dir: Path | None, progress: Progress = quiet,
          data_dir: Path | None = None) -> BuildSummary:
    """Builds the graph into a new store at `store_path` (replacing the old one only when everything
    succeeded): the artifact graphs, every entry of `data_dir` (default: data/), the query catalogue;
    the entries a review team added (kept in the workspace beside the store, peerkg.commands.workspace);
    validated with the shapes (skipped when the store at `store_path` was built from a graph of the same
    `validation_fingerprint`: same graph, same shapes, same verdict); then release files into `release_dir`
    unless it is None. The shapes run in a second process (`start_validate_graph`) while the quotes are
    checked and the new store and the release texts are made; the new store replaces the old one, and the
    release files are written, only once their verdict is in.
    Raises InputError (entries that cannot be read or break a shape) or StoreError."""
    started = time.perf_counter()
    progress("loading ontology and vocabularies")
    graphs = artifact_graphs()
    curated, added = entry_files(data_dir), kept_files(store_path)
    entries = load_entries(curated + added, progress, quotes=False)
    graphs += entry_graphs(entries)
    graphs.append((graph_name("queries"), catalogue_graph()))
    nquads = to_nquads(graphs) + change_log(store_path)
    fingerprint = validation_fingerprint(nquads)
    verdict = None
    if fingerprint != validated_fingerprint(store_path):
        progress("validating entries against the shapes (in a second process, while the store is written)")
        verdict = start_validate_graph(graphs)
    try:
        check_entry_quotes(entries, progress)  # meanwhile, the shapes run
        progress("writing the store")
        with replaced_store(store_path) as store:
            bulk_add_nquads(store, nquads)  # a fresh store, kept only if the block finishes
            progress("deriving the conclusions (queries/rules/conclusions.rq)")
            conclusions = as_nquads(derive_conclusions(store))
            add_nquads(store, conclusions)
            found = counts(store)
            texts: dict[str, str] = {}
            if release_dir is not None:
                progress("making the release files")
                # from the loaded graphs, not the store: Oxigraph keeps xsd:positiveInteger and
                # xsd:nonNegativeInteger values as xsd:integer, and the release keeps the ontology's datatypes
                named_only = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
                texts = release_texts(nquads + conclusions, named_only=named_only)
            if verdict is not None:
                progress("waiting for the validation")
                verdict.wait()  # InputError: the new store is thrown away, no release file is written
                verdict = None
            filling_folder(store).joinpath(VALIDATED_FILE).write_text(fingerprint + "\n", "utf-8")
    finally:
        if verdict is not None:
            verdict.cancel()
    written: list[Path] = []
    if release_dir is not None:
        progress("writing release files")
        written = write_texts(texts, release_dir)
    return BuildSummary(found, time.perf_counter() - started, store_path, written,
                        [(str(data_dir or resources.path("data")), len(curated)),
                         (str(workspace_folder(store_path)), len(added))])
