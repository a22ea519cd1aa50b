"""The workspace: the entries a review team added, kept as files beside the store, so nothing added is lost.

The graph is always rebuilt from files: `peerkg build` reads the curated entries of `data/` and every entry of
the workspace. `add` keeps each accepted entry in the workspace's `entries/` folder (the folder that holds
the store, e.g. `.peerkg/entries/` for the default `.peerkg/store`): a YAML, Turtle or JSON-LD file holding one
entry is kept as it was written (`ID.yaml`, ...); an entry from a workbook is kept as its Turtle form
(`ID.ttl`). The local text copies of the entry's own documents (`text:`, a path below the entry's folder) are
kept with it, in `entries/ID/` at the same relative path, so that `build` checks the entry's quotes again.
`remove` and `add --replace` change the store and the workspace together, all or nothing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from rdflib.namespace import PROV

from peerkg.errors import StoreError
from peerkg.graph.store import Store, add_nquads, default_store_path, graph_names, open_store, writer_lock
from peerkg.loaders import ENTRY_SUFFIXES, Entry, load_file
from peerkg.namespaces import bind_all, entity_base, entry_graph_name, expand
from peerkg.synthesis.changelog import Change, Moved, append_to_log, change_quads, moved_verdicts
from peerkg.synthesis.conclusions import outcomes_in, refresh_conclusions, verdicts

ENTRIES_FOLDER = "entries"


def workspace_folder(store_path: Path | None = None) -> Path:
    """Where the entries added to the store at `store_path` are kept: `entries/` beside the store."""
    return Path(store_path or default_store_path()).parent / ENTRIES_FOLDER


def kept_files(store_path: Path | None = None) -> list[Path]:
    """The entry files of the workspace, sorted by name (none when there is no workspace yet)."""
    folder = workspace_folder(store_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in ENTRY_SUFFIXES)


def kept_file(entry_id: str, store_path: Path | None = None) -> Path | None:
    """The workspace file of the entry `entry_id`, or None."""
    return next((p for p in kept_files(store_path) if p.stem == entry_id), None)


@dataclass
class KeptEntry:
    """One entry of the workspace: its id, kind, file and whether the store holds it now."""

    id: str
    kind: str
    file: str
    in_store: bool


def list_entries(store_path: Path | None = None) -> list[KeptEntry]:
    """Every entry kept in the workspace, and whether the store holds its graph. Raises StoreError."""
    path = Path(store_path or default_store_path())
    names = set(graph_names(open_store(path, read_only=True)))
    kept = []
    for file in kept_files(path):
        for entry in load_file(file).entries:
            kept.append(KeptEntry(entry.id, entry.kind, str(file), entry_graph_name(entry.id) in names))
    return kept


def staged_copies(entries: list[Entry], store_path: Path | None) -> list[tuple[Path, bytes]]:
    """(workspace path, bytes) for each entry to keep: a single-entry file as it was written, else the
    entry's Turtle."""
    folder = workspace_folder(store_path)
    files: dict[str, int] = {}
    for entry in entries:
        files[entry.file] = files.get(entry.file, 0) + 1
    copies = []
    for entry in entries:
        source = Path(entry.file)
        if files[entry.file] == 1 and source.is_file() and source.suffix.lower() in ENTRY_SUFFIXES:
            copies.append((folder / f"{entry.id}{source.suffix.lower()}", source.read_bytes()))
        else:
            turtle = bind_all(entry.graph).serialize(format="turtle")
            copies.append((folder / f"{entry.id}.ttl", turtle.encode("utf-8")))
        copies += text_copies(entry, folder)
    return copies


def text_copies(entry: Entry, folder: Path) -> list[tuple[Path, bytes]]:
    """(workspace path, bytes) of the local text copies of the entry's own documents: `entries/ID/PATH` for
    a `text: PATH` below the entry file's folder. A path that leaves that folder, or a file that is not there,
    is not copied (its quotes are then listed as unchecked by `build`)."""
    own = f"{entity_base()}{entry.id}/document/"
    copies = []
    for document, given in entry.graph.subject_objects(expand("pk:localPath")):
        relative = Path(str(given))
        if not str(document).startswith(own) or relative.is_absolute() or ".." in relative.parts:
            continue
        source = Path(entry.file).parent / relative
        if source.is_file():
            copies.append((folder / entry.id / relative, source.read_bytes()))
    return copies


