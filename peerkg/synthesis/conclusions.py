"""Conclusions as data: the verdict on each outcome, derived from the findings by one SPARQL rule.

The rule is a plain file, `queries/rules/conclusions.rq` (a CONSTRUCT query; its comments state the rule and
where its threshold comes from). This module only runs it and keeps what it constructs in the named graph
`graph/conclusions`, which `build`, `add` and `remove` refresh in the same store, so the stored query
`conclusions` and any SPARQL endpoint the graph is pushed to read the verdicts as nodes of their own.
"""

from __future__ import annotations

import pyoxigraph as ox

from peerkg import resources
from peerkg.namespaces import expand, graph_name

CONCLUSIONS_GRAPH = graph_name("conclusions")
RULE_FILE = ("queries", "rules", "conclusions.rq")


def rule_text() -> str:
    """The text of the conclusions rule (SPARQL 1.1 CONSTRUCT)."""
    return resources.path(*RULE_FILE).read_text("utf-8")


def derive_conclusions(store: ox.Store) -> list[ox.Quad]:
    """The conclusions the rule draws from the findings in `store` (its named graphs seen as one), as quads of
    the graph `graph/conclusions`, sorted (the same store gives the same list). The old conclusions graph is
    not read: the rule starts from reviews and their findings only."""
    graph = ox.NamedNode(CONCLUSIONS_GRAPH)
    derived = store.query(rule_text(), use_default_graph_as_union=True)
    assert isinstance(derived, ox.QueryTriples)
    quads = {ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived}
    return sorted(quads, key=str)


def as_nquads(quads: list[ox.Quad]) -> str:
    """Quads as N-Quads text, one per line."""
    return "".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads)


def refresh_conclusions(store: ox.Store) -> int:
    """Replaces the conclusions graph of `store` with what the rule draws now, in one transaction; returns the
    number of conclusions. Raises OSError or ValueError from the store."""
    quads = derive_conclusions(store)
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    store.update(f"DROP SILENT GRAPH <{CONCLUSIONS_GRAPH}> ;\n"
                 f"INSERT DATA {{ GRAPH <{CONCLUSIONS_GRAPH}> {{\n{triples}\n}} }}")
    return sum(1 for q in quads if q.predicate == RDF_TYPE)


RDF_TYPE = ox.NamedNode(str(expand("rdf:type")))
