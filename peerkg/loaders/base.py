"""The loader contract, shared by every input format.

A loader reads one path and returns a `LoadedFile`: the entries it holds (each an rdflib graph of its own
triples, with where each node and field is written) and the problems that belong to no entry. A loader does
syntax, unknown keys, type coercion and the mapping to RDF, nothing else: every rule about values lives in
shapes/ and is applied by peerkg.validation. A file that cannot be read as entries at all raises InputError.
A value a loader had to refuse (text where a number belongs) is a problem of its entry, and its field is
listed in `Entry.refused`, so that validation does not report the missing value a second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from peerkg.errors import InputError, Problem


@dataclass(frozen=True)
class Link:
    """A reference from an entry to another entry, checked against the graph when the entry joins."""

    target: URIRef
    kind: str
    file: str
    entry: str
    field: str
    line: int | None


@dataclass(frozen=True)
class Place:
    """Where a node, or one field of a node, is written in the entry file, in the curator's words: the YAML
    key path (e.g. findings[3].effect.ci_lower) and its line, or the sheet, row and column of a workbook."""

    field: str
    line: int | None = None
    cell: bool = False  # field names a sheet and row (and maybe a column), not a YAML key path

    def key(self, name: str) -> Place:
        """The place of field `name` of the node written here."""
        if self.cell:
            return Place(f"{self.field}, column {name!r}", self.line, True) if name else self
        return Place(f"{self.field}.{name}" if self.field and name else self.field or name, self.line)


@dataclass
class Entry:
    """One entry: a review (or umbrella review) and everything recorded about it, as RDF.

    `subject` is the review's IRI (`pkid:<id>`); `graph` holds every triple of the entry; `places` maps
    (node, property) -> where that field is written ((node, None): where the node is); `links` are the
    references to other entries; `problems` are what the loader found wrong in a readable entry, and
    `refused` the (node, property) pairs whose value it could not take."""

    id: str
    kind: str
    file: str
    subject: URIRef
    graph: Graph
    links: list[Link] = field(default_factory=list)
    # (node, property) -> where that field is written; (node, None) -> where the node is. Validation reports
    # map SHACL results (focus node, path) back to the file with it. Empty for Turtle and JSON-LD entries.
    places: dict[tuple[URIRef, URIRef | None], Place] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    refused: set[tuple[URIRef, URIRef | None]] = field(default_factory=set)


@dataclass
class LoadedFile:
    """What a loader read from one path: its entries, and problems that belong to none of them."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_text(path: Path, max_bytes: int) -> str:
    """The file as UTF-8 text, refusing what no entry can be: missing, huge, empty or binary (InputError)."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError([Problem(file, f"file is {size:,} bytes; an entry may be at most {max_bytes:,}",
                                      hint="split it into one file per review", rule="too-large")])
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(file, f"cannot read the file: {exc.strerror}", rule="unreadable")]) from None
    if not data.strip():
        raise InputError([Problem(file, "the file is empty", rule="empty")])
    if b"\x00" in data:
        raise InputError([Problem(file, "this is a binary file, not a text entry", rule="binary")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, f"not UTF-8 text (byte {exc.start})", rule="binary")]) from None
