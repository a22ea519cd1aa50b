"""What an entry checked alone (no store) may still point to: the shared facts of the shipped curated data.

A review quotes the umbrella review's documents (`cooper-2024-text`, `cooper-2024-tables`) and names the
umbrella that includes it (`included_in: [{umbrella: cooper-2024}]`); both are declared by an ordinary entry
of data/ (data/cooper-2024.yaml), not by the engine. Without a store, `peerkg validate --no-store`,
`peerkg template --entry data/x.yaml` and `load_entry` resolve them against data/ as the built graph would:
every source document a data/ entry declares (pk:SourceDocument, with its pk:localPath) and every umbrella
review of data/ (pk:UmbrellaReview). Nothing else of data/ is used: a link to a review of the graph
(pk:supportedBy) still cannot be resolved alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from rdflib import RDF, Graph, Literal, URIRef

from peerkg import resources
from peerkg.namespaces import entity_base, entry_graph_name, expand

__all__ = ["shipped_document_iris", "shipped_facts"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _declares_shared_facts(text: str) -> bool:
    return any(line.startswith(("documents:", "record: umbrella-review")) for line in text.splitlines())


@cache
def shipped_facts() -> tuple[tuple[str, Graph], ...]:
    """(entry graph name, graph) for each data/*.yaml entry that declares source documents or is an umbrella
    review: `<pkid:ENTRY/document/ID> a pk:SourceDocument` (plus `pk:localPath` when it has a text copy) and
    `<pkid:ENTRY> a pk:UmbrellaReview`. Files that cannot be read or parsed are skipped (they are reported
    when they are themselves read through the loader door)."""
    folder = resources.path("data")
    found: list[tuple[str, Graph]] = []
    document, local_path = expand("pk:SourceDocument"), expand("pk:localPath")
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            text = path.read_text("utf-8")
            if not _declares_shared_facts(text):
                continue
            data = yaml.load(text, Loader=_Loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        entry = data["id"]
        graph = Graph()
        if data.get("record") == "umbrella-review":
            graph.add((URIRef(entity_base() + entry), RDF.type, expand("pk:UmbrellaReview")))
        for doc in data.get("documents") or []:
            if isinstance(doc, dict) and isinstance(doc.get("id"), str):
                iri = URIRef(f"{entity_base()}{entry}/document/{doc['id']}")
                graph.add((iri, RDF.type, document))
                if isinstance(doc.get("text"), str):
                    graph.add((iri, local_path, Literal(doc["text"])))
        if len(graph):
            found.append((entry_graph_name(entry), graph))
    return tuple(found)


def shipped_document_iris(document_id: str) -> list[str]:
    """The IRIs of the source documents with id `document_id` that the shipped curated data declares."""
    suffix = f"/document/{document_id}"
    return sorted({str(s) for _, graph in shipped_facts() for s in graph.subjects(RDF.type, expand(
        "pk:SourceDocument")) if str(s).endswith(suffix)})
