"""Acceptance with a real review (issue 10): Pfeiffer et al. 2011, a published meta-analysis that is not among
Cooper's 35, curated from its own abstract (tests/real-reviews/), validates with its own source, shows in every
stored query after `add` with both comparisons, leaves Cooper's counts and claims as they were, survives `build`,
and `remove` takes it out again, leaving the export byte-identical.

The expected values are the abstract's own numbers (tests/real-reviews/pfeiffer-2011-abstract-excerpt.txt):
against usual care 7 RCTs, 869 participants, SMD -0.59 (95% CI -0.98 to -0.21), p = 0.002; against group CBT
7 RCTs, 301 participants, SMD 0.10 (-0.20 to 0.39), p = 0.53. Labels of vocabulary concepts are read from the
vocabularies of ontology/vocab/, never from a query's answer.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Built

from peerkg.cli import main

ENTRY = REPO / "tests" / "real-reviews" / "pfeiffer-2011.yaml"
EXCERPT = REPO / "tests" / "real-reviews" / "pfeiffer-2011-abstract-excerpt.txt"
ID = "pfeiffer-2011"
VOCAB = "https://w3id.org/peerkg/vocab/"
# (comparator slug, direction slug, k, n, estimate, ci_lower, ci_upper): the abstract's two comparisons
ANALYSES = [("usual-care", "improvement", 7, 869, "-0.59", "-0.98", "-0.21"),
            ("group-cbt", "no-effect", 7, 301, "0.10", "-0.20", "0.39")]
# Cooper's own meta-analyses of depression (not "depression and anxiety", not perinatal): no effect in Lyons
# 2021 [35] and Sun 2022 [43] ("no effect on depression post-intervention [22, 35, 43]", [22] being Lloyd-Evans'
# depression-and-anxiety result; Lyons' follow-up "3-6 months" also no effect)
COOPER_DEPRESSION_NO_EFFECT = "lyons-2021;sun-2022"


def label(scheme: str, slug: str) -> str:
    """The preferred label of a vocabulary concept, read from ontology/vocab/."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from peerkg.ontology import vocabulary_graph

    value = vocabulary_graph().value(URIRef(f"{VOCAB}{scheme}/{slug}"), SKOS.prefLabel)
    assert value is not None, f"no concept {scheme}/{slug} in ontology/vocab/"
    return str(value)


