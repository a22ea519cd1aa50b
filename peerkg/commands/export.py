"""`peerkg export` and `peerkg export-entry`: the built graph, or one entry, in a standard RDF format."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import DefaultGraph

from peerkg.graph.release import release_texts, sorted_ntriples
from peerkg.graph.store import default_store_path, dump_nquads_bytes, open_store
from peerkg.loaders import load_entry
from peerkg.namespaces import bind_all
from peerkg.synthesis.changelog import CHANGES_GRAPH


def export_store(store_path: Path | None, fmt: str, with_change_log: bool = False) -> str:
    """The whole store as `fmt` (ttl, nt, jsonld or trig), byte-stable: straight from the store's own N-Quads
    dump through the release writers. The change log of the workspace (graph graph/changes: who added or
    removed what, when) is left out unless `with_change_log`: the export is the evidence, the same for the same
    entries however they came and went. Raises StoreError."""
    path = store_path or default_store_path()
    store = open_store(path, read_only=True)
    dump = dump_nquads_bytes(store, path)
    named_only = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is None
    if not with_change_log and CHANGES_GRAPH.encode() in dump:
        marker = f"<{CHANGES_GRAPH}> .".encode()
        dump = b"".join(line for line in dump.splitlines(keepends=True) if not line.rstrip().endswith(marker))
    return release_texts(dump, (fmt,), as_oxigraph_writes=True, named_only=named_only)[fmt]


def export_entry(path: Path, fmt: str) -> str:
    """The RDF form of one entry file (ttl, nt or jsonld): what `peerkg add` would put in the graph for it.
    Raises InputError when the file cannot be read or holds other than one entry without problems."""

    graph = bind_all(load_entry(path).graph)
    if fmt == "nt":
        return sorted_ntriples(graph)
    return graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt])
