"""Writing the built graph, or one entry, in a standard RDF format."""

from __future__ import annotations

from pathlib import Path

from peerkg.build import release_texts
from peerkg.loaders import load_entry
from peerkg.namespaces import bind_all
from peerkg.store import open_store, sorted_nquads


def export_store(store_path: Path | None, fmt: str) -> str:
    return release_texts(sorted_nquads(open_store(store_path)), (fmt,))[fmt]


def export_entry(path: Path, fmt: str) -> str:
    """The RDF form of an entry: what `peerkg add` would put in the graph for it."""
    graph = bind_all(load_entry(path).graph)
    if fmt == "nt":
        return "\n".join(sorted(line for line in graph.serialize(format="nt").splitlines() if line)) + "\n"
    return graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
