"""Loaders: one module per input format behind one contract (peerkg.loaders.base), and one door.

`read_entries` is the only way entries get in: `build`, `validate`, `add`, `reason` and `export-entry` call
it. It picks the loader of each path (YAML, Turtle, JSON-LD, an extraction workbook .xlsx, a folder of the
workbook's CSV files, or a folder of entry files), then runs the checks that need every entry at once, once:
an entry id used twice in the batch or already held by the store. It is also the trust boundary
(peerkg.loaders.guard): only regular files are read, and every entry, whatever its format, may state facts
only about its own nodes, has a slug for an id that imitates no other, imports nothing and holds no control
characters.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, URIRef

from peerkg.errors import InputError, Problem
from peerkg.loaders.base import Entry, Link, LoadedFile, Place
from peerkg.loaders.guard import check_entry, lookalikes
from peerkg.loaders.rdf_entry import load_rdf
from peerkg.loaders.shipped import shipped_document_iris
from peerkg.loaders.workbook import load_workbook
from peerkg.loaders.yaml_entry import load_yaml
from peerkg.namespaces import expand

__all__ = ["ENTRY_SUFFIXES", "Entry", "Link", "Loaded", "LoadedFile", "Place", "load_entry", "load_file",
           "read_entries"]

# entry files by suffix -> the name of their format
ENTRY_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}
WORKBOOK_SUFFIX = ".xlsx"

# Whether the store already holds an entry with this id (or a node with this subject IRI).
EntryLookup = Callable[[Entry], bool]
# The IRIs of the source documents with this id that the store holds (declared by some entry).
DocumentLookup = Callable[[str], list[str]]


@dataclass
class Loaded:
    """Every entry read from a list of paths, and every problem found (files that cannot be read, fields
    a loader refused, ids used twice). `files` are the paths as given."""

    files: list[str]
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def raise_problems(self) -> None:
        """Raises InputError with every problem, if there is any."""
        if self.problems:
            raise InputError(self.problems)


def _entry_file(path: Path) -> LoadedFile:
    kind = ENTRY_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError([Problem(str(path), f"unsupported file type {path.suffix or '(none)'!r}",
                                  hint="entries are .yaml, .ttl or .jsonld files, or an .xlsx workbook",
                                  rule="file-type")])
    entry = load_yaml(path) if kind == "yaml" else load_rdf(path, kind)
    return LoadedFile([entry])


def _workbook(path: Path) -> LoadedFile:
    return load_workbook(path)


def _folder(path: Path) -> LoadedFile:
    """A folder of the workbook's CSV files is one workbook; any other folder is a list of entry files."""
    try:
        children = sorted(p for p in path.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read the folder: {exc.strerror}", rule="unreadable")]) \
            from None
    if any(p.suffix.lower() == ".csv" for p in children):
        return _workbook(path)
    files = [p for p in children if p.is_file() and p.suffix.lower() in ENTRY_SUFFIXES]
    if not files:
        raise InputError([Problem(str(path), "the folder holds no entry files and no CSV files of the "
                                  "extraction workbook", hint="entries are .yaml, .ttl or .jsonld files",
                                  rule="empty")])
    loaded = LoadedFile()
    for file in files:
        part = load_file(file)
        loaded.entries += part.entries
        loaded.problems += part.problems
    return loaded


def regular_file(path: Path) -> None:
    """Refuses, before anything opens it, a path that is neither a folder nor a regular file (a FIFO, which
    would block, a device such as /dev/zero, a socket), also through a symbolic link (InputError)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read the file: {exc.strerror}", rule="unreadable")]) \
            from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError([Problem(str(path), "not a regular file (a pipe, device or socket): only files and "
                                  "folders are read", hint="give the entry file itself", rule="not-a-file")])


def load_file(path: Path) -> LoadedFile:
    """One path read by the loader of its format (no cross-entry checks); unreadable input is reported as
    problems of the file, never raised."""
    try:
        regular_file(path)
        if path.is_dir():
            return _folder(path)
        if path.suffix.lower() == WORKBOOK_SUFFIX:
            return _workbook(path)
        return _entry_file(path)
    except InputError as exc:
        return LoadedFile([], exc.problems)


def read_entries(paths: Iterable[Path], holds: EntryLookup | None = None,
                 progress: Callable[[int, int, Path], None] | None = None,
                 documents: DocumentLookup | None = None) -> Loaded:
    """Every entry of `paths`, with every problem: the loaders' own, then an id used twice in the batch or
    (when `holds` is given, e.g. `peerkg.graph.store.holds_entry` bound to a store) already in the graph.
    Every entry also passes the trust boundary (peerkg.loaders.guard: its own namespace only, a slug for an
    id and no look-alike of another, no imports, no control characters).
    A quote of a document its entry does not declare is resolved against the documents of the batch and
    (`documents`, e.g. `peerkg.graph.store.document_iris` bound to a store) of the graph; without `documents`
    (no store), against the documents the shipped curated data declares (peerkg.loaders.shipped).
    `progress(n, total, path)` is called before each path is read."""
    paths = list(paths)
    loaded = Loaded([str(p) for p in paths])
    for n, path in enumerate(paths, 1):
        if progress is not None:
            progress(n, len(paths), path)
        part = load_file(path)
        loaded.problems += part.problems
        for entry in part.entries:
            loaded.entries.append(entry)
            loaded.problems += entry.problems
            loaded.problems += check_entry(entry)
    loaded.problems += lookalikes(loaded.entries, holds)
    loaded.problems += duplicate_ids(loaded.entries, holds)
    loaded.problems += resolve_documents(loaded.entries, documents)
    return loaded


def resolve_documents(entries: list[Entry], lookup: DocumentLookup | None) -> list[Problem]:
    """Points every quote of a document another entry declares at that document (prov:wasQuotedFrom its
    IRI, `{entry}/document/{id}`), found among the documents of `entries` and those `lookup` finds in the
    graph (without `lookup`: those the shipped curated data declares, peerkg.loaders.shipped); a document id
    found nowhere, or declared by several entries, is a problem of the quote."""
    declared: dict[str, set[str]] = {}
    source_document, quoted = expand("pk:SourceDocument"), expand("prov:wasQuotedFrom")
    for entry in entries:
        for doc in entry.graph.subjects(RDF.type, source_document):
            declared.setdefault(str(doc).rpartition("/document/")[2], set()).add(str(doc))
    problems: list[Problem] = []
    cache: dict[str, set[str]] = {}
    for entry in entries:
        for ref in entry.documents:
            if ref.document not in cache:
                cache[ref.document] = declared.get(ref.document, set()) | set(
                    (lookup or shipped_document_iris)(ref.document))
            found = sorted(cache[ref.document])
            if len(found) == 1:
                entry.graph.remove((ref.source, quoted, None))
                entry.graph.add((ref.source, quoted, URIRef(found[0])))
                continue
            entry.graph.remove((ref.source, quoted, None))
            entry.refused.add((ref.source, quoted))  # reported here, not again by the shapes
            message = (f"document {ref.document!r} is declared by {len(found)} entries" if found else
                       f"no entry of the batch or the graph declares document {ref.document!r}")
            problems.append(Problem(entry.file, message, entry.id, ref.place.field, ref.place.line,
                                    "declare it under `documents:` (id, citation, doi or url, text) or name a "
                                    "document the graph holds, e.g. cooper-2024-text",
                                    "unknown-document"))
    return problems


def duplicate_ids(entries: list[Entry], holds: EntryLookup | None) -> list[Problem]:
    """Entries whose id an earlier entry of the batch, or the graph (`holds`), already uses."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for entry in entries:
        where = seen.get(entry.id)
        if where is None and holds is not None and holds(entry):
            where = "the graph in the store"
        if where is not None:
            place = entry.places.get((entry.subject, None), Place("")).key("id")
            problems.append(Problem(entry.file, f"entry id {entry.id!r} is already used by {where}", entry.id,
                                    place.field or "id", place.line,
                                    "choose another id; an added entry is replaced with `peerkg add --replace`",
                                    "duplicate-id"))
        seen.setdefault(entry.id, entry.file)
    return problems


def load_entry(path: Path) -> Entry:
    """The one entry of `path`, read through `read_entries` (without a store). Raises InputError with every
    problem found, or when the path holds no entry or several."""
    loaded = read_entries([path])
    loaded.raise_problems()
    if len(loaded.entries) != 1:
        raise InputError([Problem(str(path), f"holds {len(loaded.entries)} entries, not one",
                                  hint="give one entry file", rule="entry-count")])
    return loaded.entries[0]
