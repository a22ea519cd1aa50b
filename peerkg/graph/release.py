"""Release files: the whole graph in Turtle, N-Triples, JSON-LD and TriG, reproducible to the byte.

`peerkg build` writes them from the graphs it loaded and `peerkg export` from the store; both use these
serialisers, so the same graph always gives the same bytes (sorted lines and keys, canonical blank nodes,
no timestamps).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from peerkg.graph.store import escape_line_breaks
from peerkg.namespaces import bind_all

RELEASE_FORMATS = ("ttl", "nt", "jsonld", "trig")


def release_texts(nquads: str, formats: tuple[str, ...] = RELEASE_FORMATS) -> dict[str, str]:
    """The graph given as N-Quads, in each of `formats` (keys of RELEASE_FORMATS): format -> text.
    Turtle, N-Triples and JSON-LD hold the union of the named graphs; TriG keeps each graph."""
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    union = canonical(union)
    writers: dict[str, Callable[[], str]] = {
        "ttl": lambda: union.serialize(format="turtle"),
        "nt": lambda: sorted_ntriples(union),
        "jsonld": lambda: canonical_jsonld(union),
        "trig": lambda: _trig(dataset),
    }
    return {fmt: writers[fmt]() for fmt in formats}


def write_release(nquads: str, folder: Path) -> list[Path]:
    """Writes `peerkg.ttl`, `.nt`, `.jsonld` and `.trig` of the graph into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt, text in release_texts(nquads).items():
        path = folder / f"peerkg.{fmt}"
        path.write_text(text, "utf-8")
        files.append(path)
    return files


def canonical(graph: Graph) -> Graph:
    """The graph with blank nodes relabelled from their content, so serialisations are byte-stable (a graph
    without blank nodes is only copied: relabelling would leave every triple as it is)."""
    result = bind_all(Graph())
    has_blank = any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in graph)
    for triple in to_canonical_graph(graph) if has_blank else graph:
        result.add(triple)
    return result


def canonical_jsonld(graph: Graph) -> str:
    """rdflib's JSON-LD in an order that does not depend on hashing: nodes by @id, values sorted."""
    document = json.loads(graph.serialize(format="json-ld"))
    nodes = document if isinstance(document, list) else document.get("@graph", [document])
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda n: n.get("@id", ""))
    return json.dumps(nodes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def sorted_ntriples(graph: Graph) -> str:
    """N-Triples of `graph`, lines sorted and unique."""
    # split on \n alone: rdflib escapes \n and \r in literals but leaves U+2028, U+0085, form feed... as they are
    lines = {escape_line_breaks(line) for line in graph.serialize(format="nt").split("\n") if line.strip()}
    return "\n".join(sorted(lines)) + "\n"


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
        # the prefix lines lead; everything after them is the body, left as written (not indented, and split
        # on \n alone), so that a multi-line literal keeps its exact text and cannot pose as a prefix line
        lines = text.split("\n")
        n = 0
        while n < len(lines) and (lines[n].startswith("@prefix") or not lines[n].strip()):
            if lines[n].startswith("@prefix"):
                header.add(lines[n])
            n += 1
        body = "\n".join(lines[n:])
        blocks.append(f"<{context.identifier}> {{\n{body.strip(chr(10))}\n}}\n")
    prefixes = "\n".join(sorted(header))
    return prefixes + "\n\n" + "\n".join(blocks)
