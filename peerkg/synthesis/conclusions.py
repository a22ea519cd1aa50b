"""Conclusions as data: the verdict on each outcome, derived from the findings by one SPARQL rule.

The rule is a plain file, `queries/rules/conclusions.rq` (a CONSTRUCT query; its comments state the rule and
where its threshold comes from). This module only runs it and keeps what it constructs in the named graph
`graph/conclusions`, which `build`, `add` and `remove` refresh in the same store, so the stored query
`conclusions` and any SPARQL endpoint the graph is pushed to read the verdicts as nodes of their own.
"""

from __future__ import annotations

from collections.abc import Collection

import pyoxigraph as ox

from peerkg import resources
from peerkg.namespaces import expand, graph_name

CONCLUSIONS_GRAPH = graph_name("conclusions")
RULE_FILE = ("queries", "rules", "conclusions.rq")


def rule_text() -> str:
    """The text of the conclusions rule (SPARQL 1.1 CONSTRUCT)."""
    return resources.path(*RULE_FILE).read_text("utf-8")


def derive_conclusions(store: ox.Store, outcomes: Collection[str] | None = None) -> list[ox.Quad]:
    """The conclusions the rule draws from the findings in `store` (its named graphs seen as one), as quads of
    the graph `graph/conclusions`, sorted (the same store gives the same list): on every outcome, or only on
    `outcomes` (IRIs; the rule's `VALUES ?outcome` blocks bound to them). The old conclusions graph is not
    read: the rule starts from reviews and their findings only."""
    graph = ox.NamedNode(CONCLUSIONS_GRAPH)
    text = rule_text()
    if outcomes is not None:
        text = text.replace(EVERY_OUTCOME, "VALUES ?outcome { " + " ".join(f"<{o}>" for o in sorted(outcomes)) + " }")
    derived = store.query(text, use_default_graph_as_union=True)
    assert isinstance(derived, ox.QueryTriples)
    quads = {ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived}
    return sorted(quads, key=str)


EVERY_OUTCOME = "VALUES ?outcome { UNDEF }"  # in the rule: the outcomes it draws conclusions on


def as_nquads(quads: list[ox.Quad]) -> str:
    """Quads as N-Quads text, one per line."""
    return "".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in quads)


def outcomes_in(store: ox.Store, graph_names: Collection[str]) -> set[str] | None:
    """The outcomes (IRIs) the findings of the named graphs `graph_names` report on: the only conclusions a
    change of those graphs can move, since the rule groups findings by their own outcome and counts each
    review by its own findings. None when one of the graphs adds to a vocabulary's hierarchy (proposed terms
    with skos:broader): the rule reads the comparator hierarchy, so any conclusion may move."""
    if not graph_names:
        return set()
    graphs = " ".join(f"<{name}>" for name in sorted(graph_names))
    found = store.query(f"SELECT DISTINCT ?outcome ?broader WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ "
                        f"{{ ?finding <{expand('pk:outcome')}> ?outcome }} UNION "
                        f"{{ ?concept <{expand('skos:broader')}> ?broader }} }} }}")
    assert isinstance(found, ox.QuerySolutions)
    outcomes: set[str] = set()
    for row in found:
        if row["broader"] is not None:
            return None
        outcome = row["outcome"]
        if isinstance(outcome, ox.NamedNode):
            outcomes.add(outcome.value)
    return outcomes


def refresh_conclusions(store: ox.Store, outcomes: Collection[str] | None = None) -> int:
    """Replaces the conclusions of `store` with what the rule draws now, in one transaction: all of them, or
    only those on `outcomes` (IRIs, see `outcomes_in`: `add` and `remove` pass the outcomes of the entries
    they change, and the conclusions on every other outcome stay as they are). Returns the number of
    conclusions drawn. Raises OSError or ValueError from the store."""
    if outcomes is not None and not outcomes:
        return 0
    quads = derive_conclusions(store, outcomes)
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if outcomes is None:
        drop = f"DROP SILENT GRAPH <{CONCLUSIONS_GRAPH}> ;\n"
    else:
        values = " ".join(f"<{o}>" for o in sorted(outcomes))
        drop = (f"DELETE {{ GRAPH <{CONCLUSIONS_GRAPH}> {{ ?conclusion ?p ?o }} }} "
                f"WHERE {{ VALUES ?outcome {{ {values} }} GRAPH <{CONCLUSIONS_GRAPH}> "
                f"{{ ?conclusion <{expand('pk:aboutOutcome')}> ?outcome ; ?p ?o }} }} ;\n")
    store.update(f"{drop}INSERT DATA {{ GRAPH <{CONCLUSIONS_GRAPH}> {{\n{triples}\n}} }}")
    return sum(1 for q in quads if q.predicate == RDF_TYPE)


RDF_TYPE = ox.NamedNode(str(expand("rdf:type")))
