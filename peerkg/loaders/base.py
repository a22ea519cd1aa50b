"""The loader contract, shared by every input format.

A loader reads one path and returns a `LoadedFile`: the entries it holds (each an rdflib graph of its own
triples, with where each node and field is written) and the problems that belong to no entry. A loader does
syntax, unknown keys, type coercion and the mapping to RDF, nothing else: every rule about values lives in
shapes/ and is applied by peerkg.validation. A file that cannot be read as entries at all raises InputError.
A value a loader had to refuse (text where a number belongs) is a problem of its entry, and its field is
listed in `Entry.refused`, so that validation does not report the missing value a second time.
"""

from __future__ import annotations

import os
import re
import stat
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


@dataclass(frozen=True)
class DocumentRef:
    """A quote of a document the entry does not declare (e.g. `document: cooper-2024-text`): its source node,
    the document id and where it is written. The loader door resolves it against the batch and the graph."""

    source: URIRef
    document: str
    place: Place


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
    documents: list[DocumentRef] = field(default_factory=list)  # quoted documents to resolve


@dataclass
class LoadedFile:
    """What a loader read from one path: its entries, and problems that belong to none of them."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# Brackets ([ { and ( of Turtle lists) open at once in any entry file; checked on the text before any parser
# sees it, because nested flow collections make PyYAML's scanner quadratic and the JSON and Turtle parsers
# recurse. Curated entries nest at most 4 deep.
MAX_NESTING = 32


def nesting_depth(text: str) -> int:
    """The deepest run of open brackets ([, {, ( not yet closed) in `text`, counted without parsing (a
    bracket inside a string counts too: the limit leaves ample room for those)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{(":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


_BRACKETS = re.compile(r"[\[\]{}()]")


def read_text(path: Path, max_bytes: int) -> str:
    """The file as UTF-8 text, refusing what no entry can be: missing, not a regular file, huge, nested
    deeper than MAX_NESTING, empty or binary (InputError). The size is checked before reading, the file type
    on the opened file (so a FIFO never blocks: it is opened without waiting), the nesting before parsing."""
    file = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError([Problem(file, "not a regular file (a pipe, device or socket)",
                                          hint="give the entry file itself", rule="not-a-file")])
            if info.st_size > max_bytes:
                raise InputError([Problem(file, f"file is {info.st_size:,} bytes; an entry may be at most "
                                          f"{max_bytes:,}", hint="split it into one file per review",
                                          rule="too-large")])
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError([Problem(file, f"cannot read the file: {exc.strerror}", rule="unreadable")]) from None
    if len(data) > max_bytes:
        raise InputError([Problem(file, f"file is over {max_bytes:,} bytes, the most an entry may be",
                                  hint="split it into one file per review", rule="too-large")])
    if not data.strip():
        raise InputError([Problem(file, "the file is empty", rule="empty")])
    if b"\x00" in data:
        raise InputError([Problem(file, "this is a binary file, not a text entry", rule="binary")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, f"not UTF-8 text (byte {exc.start})", rule="binary")]) from None
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise InputError([Problem(file, f"brackets are nested {depth} deep; an entry may nest at most "
                                  f"{MAX_NESTING}", hint="write nested values as indented blocks",
                                  rule="too-deep")])
    return text
