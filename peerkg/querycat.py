"""The stored queries of queries/: their metadata headers, and a catalogue of them as RDF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from peerkg import resources

HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
FILE_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.rq$")
CATALOGUE_BASE = "https://w3id.org/peerkg/query/"


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    research_question: str = ""
    params: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def iri(self) -> URIRef:
        return URIRef(CATALOGUE_BASE + self.name)


def parse_query_file(path: Path) -> StoredQuery:
    text = path.read_text("utf-8")
    meta: dict[str, str] = {}
    params: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            # #+ param: NAME TYPE DEFAULT -- description
            spec, _, description = value.partition("--")
            name, type_, *default = spec.split()
            params[name] = {"type": type_, "default": " ".join(default), "description": description.strip()}
        else:
            meta[key] = (meta[key] + " " + value) if key in meta else value
    match = FILE_NAME.match(path.name)
    name = match.group(2) if match else path.stem
    return StoredQuery(name, path, text, meta.get("summary", ""), meta.get("description", ""),
                       meta.get("research_question", ""), params)


@cache
def stored_queries() -> dict[str, StoredQuery]:
    folder = resources.path("queries")
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}


def catalogue_graph() -> Graph:
    """Each stored query as an sh:SPARQLSelectExecutable (the SIB sparql-examples convention)."""
    graph = Graph()
    for query in stored_queries().values():
        graph.add((query.iri, RDF.type, SH.SPARQLExecutable))
        graph.add((query.iri, RDF.type, SH.SPARQLSelectExecutable))
        graph.add((query.iri, RDFS.label, Literal(query.name)))
        graph.add((query.iri, RDFS.comment, Literal(query.summary)))
        graph.add((query.iri, SH.select, Literal(query.text)))
    return graph
