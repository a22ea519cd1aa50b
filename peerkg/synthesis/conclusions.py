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


def derive_conclusions(store: ox.Store, outcomes: Collection[str] | None = None,
                       new_reviews: Collection[str] | None = None) -> list[ox.Quad]:
    """The conclusions the rule draws from the findings in `store` (its named graphs seen as one), as quads of
    the graph `graph/conclusions`, sorted (the same store gives the same list): on every outcome, or only on
    `outcomes` (IRIs; the rule's `VALUES ?outcome` blocks bound to them). With `new_reviews` (IRIs of reviews
    in the store that the conclusions drawn before do not count yet), the rule adds those reviews to the
    conclusions kept in the store instead of reading every review again (its ?adding_to_drawn branch): every
    conclusion, and the links of the new reviews' findings. Otherwise the old conclusions graph is not read:
    the rule starts from reviews and their findings only."""
    graph = ox.NamedNode(CONCLUSIONS_GRAPH)
    text = rule_text()
    if outcomes is not None:
        text = text.replace(EVERY_OUTCOME, "VALUES ?outcome { " + " ".join(f"<{o}>" for o in sorted(outcomes)) + " }")
    if new_reviews is not None:
        text = text.replace(EVERY_REVIEW, "VALUES ?review { " + " ".join(f"<{r}>" for r in sorted(new_reviews)) + " }")
        text = text.replace(NOT_ADDING, "VALUES ?adding_to_drawn { true }")
    derived = store.query(text, use_default_graph_as_union=True)
    assert isinstance(derived, ox.QueryTriples)
    quads = {ox.Quad(t.subject, t.predicate, t.object, graph) for t in derived}
    return sorted(quads, key=str)


# the rule's VALUES blocks, as it states them for `build` (every outcome, every review, drawn afresh)
EVERY_OUTCOME = "VALUES ?outcome { UNDEF }"
EVERY_REVIEW = "VALUES ?review { UNDEF }"
NOT_ADDING = "VALUES ?adding_to_drawn { UNDEF }"


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
    if outcomes is None:
        return _replace(store, f"DROP SILENT GRAPH <{CONCLUSIONS_GRAPH}>", quads)
    values = " ".join(f"<{o}>" for o in sorted(outcomes))
    return _replace(store, f"DELETE {{ GRAPH <{CONCLUSIONS_GRAPH}> {{ ?conclusion ?p ?o }} }} "
                           f"WHERE {{ VALUES ?outcome {{ {values} }} GRAPH <{CONCLUSIONS_GRAPH}> "
                           f"{{ ?conclusion <{expand('pk:aboutOutcome')}> ?outcome ; ?p ?o }} }}", quads)


def add_to_conclusions(store: ox.Store, new_reviews: Collection[str]) -> int:
    """Adds the reviews `new_reviews` (IRIs of reviews now in the store, which the conclusions in the store do
    not count yet: `add` of new entries that grow no hierarchy) to the conclusions, in one transaction: each
    conclusion's counts, bests and verdict are drawn again from what it held and what the new reviews add,
    and the links of the new reviews' findings are added; the other links stay. The work grows with the
    conclusions and the new reviews, not with the graph. Returns the number of conclusions. Raises OSError or
    ValueError from the store."""
    if not new_reviews:
        return 0
    quads = derive_conclusions(store, new_reviews=new_reviews)
    # what a conclusion states besides its links, by property (each found through the store's index): every
    # conclusion drawn before is drawn again with at least the properties it had (counts and bests only grow)
    links = {ox.NamedNode(str(expand(p))) for p in LINKS}
    stated = " ".join(sorted(str(p) for p in {q.predicate for q in quads} - links))
    return _replace(store, f"DELETE {{ GRAPH <{CONCLUSIONS_GRAPH}> {{ ?conclusion ?p ?o }} }} "
                           f"WHERE {{ VALUES ?p {{ {stated} }} GRAPH <{CONCLUSIONS_GRAPH}> {{ ?conclusion ?p ?o }} }}",
                    quads)


def _replace(store: ox.Store, delete: str, quads: list[ox.Quad]) -> int:
    """Runs the update `delete` and adds `quads` to the conclusions graph, in one transaction; returns the
    number of conclusions among the quads."""
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    store.update(f"{delete} ;\nINSERT DATA {{ GRAPH <{CONCLUSIONS_GRAPH}> {{\n{triples}\n}} }}")
    return sum(1 for q in quads if q.predicate == RDF_TYPE)


def verdicts(store: ox.Store) -> list[dict[str, object]]:
    """The verdict of each conclusion drawn from every review of the graph (no umbrella's scope), read from the
    conclusions graph and the vocabularies alone: one dict per conclusion with `outcome`, `population` and
    `format` (preferred labels, "" where the conclusion is not about one) and `verdict`, as the stored query
    `conclusions` gives them, without its columns that read the findings (comparators, overlap), which grow
    with the graph. Raises OSError from the store."""
    label = expand("skos:prefLabel")
    found = store.query(
        f"SELECT ?outcome ?population ?format ?verdict WHERE {{ "
        f"GRAPH <{CONCLUSIONS_GRAPH}> {{ ?conclusion <{expand('pk:aboutOutcome')}> ?o ; "
        f"<{expand('pk:verdict')}> ?verdict FILTER NOT EXISTS {{ ?conclusion <{expand('pk:scope')}> ?scope }} }} "
        f"?o <{label}> ?o_label . "
        f"OPTIONAL {{ ?conclusion <{expand('pk:aboutPopulation')}> ?p . ?p <{label}> ?p_label }} "
        f"OPTIONAL {{ ?conclusion <{expand('pk:aboutFormat')}> ?f . ?f <{label}> ?f_label }} "
        f"BIND(STR(?o_label) AS ?outcome) BIND(COALESCE(STR(?p_label), \"\") AS ?population) "
        f"BIND(COALESCE(STR(?f_label), \"\") AS ?format) }}", use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    names = ("outcome", "population", "format", "verdict")
    return [{n: row[n].value if row[n] is not None else "" for n in names} for row in found]


LINKS = ("prov:wasDerivedFrom", "pk:activeComparatorFinding")  # a conclusion's links to the findings it reads
RDF_TYPE = ox.NamedNode(str(expand("rdf:type")))