def records(name: str, store: Path, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
    from peerkg.queries.run import query

    return query(name, params or {}, store=store).records()


def export(store: Path) -> str:
    from peerkg.commands.export import export_store

    return export_store(store, "trig")


@pytest.fixture(scope="module")
def journey(built: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One copy of the built store taken through the review team's steps; what each step showed."""
    store = tmp_path_factory.mktemp("pfeiffer") / "store"
    shutil.copytree(built.store, store)
    seen: dict[str, Any] = {"store": store, "export_before": export(store),
                            "counts_before": records("counts", store), "claims_before": records("claims", store),
                            "mixed_before": records("mixed-evidence", store)}
    seen["add"] = main(["add", "--quiet", "--store", str(store), str(ENTRY)])
    for name, params in (("findings", {}), ("reviews", {}), ("mixed-evidence", {}), ("counts", {}), ("claims", {}),
                         ("evidence-for-outcome", {"outcome": "depression"}),
                         ("reviews-cooper", {"umbrella": "cooper-2024"})):
        seen[name] = records(name.removesuffix("-cooper"), store, params)
    seen["build"] = main(["build", "--quiet", "--no-release", "--store", str(store)])
    seen["findings_after_build"] = records("findings", store)
    seen["remove"] = main(["remove", "--store", str(store), ID])
    seen["findings_after_remove"] = records("findings", store)
    seen["export_after"] = export(store)
    return seen


# -- it validates with its own source -------------------------------------------------------------------

def test_the_excerpt_is_a_copy_of_the_shared_source() -> None:
    shared = REPO.parent / "shared" / "real-reviews" / EXCERPT.name
    if shared.exists():  # the shared folder is beside the clone on the project's machine
        assert EXCERPT.read_bytes() == shared.read_bytes()
    assert "Seven RCTs of peer support versus usual care for depression involving 869 participants" in \
        EXCERPT.read_text("utf-8")


def test_it_validates_with_its_own_source(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-store", str(ENTRY)]) == 0, capsys.readouterr().out
    assert main(["validate", "--store", str(built.store), str(ENTRY)]) == 0, capsys.readouterr().out


def test_a_quote_its_source_does_not_hold_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The quotes are checked against the entry's own text copy: 869 changed to 896 is no longer in it."""
    folder = tmp_path / "real-reviews"
    shutil.copytree(ENTRY.parent, folder, symlinks=True)
    entry = folder / ENTRY.name
    text = entry.read_text("utf-8")
    assert text.count("involving 869 participants") == 1
    entry.write_text(text.replace("involving 869 participants", "involving 896 participants"), "utf-8")
    assert main(["validate", "--no-store", str(entry)]) == 1
    report = capsys.readouterr().out
    assert "findings[1].sources[1]" in report


# -- after add: every stored query shows it -----------------------------------------------------------

def test_add_accepts_it(journey: dict[str, Any]) -> None:
    assert journey["add"] == 0


def _analysis(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["comparator"], row["direction"], row["k"], row["n"], row["estimate"], row["ci_lower"],
            row["ci_upper"])


def _expected() -> set[tuple[Any, ...]]:
    return {(label("comparator", c), label("direction", d), k, n, Decimal(e), Decimal(lo), Decimal(hi))
            for c, d, k, n, e, lo, hi in ANALYSES}


def test_findings_show_both_analyses_with_comparators_and_numbers(journey: dict[str, Any]) -> None:
    rows = [r for r in journey["findings"] if r["review"] == ID]
    assert len(rows) == 2
    assert {_analysis(r) for r in rows} == _expected()
    for row in rows:
        assert (row["first_author"], row["year"]) == ("Pfeiffer", 2011)
        assert not row["refs"], "no umbrella review includes it: no reference number"
        assert row["outcome"] == label("outcome", "depression")
        assert row["synthesis"] == label("synthesis", "meta-analysis")
        assert row["effect_measure"] == label("effect-measure", "smd")
        assert row["polarity"] == label("polarity", "lower-favours-peer-support")
        assert row["subgroup"] is None


def test_evidence_for_depression_shows_both_analyses(journey: dict[str, Any]) -> None:
    rows = [r for r in journey["evidence-for-outcome"] if r["review"] == ID]
    assert {_analysis(r) for r in rows} == _expected()
    # the hierarchy: depression also finds Lloyd-Evans' "depression and anxiety" [22] and perinatal depression
    outcomes = {r["finding_outcome"] for r in journey["evidence-for-outcome"]}
    assert {label("outcome", "depression-and-anxiety"), label("outcome", "perinatal-depression")} <= outcomes


def test_reviews_lists_it_without_a_reference_number_and_the_umbrella_does_not(journey: dict[str, Any]) -> None:
    [row] = [r for r in journey["reviews"] if r["review"] == ID]
    assert (row["first_author"], row["year"]) == ("Pfeiffer", 2011)
    assert not row["refs"] and not row["amstar2"], "no umbrella review includes or rated it"
    assert len(journey["reviews"]) == 36
    assert ID not in {r["review"] for r in journey["reviews-cooper"]} and len(journey["reviews-cooper"]) == 35


def test_mixed_evidence_does_not_call_depression_mixed_because_of_it(journey: dict[str, Any]) -> None:
    """Its no-effect result is against group CBT, an active treatment: no evidence against its improvement over
    usual care. Depression has mixed evidence only from Cooper's no-effect meta-analyses beside Pfeiffer's
    improvement over usual care."""
    assert all(ID not in (r["not_improved_reviews"] or "").split(";") for r in journey["mixed-evidence"])
    [depression] = [r for r in journey["mixed-evidence"] if r["outcome"] == label("outcome", "depression")]
    assert depression["improved_reviews"] == ID
    assert depression["not_improved_reviews"] == COOPER_DEPRESSION_NO_EFFECT
    # every outcome mixed before is mixed as before
    before = {r["outcome"]: r for r in journey["mixed_before"]}
    assert {o: r for o, r in ((r["outcome"], r) for r in journey["mixed-evidence"]) if o in before} == before


def test_alone_its_two_comparisons_are_not_mixed_evidence() -> None:
    """The entry alone (with the vocabularies): its improvement over usual care and no effect against group CBT
    give no outcome with mixed evidence."""
    import pyoxigraph as ox

    from peerkg.commands.export import export_entry
    from peerkg.ontology import vocabulary_graph
    from peerkg.queries.run import query

    store = ox.Store()
    store.load(vocabulary_graph().serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    store.load(export_entry(ENTRY, "nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    assert query("findings", store=store).records(), "the entry's findings are in the small store"
    assert query("mixed-evidence", store=store).records() == []


# -- Cooper's counts and claims are Cooper's ---------------------------------------------------------

def test_counts_and_claims_for_cooper_are_unchanged(journey: dict[str, Any]) -> None:
    assert journey["counts"] == journey["counts_before"]
    assert journey["claims"] == journey["claims_before"]
    expected = REPO / "queries" / "expected" / "counts.csv"
    table = list(csv.reader(line for line in expected.read_text("utf-8").splitlines() if not line.startswith("#")))
    assert {r["measure"]: str(r["value"]) for r in journey["counts"]} == dict(table[1:])


# -- it survives build; remove takes it out -----------------------------------------------------------

def test_it_survives_a_build(journey: dict[str, Any]) -> None:
    assert journey["build"] == 0
    rows = [r for r in journey["findings_after_build"] if r["review"] == ID]
    assert {_analysis(r) for r in rows} == _expected()


def test_remove_takes_it_out_and_the_export_is_byte_identical(journey: dict[str, Any]) -> None:
    assert journey["remove"] == 0
    assert ID not in {r["review"] for r in journey["findings_after_remove"]}
    assert journey["export_after"] == journey["export_before"]
