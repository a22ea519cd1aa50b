"""Release files: the whole graph in Turtle, N-Triples, JSON-LD and TriG, reproducible to the byte.

`peerkg build` writes them from the N-Quads it loaded and `peerkg export` from the store's own dump; both go
through `release_texts`, so the same graph always gives the same bytes: blank nodes relabelled canonically
(RDFC-1.0), lines sorted and unique, prefixes sorted, no timestamps. Everything is written by pyoxigraph's
serialisers (in Rust): no rdflib graph is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from peerkg.graph.store import escape_line_breaks
from peerkg.namespaces import prefixes

if TYPE_CHECKING:
    from rdflib import Graph

RELEASE_FORMATS = ("ttl", "nt", "jsonld", "trig")


def release_texts(nquads: str | bytes, formats: tuple[str, ...] = RELEASE_FORMATS,
                  as_oxigraph_writes: bool = False, named_only: bool = False) -> dict[str, str]:
    """The graph given as N-Quads, in each of `formats` (keys of RELEASE_FORMATS): format -> text.
    Turtle, N-Triples and JSON-LD hold the union of the named graphs (each triple once); TriG keeps each
    graph. `as_oxigraph_writes`: `nquads` is a store's own dump (see `canonical_nquad_lines`). `named_only`:
    every quad is in a named graph (none in the default graph; a store's is empty), so the union is made by
    cutting the graph name off each line instead of parsing and writing them again. Raises SyntaxError if
    `nquads` is not N-Quads."""
    lines = canonical_nquad_lines(nquads, as_oxigraph_writes)
    wanted = set(formats) & {"ttl", "nt", "jsonld"}
    union = "" if not wanted else _union_of_named(lines) if named_only else _union_ntriples(lines)
    writers: dict[str, Callable[[], str]] = {
        "ttl": lambda: _turtle(_triples(union), ox.RdfFormat.TURTLE),
        "nt": lambda: union,
        "jsonld": lambda: _jsonld(_triples(union)),
        "trig": lambda: _turtle(_named_by_graph(lines) if named_only else _by_graph(lines), ox.RdfFormat.TRIG),
    }
    return {fmt: writers[fmt]() for fmt in formats}


def write_release(nquads: str | bytes, folder: Path) -> list[Path]:
    """Writes `peerkg.ttl`, `.nt`, `.jsonld` and `.trig` of the graph into `folder`; returns their paths."""
    return write_texts(release_texts(nquads), folder)


def write_texts(texts: dict[str, str], folder: Path) -> list[Path]:
    """Writes the release texts (format -> text, as `release_texts` makes them) into `folder` as
    `peerkg.<format>`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt, text in texts.items():
        path = folder / f"peerkg.{fmt}"
        path.write_bytes(text.encode("utf-8"))
        files.append(path)
    return files


def canonical_nquad_lines(nquads: str | bytes, as_oxigraph_writes: bool = False) -> list[str]:
    """The N-Quads lines of a dataset, blank nodes relabelled by RDFC-1.0 (so the labels depend on the
    content only, not on the store or the parse), every line-breaking character other than \\n escaped,
    sorted and unique. Only the quads with a blank node go through the canonicalisation (RDFC-1.0 labels
    depend on those alone); the others are written as Oxigraph writes them. `as_oxigraph_writes`: the text
    is Oxigraph's own N-Quads already (a store's dump), so it is not parsed and written again first."""
    text = nquads.decode("utf-8") if isinstance(nquads, bytes) else nquads
    if not as_oxigraph_writes:
        text = (ox.serialize(ox.parse(text, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
                or b"").decode("utf-8")
    # Oxigraph leaves U+2028, U+0085 and the like unescaped: split on \n alone, the only line end it writes;
    # none of the characters escaped is \n, so escaping the whole text escapes each line
    lines = escape_line_breaks(text).split("\n")
    kept = [line for line in lines if line and "_:" not in line]
    blank = "\n".join(line for line in lines if "_:" in line)
    if blank:
        dataset = ox.Dataset(ox.parse(blank, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        written = (ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
        kept.extend(line for line in escape_line_breaks(written).split("\n") if line)
    # a store's dump holds each quad once (a store is a set), other N-Quads may repeat a line
    return sorted(kept) if as_oxigraph_writes else sorted(set(kept))


def sorted_ntriples_text(triples: Iterable[ox.Triple]) -> str:
    """N-Triples of `triples`, line-breaking characters other than \\n escaped, lines sorted and unique."""
    text = escape_line_breaks((ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"))
    return "\n".join(sorted({line for line in text.split("\n") if line})) + "\n"


def sorted_ntriples(graph: Graph) -> str:
    """N-Triples of an rdflib graph, lines sorted and unique (what `add` writes into an entry's graph)."""
    # split on \n alone: rdflib escapes \n and \r in literals but leaves U+2028, U+0085, form feed... as they are
    lines = {escape_line_breaks(line) for line in graph.serialize(format="nt").split("\n") if line.strip()}
    return "\n".join(sorted(lines)) + "\n"


def _union_ntriples(lines: list[str]) -> str:
    quads = ox.parse("\n".join(lines) + "\n", format=ox.RdfFormat.N_QUADS)
    return sorted_ntriples_text(q.triple for q in quads)


def _union_of_named(lines: list[str]) -> str:
    """`_union_ntriples` of canonical N-Quads lines that all have a graph name: Oxigraph writes a quad as
    `S P O G .` with single spaces, and a graph name (an IRI or a blank node) holds no space, so the triple is
    the line less its last term; the lines are escaped already."""
    # `lines` are sorted and unique, and cutting the last term keeps their order (where a line's triple is a
    # prefix of another's, both continue with a space, which sorts before any character a term goes on
    # with), so each triple's lines are neighbours: keep the first of each run
    triples = [line[:line.rindex(" ", 0, len(line) - 2)] + " ." for line in lines]
    kept = [t for n, t in enumerate(triples) if n == 0 or t != triples[n - 1]]
    return "\n".join(kept) + "\n"


def _triples(ntriples: str) -> Iterator[ox.Triple]:
    return (q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


def _by_graph(lines: list[str]) -> list[ox.Quad]:
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse("\n".join(lines) + "\n", format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(str(quad.graph_name), []).append(quad)
    return [q for name in sorted(graphs) for q in graphs[name]]


def _named_by_graph(lines: list[str]) -> Iterator[ox.Quad]:
    """`_by_graph` of canonical N-Quads lines that all have a graph name (see `_union_of_named`): the lines
    sorted by their last term (stable: in line order within a graph), which is how Oxigraph writes the name."""
    ordered = sorted(lines, key=lambda line: line[line.rindex(" ", 0, len(line) - 2) + 1:-2])
    return ox.parse("\n".join(ordered) + "\n", format=ox.RdfFormat.N_QUADS)


def _turtle(statements: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat) -> str:
    """Turtle or TriG with every declared prefix, the prefix lines sorted."""
    text = (ox.serialize(statements, format=fmt, prefixes=prefixes()) or b"").decode("utf-8")
    head, body = [], text.split("\n")
    while body and body[0].startswith("@prefix "):
        head.append(body.pop(0))
    return "\n".join([*sorted(head), *body])


def _jsonld(triples: Iterable[ox.Triple]) -> str:
    """Expanded JSON-LD (full IRIs, no context), one node object per subject in the order of the sorted
    N-Triples, as pyoxigraph writes it (one line; re-indenting it would take longer than writing it)."""
    return (ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]").decode("utf-8") + "\n"
