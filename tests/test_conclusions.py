"""Conclusions as data (issue 15, items 1 and 2): the rule of queries/rules/conclusions.rq held against what
Cooper et al.'s Discussion concludes, and against small graphs whose right answer is worked out by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, Built, collapse

from peerkg.queries.run import rows
from peerkg.synthesis.conclusions import CONCLUSIONS_GRAPH, derive_conclusions

TEXT = collapse((REPO / "sources" / "cooper-2024-peer-support-umbrella-review.txt").read_text("utf-8"))

# The Discussion's "Key findings" on meta-analytic evidence, verbatim, and what each says about which outcome
# (outcome label, population label or "", format label or "") in the rule's words.
CONSISTENT = ("However, there was consistent evidence from meta-analyses that peer support may improve the clinical "
              "outcomes of perinatal depression and risk of hospitalisation of adults with severe mental illness, as "
              "well as recovery outcomes, and self-efficacy and stigma-related outcomes.")
MIXED = ("Mixed meta-analytic results were found for the clinical outcomes of overall psychiatric symptoms in adults "
         "with SMI, psychosis symptoms, length of hospital stay and patient activation, and for psychosocial outcomes "
         "such as hope, empowerment, and quality of life.")
NONE = "There was no meta-analytic evidence for improvements in relational support."
FORMAT = ("the two meta-analyses involving individual peer support alone found a positive effect on empowerment, but "
          "the two looking at group-based peer support alone did not.")

DISCUSSION = [
    (CONSISTENT, ("perinatal depression", "", ""), "consistent evidence of improvement"),
    (CONSISTENT, ("perinatal depression", "perinatal populations", ""), "consistent evidence of improvement"),
    (CONSISTENT, ("hospitalisation", "serious mental illness", ""), "consistent evidence of improvement"),
    (CONSISTENT, ("recovery", "", ""), "consistent evidence of improvement"),
    (CONSISTENT, ("self-efficacy", "", ""), "consistent evidence of improvement"),
    (CONSISTENT, ("self-stigma and stigma-related stress", "", ""), "consistent evidence of improvement"),
    (MIXED, ("symptom severity", "serious mental illness", ""), "mixed"),
    (MIXED, ("hope", "", ""), "mixed"),
    (MIXED, ("empowerment", "", ""), "mixed"),
    (MIXED, ("quality of life", "", ""), "mixed"),
    (NONE, ("relational outcomes", "", ""), "no evidence of improvement"),
    (FORMAT, ("empowerment", "", "individual"), "consistent evidence of improvement"),
    (FORMAT, ("empowerment", "", "group"), "no evidence of improvement"),
]


@pytest.fixture(scope="module")
def conclusions(built: Built) -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["outcome"], r["population"], r["format"]): r for r in rows("conclusions", store=built.store)}


@pytest.mark.parametrize(("quote", "group", "verdict"), DISCUSSION,
                         ids=[" / ".join(x for x in g if x) for _, g, _ in DISCUSSION])
def test_verdict_matches_the_discussion(conclusions: dict[tuple[str, str, str], dict[str, str]], quote: str,
                                        group: tuple[str, str, str], verdict: str) -> None:
    assert quote in TEXT
    assert conclusions[group]["verdict"] == verdict


def test_counts_behind_recovery_and_hope(conclusions: dict[tuple[str, str, str], dict[str, str]]) -> None:
    # Results > Results from meta-analyses: recovery improved in [22, 35, 40, 44, 45], not in [21, 43] (5 of 7);
    # hope improved in [22, 37, 40, 44], not in [21, 35, 43] (4 of 7)
    assert "recovery outcomes" in TEXT
    recovery, hope = conclusions[("recovery", "", "")], conclusions[("hope", "", "")]
    assert (recovery["meta_analyses"], recovery["improvement"], recovery["no_effect"]) == (7, 5, 2)
    assert (hope["meta_analyses"], hope["improvement"], hope["no_effect"]) == (7, 4, 3)


def test_where_the_discussion_and_its_results_disagree_the_rule_follows_the_results(
        conclusions: dict[tuple[str, str, str], dict[str, str]]) -> None:
    # The Discussion calls length of stay and patient activation mixed; its Results give one meta-analysis each,
    # with no effect ([41, 42] on length of stay, [21] on patient activation), and none on psychosis symptoms.
    assert "psychosis symptoms, length of hospital stay and patient activation" in TEXT
    for outcome in ("length of stay", "patient activation"):
        row = conclusions[(outcome, "", "")]
        assert (row["meta_analyses"], row["no_effect"], row["verdict"]) == (1, 1, "no evidence of improvement")
    assert not [g for g, r in conclusions.items() if "psychosis" in g[0] and r["meta_analyses"]]


def test_a_conclusion_leads_back_to_the_findings_and_their_quotes(built: Built) -> None:
    from peerkg.queries.run import sparql

    found = sparql("""
        PREFIX pk: <https://w3id.org/peerkg/> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?finding ?quote WHERE {
          <https://w3id.org/peerkg/id/conclusion/all/hospitalisation> prov:wasDerivedFrom ?finding .
          ?finding prov:wasDerivedFrom/prov:value ?quote }""", store=built.store).records()
    findings = {r["finding"].split("/id/")[1] for r in found}
    # Results: hospitalisation improved in [44] (White 2020) and, after follow-up, [45] (Wang 2022)
    assert findings == {"white-2020/finding/1", "wang-2022/finding/4"}
    # every finding it rests on leads to at least one verbatim quote of the source
    quotes = {r["finding"]: collapse(r["quote"]) for r in found if collapse(r["quote"]) in TEXT}
    assert set(quotes) == {r["finding"] for r in found}


def test_the_conclusions_are_a_named_graph_of_the_store(built: Built) -> None:
    store = ox.Store.read_only(str(built.store))
    assert ox.NamedNode(CONCLUSIONS_GRAPH) in set(store.named_graphs())


# --- the rule on small graphs, worked out by hand --------------------------------------------------------------

PREFIXES = """
@prefix pk: <https://w3id.org/peerkg/> . @prefix pkid: <https://w3id.org/peerkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix out: <https://w3id.org/peerkg/vocab/outcome/> . @prefix dir: <https://w3id.org/peerkg/vocab/direction/> .
@prefix synth: <https://w3id.org/peerkg/vocab/synthesis/> . @prefix cmp: <https://w3id.org/peerkg/vocab/comparator/> .
cmp:group-cbt skos:broader cmp:active-treatment .
"""


def review(name: str, *findings: str) -> str:
    iri = f"<https://w3id.org/peerkg/id/{name}"
    body = " , ".join(f"{iri}/f{n}>" for n in range(len(findings)))
    lines = [f"{iri}> a pk:Review ; pk:hasFinding {body} ."]
    for n, finding in enumerate(findings):
        lines.append(f"{iri}/f{n}> pk:outcome out:hope ; pk:synthesis synth:meta-analysis ; {finding} .")
    return "\n".join(lines)


def verdict_of(*reviews: str) -> dict[str, str]:
    store = ox.Store()
    store.load(PREFIXES + "\n".join(reviews), ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x:entries"))
    found: dict[str, str] = {}
    for quad in derive_conclusions(store):
        if quad.subject.value.endswith("/conclusion/all/hope"):
            found[quad.predicate.value.rsplit("/", 1)[-1]] = quad.object.value
    return found


IMPROVED, NO_EFFECT, WORSE = "pk:direction dir:improvement", "pk:direction dir:no-effect", "pk:direction dir:worsening"


def test_two_thirds_improving_is_consistent_and_half_is_mixed() -> None:
    assert verdict_of(review("a", IMPROVED), review("b", IMPROVED), review("c", NO_EFFECT))["verdict"] == \
        "consistent evidence of improvement"
    assert verdict_of(review("a", IMPROVED), review("b", NO_EFFECT))["verdict"] == "mixed"
    assert verdict_of(review("a", NO_EFFECT), review("b", NO_EFFECT))["verdict"] == "no evidence of improvement"


def test_a_worsening_is_never_consistent() -> None:
    found = verdict_of(review("a", IMPROVED), review("b", IMPROVED), review("c", IMPROVED), review("d", WORSE))
    assert (found["worseningCount"], found["verdict"]) == ("1", "mixed")


def test_a_review_whose_findings_differ_is_one_mixed_review() -> None:
    found = verdict_of(review("a", IMPROVED, NO_EFFECT))
    assert (found["numberOfMetaAnalyses"], found["mixedCount"], found["verdict"]) == ("1", "1", "mixed")


def test_an_active_comparator_is_not_contrary_evidence() -> None:
    # Pfeiffer 2011's shape: better than usual care, no different from group CBT
    found = verdict_of(review("p", IMPROVED + " ; pk:comparator cmp:usual-care",
                              NO_EFFECT + " ; pk:comparator cmp:group-cbt"))
    assert (found["improvementCount"], found["activeComparatorCount"], found["verdict"]) == \
        ("1", "1", "consistent evidence of improvement")


def test_a_subgroup_finding_is_not_counted() -> None:
    found = verdict_of(review("s", IMPROVED, NO_EFFECT + " ; pk:subgroupOf <https://w3id.org/peerkg/id/s/f0>"))
    assert (found["improvementCount"], found["subgroupFindingCount"], found["verdict"]) == \
        ("1", "1", "consistent evidence of improvement")


def test_narrative_results_alone_are_insufficient() -> None:
    store_text = review("n", IMPROVED).replace("synth:meta-analysis", "synth:narrative")
    assert verdict_of(store_text)["verdict"] == "insufficient evidence"


def test_add_and_remove_refresh_the_conclusions(built: Built, tmp_path: Path) -> None:
    from peerkg.commands.add import add_files
    from peerkg.commands.workspace import remove_entries

    store = tmp_path / "store"
    shutil.copytree(built.store, store)
    before = {(r["outcome"], r["population"], r["format"]): r for r in rows("conclusions", store=store)}
    # tests/valid/new-review.yaml: one meta-analysis of recovery with an improvement
    report, added = add_files([REPO / "tests" / "valid" / "new-review.yaml"], store)
    assert report.conforms and added
    after = {(r["outcome"], r["population"], r["format"]): r for r in rows("conclusions", store=store)}
    assert (after[("recovery", "", "")]["meta_analyses"], after[("recovery", "", "")]["improvement"]) == (8, 6)
    remove_entries(["new-2023"], store)
    again = {(r["outcome"], r["population"], r["format"]): r for r in rows("conclusions", store=store)}
    assert again == before


def _conclusions_graph(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(CONCLUSIONS_GRAPH))}


def test_add_and_remove_redraw_only_the_outcomes_they_change_and_agree_with_a_full_derivation(
        built: Built, tmp_path: Path) -> None:
    """`add` and `remove` redraw the conclusions on the outcomes of the entries they change (at 1,000x the
    curated graph a full derivation takes a minute); whatever they leave must be what the rule draws from the
    whole graph. Pfeiffer 2011 reports on depression, which tests/valid/new-review.yaml (recovery and hope, its
    two `outcome:` lines) does not."""
    from peerkg.commands.add import add_files
    from peerkg.commands.workspace import remove_entries
    from peerkg.synthesis.conclusions import outcomes_in

    store = tmp_path / "store"
    shutil.copytree(built.store, store)
    pfeiffer = REPO / "tests" / "real-reviews" / "pfeiffer-2011.yaml"
    for step in ("add", "add another", "replace", "remove"):
        if step == "add":
            assert add_files([pfeiffer], store)[0].conforms
        elif step == "add another":
            assert add_files([REPO / "tests" / "valid" / "new-review.yaml"], store)[0].conforms
        elif step == "replace":
            assert add_files([pfeiffer], store, replace=True)[0].conforms
        else:
            remove_entries(["pfeiffer-2011"], store)
        opened = ox.Store.read_only(str(store))
        kept = _conclusions_graph(opened)
        assert kept == {str(q) for q in derive_conclusions(opened)}, step
        del opened
    opened = ox.Store.read_only(str(store))
    assert outcomes_in(opened, ["https://w3id.org/peerkg/graph/entry/new-2023"]) == {
        "https://w3id.org/peerkg/vocab/outcome/recovery", "https://w3id.org/peerkg/vocab/outcome/hope"}


def test_the_expected_conclusions_are_the_independent_reading_of_the_data() -> None:
    import subprocess
    import sys

    by_hand = subprocess.run([sys.executable, str(REPO / "tests" / "conclusions_by_hand.py"), str(REPO)],
                             capture_output=True, text=True, check=True).stdout
    kept = [line for line in (REPO / "queries" / "expected" / "conclusions.csv").read_text("utf-8").splitlines()
            if not line.startswith("#")]
    assert by_hand.splitlines() == kept


def test_the_discussion_s_verdicts_agree_except_where_it_disagrees_with_its_results(built: Built) -> None:
    found = {r["claim"]: (r["stated_verdict"], r["graph_verdict"], r["agrees"])
             for r in rows("verdict-claims", store=built.store)}
    assert len(found) == 15
    assert {c for c, (_, _, agrees) in found.items() if not agrees} == {
        "discussion-psychosis-symptoms", "discussion-length-of-stay", "discussion-patient-activation"}
    assert found["discussion-length-of-stay"] == ("mixed", "no evidence of improvement", False)
    assert found["discussion-psychosis-symptoms"] == ("mixed", "insufficient evidence", False)


def _code_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_a_link_is_drawn_by_the_same_pattern_that_counts_the_finding() -> None:
    """The rule states which findings a group counts twice, once to count them and once to link them
    (prov:wasDerivedFrom): the two patterns, from the review and its finding to the finding counted, are the
    same line for line, so a conclusion never counts one finding and links another."""
    rule = (REPO / "queries" / "rules" / "conclusions.rq").read_text("utf-8")
    start, end = "?review a pk:Review ; pk:hasFinding ?finding .", "AS ?counted)"
    first = rule.index(start)
    second = rule.index(start, first + 1)
    counting = _code_lines(rule[first:rule.index(end, first) + len(end)])
    linking = _code_lines(rule[second:rule.index(end, second) + len(end)])
    assert len(counting) > 20 and counting == linking


def test_an_entry_that_grows_a_hierarchy_redraws_every_conclusion() -> None:
    """A proposed comparator narrower than active treatment changes which findings of other entries count
    (rule item 2): then no conclusion is safe from the change, and `add` redraws them all."""
    from peerkg.synthesis.conclusions import outcomes_in

    store = ox.Store()
    graph = "https://w3id.org/peerkg/graph/entry/x-2025"
    store.update(f"INSERT DATA {{ GRAPH <{graph}> {{ "
                 "<https://w3id.org/peerkg/id/x-2025/comparator/peer-cbt> "
                 "<http://www.w3.org/2004/02/skos/core#broader> "
                 "<https://w3id.org/peerkg/vocab/comparator/active-treatment> } }")
    assert outcomes_in(store, [graph]) is None
    assert outcomes_in(store, []) == set()


def test_the_verdicts_add_and_remove_log_are_those_of_the_stored_query(built: Built) -> None:
    """`add` and `remove` log the verdicts they move, read from the conclusions graph alone (the stored query
    `conclusions` also reads the findings, for its comparators and overlap: 4.6 s at 1,000x the curated graph)."""
    from peerkg.synthesis.conclusions import verdicts

    def key(r: dict[str, object]) -> tuple[str, ...]:
        return tuple(str(r[c] or "") for c in ("outcome", "population", "format", "verdict"))

    store = ox.Store.read_only(str(built.store))
    found = sorted(key(r) for r in verdicts(store))
    assert len(found) == 113 and found == sorted(key(r) for r in rows("conclusions", store=store))
