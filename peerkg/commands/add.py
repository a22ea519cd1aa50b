"""`peerkg validate` and `peerkg add`: check new entries against the store, then merge them, all or nothing.

The merge is one pyoxigraph `Store.load` of N-Quads, which is a single transaction: a failing entry stops the
add before anything is written, and a crash (even `kill -9`) during the write leaves the store as it was.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF

from peerkg import resources
from peerkg.commands.workspace import (
    entry_sources,
    forget,
    kept_file,
    record_change,
    replace_update,
    restore,
    staged_copies,
    workspace_folder,
    write_copies,
)
from peerkg.errors import StoreError
from peerkg.graph.release import sorted_ntriples
from peerkg.graph.store import (
    Store,
    add_nquads,
    default_store_path,
    document_iris,
    exists,
    holds_entry,
    open_store,
    to_nquads,
    writer_lock,
)
from peerkg.loaders import Entry, read_entries
from peerkg.loaders.fieldmap import entry_format
from peerkg.namespaces import entry_graph_name
from peerkg.progress import Progress, quiet
from peerkg.queries.run import rows
from peerkg.synthesis.changelog import Change, moved_verdicts
from peerkg.synthesis.changes import Changes
from peerkg.synthesis.conclusions import add_to_conclusions, outcomes_in, refresh_conclusions, verdicts
from peerkg.validation import Report, validate

# What `add` counts for each entry: the kinds of record a curator recognises, by their class.
COUNTED = ("paper", "finding", "implementation-factor", "experience-finding", "claim")


@dataclass
class Added:
    """What one entry brought into the graph."""

    id: str
    kind: str
    file: str
    graph: str
    triples: int
    counts: dict[str, int]
    replaced: bool = False

    def line(self) -> str:
        """`added review x from FILE: N triples (1 paper, 3 findings)` (`replaced ...` for a replacement)."""
        parts = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in self.counts.items() if n)
        verb = "replaced" if self.replaced else "added"
        return f"{verb} {self.kind} {self.id} from {self.file}: {self.triples} triples ({parts or 'no records'})"


def summarise(entry: Entry, graph_name: str, replaced: bool = False) -> Added:
    """What `entry`, written into the named graph `graph_name`, adds: its records counted by kind."""
    records = entry_format().records
    counts = {kind: sum(1 for _ in entry.graph.subjects(RDF.type, records[kind].cls)) for kind in COUNTED}
    return Added(entry.id, entry.kind, entry.file, graph_name, len(entry.graph), counts, replaced)


def check_files(paths: list[Path], store: Store | None, progress: Progress = quiet) -> Report:
    """Reads `paths` through the loader door and validates every entry, against `store` when given (ids it
    already holds, the facts the shapes need). Never changes the store."""
    progress(f"validating {len(paths)} file(s)" + (" against the store" if store is not None else ""))
    holds = (lambda e: holds_entry(store, e.id, str(e.subject))) if store is not None else None
    documents = (lambda d: document_iris(store, d)) if store is not None else None
    return validate(read_entries(paths, holds, documents=documents), store)


def dry_run(paths: list[Path], store_path: Path | None, umbrella: str = "cooper-2024", replace: bool = False,
            progress: Progress = quiet) -> tuple[Report, Changes | None]:
    """What `add` would do, without writing anything: the validation report and, when every entry conforms,
    the verdicts the entries would move and the claims of `umbrella` that would read differently if it included
    the new reviews (peerkg.synthesis.changes). Raises StoreError (no store, or a damaged one) or QueryError."""
    from peerkg.synthesis.changes import what_changes

    path = Path(store_path or default_store_path())
    if not exists(path):
        raise StoreError(f"no store at {path}: run `peerkg build` first, or pass --store")
    store = open_store(path, read_only=True)
    replaced = {}

    def holds(entry: Entry) -> bool:
        if replace and kept_file(entry.id, path) is not None:
            replaced[entry.id] = entry_graph_name(entry.id)
            return False
        return holds_entry(store, entry.id, str(entry.subject))

    progress(f"validating {len(paths)} file(s) against the store")
    loaded = read_entries(paths, holds)
    report = validate(loaded, store, frozenset(replaced.values()))
    if report.unreadable or not report.conforms or not report.entries:
        return report, None
    progress("deriving the conclusions with and without the entries")
    graphs = [(entry_graph_name(e.id), e.graph) for e in report.entries]
    changes = what_changes(store, to_nquads(graphs), [e.id for e in report.entries],
                           [e.id for e in report.entries if e.kind == "review"],
                           lambda name, params, where: rows(name, params, store=where), umbrella,
                           frozenset(replaced.values()))
    return report, changes


def validation_store(path: Path | None, use_store: bool = True) -> tuple[Store | None, str]:
    """The store to validate against, read-only, and a note when there is none to use. A store named
    explicitly must exist (StoreError); without one, entries are checked alone if the default is missing."""
    if not use_store:
        return None, ""
    store_path = path or default_store_path()
    if path is None and not exists(store_path):
        return None, (f"no store at {store_path}: the entries were checked alone, not against the graph "
                      "(run `peerkg build`, or pass --store)")
    if path is not None and not exists(store_path):
        raise StoreError(f"no store at {store_path}: run `peerkg build` first, or pass --no-store")
    return open_store(store_path, read_only=True), ""


def add_files(paths: list[Path], store_path: Path | None, progress: Progress = quiet,
              replace: bool = False, by: str | None = None) -> tuple[Report, list[Added]]:
    """Validates the files against the store and, only if every entry conforms, adds them in one transaction
    and keeps each in the workspace (peerkg.commands.workspace), so that `build` keeps it. With `replace`, an
    entry whose id the workspace already holds replaces that entry (validated against the store without it).
    Returns the validation report and what was added (nothing unless the report conforms). Each add is recorded
    in the change log (peerkg.synthesis.changelog), with the verdicts it moved and `by` (who added it), if given.
    Raises StoreError when the store cannot be opened or written (then store and workspace are unchanged), or
    another process holds it longer than `peerkg.graph.store.lock_wait_seconds()` ("in use by process N")."""
    with writer_lock(store_path):
        return _add_locked(paths, Path(store_path or default_store_path()), progress, replace, by)


def _add_locked(paths: list[Path], path: Path, progress: Progress,
                replace: bool, by: str | None) -> tuple[Report, list[Added]]:
    store = open_store(path)
    try:
        opened = store

        def holds(entry: Entry) -> bool:
            if replace and kept_file(entry.id, path) is not None:
                return False  # the entry it replaces
            return holds_entry(opened, entry.id, str(entry.subject))

        def documents(document_id: str) -> list[str]:
            return document_iris(opened, document_id)

        progress(f"validating {len(paths)} file(s) against the store")
        loaded = read_entries(paths, holds, documents=documents)
        replaced: dict[str, Path] = {}
        for entry in loaded.entries if replace else []:
            file = kept_file(entry.id, path)
            if file is not None:
                replaced[entry.id] = file
        report = validate(loaded, store, frozenset(entry_graph_name(i) for i in replaced),
                          [resources.path("data"), workspace_folder(path)])
        if report.unreadable or not report.conforms or not report.entries:
            return report, []
        graphs = [(entry_graph_name(e.id), e.graph) for e in report.entries]
        progress(f"writing {sum(len(g) for _, g in graphs):,} triples of {len(graphs)} entries to the store")
        copies = staged_copies(report.entries, path)
        verdicts_before = verdicts(store)
        names = [name for name, _ in graphs]
        outcomes_before = outcomes_in(store, names)  # of the entries replaced
        aside = write_copies(copies, list(replaced.values()))
        try:
            if replaced:
                store.update(replace_update([(n, sorted_ntriples(g)) for n, g in graphs], list(replaced)))
                store.flush()
            else:
                add_nquads(store, to_nquads(graphs))
            outcomes_after = outcomes_in(store, names)
            if replaced or outcomes_after is None:
                refresh_conclusions(store, None if outcomes_before is None or outcomes_after is None
                                    else outcomes_before | outcomes_after)
            else:  # new reviews only: added to the conclusions drawn before
                add_to_conclusions(store, [str(e.subject) for e in report.entries])
        except (StoreError, OSError, ValueError, SyntaxError) as exc:
            restore(copies, aside)
            raise StoreError(f"the store was not changed: {exc}") from None
        forget(aside)
        changes = [Change("replaced" if e.id in replaced else "added", e.id, e.file, entry_sources(e))
                   for e in report.entries]
        record_change(store, path, changes, moved_verdicts(verdicts_before, verdicts(store)), by)
        return report, [summarise(e, name, e.id in replaced) for e, (name, _) in
                        zip(report.entries, graphs, strict=True)]
    finally:
        # rdflib's SPARQL parser (pyparsing) leaves reference cycles through the frames that hold the store:
        # collect them, so the store closes and releases its lock now, not at some later collection.
        del store
        gc.collect()
