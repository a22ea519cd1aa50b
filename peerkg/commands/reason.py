"""`peerkg reason`: the graphs to reason over (from a built store or straight from the files), HermiT on
them (peerkg.ontology.reasoner), and the inferred class memberships written back into the store."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, URIRef

from peerkg.commands.build import entry_files, entry_graphs, load_entries
from peerkg.graph.store import Store, graph_names, graph_of
from peerkg.namespaces import graph_name
from peerkg.ontology import artifact_graphs
from peerkg.ontology.reasoner import ENTRY_GRAPHS, INFERRED_GRAPH, REASONED_GRAPHS, ReasonerError
from peerkg.progress import Progress, quiet


def store_graphs(store: Store, progress: Progress = quiet) -> list[tuple[str, Graph]]:
    """The reasoned graphs of a built store (ontology, imports, vocabularies, sources, entries) by name.
    Raises ReasonerError when the store holds no ontology."""
    names = [n for n in graph_names(store) if n in REASONED_GRAPHS or n.startswith(ENTRY_GRAPHS)]
    graphs = []
    for n, name in enumerate(names, 1):
        progress(f"reading the store's graphs {n}/{len(names)}")
        graphs.append((name, graph_of(store, name)))
    if graph_name("ontology") not in names:
        raise ReasonerError("the store holds no ontology graph: build it with `peerkg build`")
    return graphs


def source_graphs(data_dir: Path | None = None, progress: Progress = quiet) -> list[tuple[str, Graph]]:
    """The same graphs read from the files (ontology/, data/) without building a store. Raises InputError."""
    graphs = [(n, g) for n, g in artifact_graphs() if n in REASONED_GRAPHS]
    return graphs + entry_graphs(load_entries(entry_files(data_dir), progress))


def write_into_store(inferred: list[tuple[URIRef, URIRef]], store: Store) -> None:
    """Replaces the store's inferred graph (`graph/inferred`) with these (individual, class) pairs, in one
    update: all or nothing."""
    body = "\n".join(f"<{s}> <{RDF.type}> <{o}> ." for s, o in inferred)
    store.update(f"DROP SILENT GRAPH <{INFERRED_GRAPH}> ;\n"
                 f"INSERT DATA {{ GRAPH <{INFERRED_GRAPH}> {{\n{body}\n}} }}")
    store.flush()