def text_folder(entry_id: str, store_path: Path | None = None) -> Path:
    """Where the workspace keeps the text copies of the entry `entry_id`'s documents."""
    return workspace_folder(store_path) / entry_id


def write_copies(copies: list[tuple[Path, bytes]], replaced: list[Path]) -> list[Path]:
    """Writes the workspace files (each through a temporary file and a rename) after moving the replaced
    ones aside; returns the moved-aside files, to be deleted (`forget`) or put back (`restore`)."""
    aside = []
    for path in replaced:
        moved = path.with_name(path.name + ".replaced")
        os.replace(path, moved)
        aside.append(moved)
    for path, data in copies:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    return aside


def restore(copies: list[tuple[Path, bytes]], aside: list[Path]) -> None:
    """Undoes `write_copies`: the new files go, the moved-aside ones come back."""
    for path, _ in copies:
        path.unlink(missing_ok=True)
    for moved in aside:
        os.replace(moved, moved.with_name(moved.name.removesuffix(".replaced")))


def forget(aside: list[Path]) -> None:
    """Deletes the moved-aside files once the store holds the change."""
    for moved in aside:
        if moved.is_dir():
            shutil.rmtree(moved)
        else:
            moved.unlink(missing_ok=True)


def entry_sources(entry: Entry) -> tuple[str, ...]:
    """The IRIs of the documents an entry quotes."""
    return tuple(sorted({str(o) for o in entry.graph.objects(None, PROV.wasQuotedFrom)}))


def record_change(store: Store, store_path: Path, changes: list[Change], moved: list[Moved],
                  by: str | None) -> None:
    """Records a change in the store's change-log graph and in the workspace's log file (which `build` loads).
    A log that cannot be written is reported (StoreError) after the change itself has been made."""
    quads = change_quads(changes, moved, by)
    try:
        add_nquads(store, quads)
        append_to_log(workspace_folder(store_path), quads)
    except (OSError, ValueError) as exc:
        raise StoreError(f"the change was made, but the change log could not be written: {exc}") from None


def remove_entries(ids: list[str], store_path: Path | None = None, by: str | None = None) -> list[str]:
    """Takes the entries `ids` out of the store and the workspace, all or nothing; returns what was removed,
    one line per entry. Raises StoreError for an id the workspace does not hold (curated entries live in
    data/: edit or delete the file there and rebuild) or when the store cannot be changed or is in use (then
    nothing is)."""
    path = Path(store_path or default_store_path())
    files = []
    for entry_id in ids:
        file = kept_file(entry_id, path)
        if file is None:
            raise StoreError(f"the workspace {workspace_folder(path)} holds no entry {entry_id!r}: only added "
                             "entries can be removed (curated ones are files of data/; `peerkg entries` lists "
                             "the added ones)")
        files.append(file)
    texts = [text_folder(i, path) for i in ids if text_folder(i, path).is_dir()]
    with writer_lock(path):
        store = open_store(path)
        aside = write_copies([], files + texts)
        try:
            verdicts_before = verdicts(store)
            outcomes = outcomes_in(store, [entry_graph_name(i) for i in ids])
            drop = " ;\n".join(f"DROP SILENT GRAPH <{entry_graph_name(i)}>" for i in ids)
            store.update(drop)
            refresh_conclusions(store, outcomes)
            store.flush()
        except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
            restore([], aside)
            del store
            raise StoreError(f"the store was not changed: {exc}") from None
        forget(aside)
        try:
            record_change(store, path, [Change("removed", i, str(f)) for i, f in zip(ids, files, strict=True)],
                          moved_verdicts(verdicts_before, verdicts(store)), by)
        finally:
            del store
    return [f"removed {i} (file {f}) from the store and the workspace" for i, f in zip(ids, files, strict=True)]


def replace_update(graphs: list[tuple[str, str]], replaced_ids: list[str]) -> str:
    """One SPARQL update that drops the replaced entries' graphs and inserts the new ones (each graph's
    N-Triples given), so that the store changes in one transaction."""
    parts = [f"DROP SILENT GRAPH <{entry_graph_name(i)}>" for i in replaced_ids]
    for name, ntriples in graphs:
        parts.append(f"INSERT DATA {{ GRAPH <{name}> {{\n{ntriples}}} }}")
    return " ;\n".join(parts)
