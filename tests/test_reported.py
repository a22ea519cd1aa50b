"""What real reviews report, the model can say (issue 10 item 4): the YAML form of each new fact and its RDF, the
ISO 3166 code list of the shapes, the curated data's absence with a reason, and Cooper's eligibility criteria.
Expected values come from the fixtures' own text, from Cooper et al. 2024 (quoted beside them) or from pycountry,
never from the code under test."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry
import yaml
from conftest import REPO
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import SH

from peerkg.loaders import load_entry
from peerkg.namespaces import expand, shapes_base
from peerkg.validation.shapes import shapes_graph

VALID = REPO / "tests" / "valid" / "reported-review.yaml"
BASE = "https://w3id.org/peerkg/id/"


def pk(name: str) -> URIRef:
    return expand("pk:" + name)


def concept(scheme: str, slug: str) -> URIRef:
    return URIRef(f"https://w3id.org/peerkg/vocab/{scheme}/{slug}")


def node(rel: str) -> URIRef:
    return URIRef(BASE + rel)


def test_the_country_rule_holds_exactly_the_iso_3166_alpha_2_codes() -> None:
    pattern = shapes_graph().value(URIRef(shapes_base() + "Review-studyCountry"), SH.pattern)
    match = re.fullmatch(r"\^\((.*)\)\$", str(pattern))
    assert match is not None
    assert sorted(match.group(1).split("|")) == sorted(c.alpha_2 for c in pycountry.countries)
    assert len(match.group(1).split("|")) == 249
    assert re.fullmatch(str(pattern), "GB") and not re.fullmatch(str(pattern), "UK")


def test_a_subgroup_is_a_finding_of_the_review_tied_to_its_main_analysis() -> None:
    graph = load_entry(VALID).graph
    main, sub = node("reported-2021/finding/1"), node("reported-2021/finding/1/subgroup/1")
    assert (sub, pk("subgroupOf"), main) in graph
    assert (node("reported-2021"), pk("hasFinding"), sub) in graph
    assert {pk("Finding"), pk("SubgroupFinding")} <= set(graph.objects(sub, RDF.type))
    assert (sub, pk("subgroupBy"), concept("subgroup-variable", "format")) in graph
    assert (sub, pk("subgroupAsReported"), Literal("group format")) in graph
    # k and n of the subgroup are not reported: said so, with no number
    assert {o for o in graph.objects(sub, pk("notReported"))} == {pk("numberOfStudies"), pk("numberOfParticipants")}
    assert graph.value(main, pk("subgroupOf")) is None


def test_comparator_polarity_prediction_interval_and_certainty() -> None:
    graph = load_entry(VALID).graph
    first, second, third = (node(f"reported-2021/finding/{n}") for n in (1, 2, 3))
    assert graph.value(first, pk("comparator")) == concept("comparator", "usual-care")
    assert graph.value(first, pk("comparatorAsReported")) == Literal("treatment as usual")
    assert graph.value(second, pk("comparator")) == concept("comparator", "group-cbt")
    assert (third, pk("notApplicable"), pk("comparator")) in graph
    effect = node("reported-2021/finding/1/effect")
    assert graph.value(effect, pk("polarity")) == concept("polarity", "lower-favours-peer-support")
    assert (str(graph.value(effect, pk("predictionLower"))), str(graph.value(effect, pk("predictionUpper")))) \
        == ("-0.8", "0.2")
    assert graph.value(first, pk("certainty")) == concept("grade-certainty", "low")
    assert graph.value(third, pk("certainty")) == concept("cerqual-confidence", "moderate")


def test_appraisals_countries_and_the_review_s_own_factors_and_themes() -> None:
    graph = load_entry(VALID).graph
    review = node("reported-2021")
    appraisal = graph.value(review, pk("appraisal"))
    assert graph.value(appraisal, pk("appraisalTool")) == concept("appraisal-tool", "robis")
    assert graph.value(appraisal, pk("rating")) == Literal("low risk of bias")
    finding_appraisal = graph.value(node("reported-2021/finding/1"), pk("appraisal"))
    assert graph.value(finding_appraisal, pk("appraisalTool")) == concept("appraisal-tool", "rob2")
    assert sorted(str(c) for c in graph.objects(review, pk("studyCountry"))) == ["GB", "US", "ZW"]
    factor = graph.value(review, pk("hasImplementationFactor"))
    assert graph.value(factor, expand("rdfs:label")) == Literal("Supervision of peer support workers")
    assert graph.value(review, pk("hasExperienceFinding")) is not None
    # absence with a reason on review and intervention fields
    intervention = node("reported-2021/intervention")
    assert (intervention, pk("notApplicable"), pk("structure")) in graph
    assert (intervention, pk("notAvailable"), pk("setting")) in graph


def test_certainty_names_an_unknown_system() -> None:
    text = VALID.read_text("utf-8").replace("certainty_system: grade", "certainty_system: grad", 1)
    from peerkg.loaders.yaml_entry import load_yaml_text

    entry = load_yaml_text(text, "x.yaml")
    [problem] = entry.problems
    assert (problem.rule, problem.field) == ("unknown-term", "findings[1].certainty_system")
    assert "did you mean 'grade'?" in problem.hint


def test_the_valid_fixture_conforms_alone(tmp_path: Path) -> None:
    from peerkg.loaders import read_entries
    from peerkg.validation import validate

    report = validate(read_entries([VALID], None))
    assert report.conforms
    # its one document has no text copy (on purpose): its quotes are listed as unchecked, an info line only
    assert [(i.severity, i.problem.rule, i.problem.field) for i in report.issues] == [("info", "quote-unchecked", "")]


def test_the_workbook_says_it_too(tmp_path: Path) -> None:
    """The fixture less what only YAML holds (appraisals, subgroups), through a filled workbook and back: the same
    triples (comparator, certainty and its system, polarity, prediction interval, countries, the review's own
    factor and theme, absence with a reason)."""
    import re as regex

    from rdflib.compare import isomorphic

    from peerkg.cli import main
    from peerkg.loaders import read_entries

    text = VALID.read_text("utf-8")
    text = regex.sub(r"\nappraisals:\n  - tool: robis\n.*?\n    sources: \[[^\n]*\]", "", text, flags=regex.S)
    text = regex.sub(r"\n    appraisals:\n      - tool: rob2\n.*?\n        sources: \[[^\n]*\]", "", text,
                     flags=regex.S)
    text = regex.sub(r"\n    subgroups:\n.*?(?=\n  - outcome)", "", text, flags=regex.S)
    flat = tmp_path / "flat.yaml"
    flat.write_text(text, "utf-8")
    workbook = tmp_path / "filled.xlsx"
    assert main(["template", str(workbook), "--entry", str(flat)]) == 0
    [from_yaml] = read_entries([flat], None).entries
    [from_workbook] = read_entries([workbook], None).entries
    assert from_workbook.problems == []
    assert isomorphic(from_yaml.graph, from_workbook.graph)
    assert (node("reported-2021/finding/3"), pk("certainty"), concept("cerqual-confidence", "moderate")) \
        in from_workbook.graph


# -- the curated data ----------------------------------------------------------------------------------------

def _data() -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted((REPO / "data").glob("*.yaml"))}


def test_the_number_of_participants_is_not_available_for_the_32_table_1_rows_our_excerpt_lacks() -> None:
    """Cooper 2024: "6 reviews did not report the number of participants" (which ones is not said); our tables
    excerpt holds 3 of the 35 rows of Table 1: "Burke [...] N = 6191", "Chien [...] N = 2479", "Fang [...]
    N = 3154". So 3 numbers, 32 reviews `not available`, and none `not reported`."""
    reviews = {k: v for k, v in _data().items() if v.get("record") != "umbrella-review"}
    assert len(reviews) == 35
    values = Counter(str(v["n_participants"]) for v in reviews.values())
    assert values == Counter({"not available": 32, "6191": 1, "2479": 1, "3154": 1})
    assert {k: v["n_participants"] for k, v in reviews.items() if isinstance(v["n_participants"], int)} == {
        "burke-2019": 6191, "chien-2019": 2479, "fang-2022": 3154}
    # Fang's row: "In-person; phone; online; combination; Settings: NR" -> the source does not report it
    assert reviews["fang-2022"]["settings"] == "not reported"
    assert all(v["settings"] == "not available" for k, v in reviews.items()
               if k not in ("burke-2019", "chien-2019", "fang-2022"))


def test_the_claim_of_six_reviews_without_participants_stays_unverifiable() -> None:
    cooper = _data()["cooper-2024"]
    [claim] = [c for c in cooper["claims"] if c["id"] == "reviews-participants-not-reported"]
    assert (claim["value"], claim["criteria"]) == (6, "not reported")


def test_cooper_s_eligibility_criteria_are_data_with_the_limitations_caveat() -> None:
    text = (REPO / "sources" / "cooper-2024-peer-support-umbrella-review.txt").read_text("utf-8")
    graph = load_entry(REPO / "data" / "cooper-2024.yaml").graph
    umbrella = node("cooper-2024")
    criteria = {graph.value(c, pk("criterion")): c for c in graph.objects(umbrella, pk("eligibilityCriterion"))}
    assert set(criteria) == {concept("eligibility-criterion", s)
                             for s in ("paid-peer-support", "mental-health", "search-years", "review-types")}
    paid = criteria[concept("eligibility-criterion", "paid-peer-support")]
    statement = str(graph.value(paid, pk("statement")))
    assert statement == "Eligible peer support approaches were paid, meaning that the PSW was paid for their work"
    caveat = str(graph.value(graph.value(paid, pk("caveat")), pk("statement")))
    assert caveat.startswith("We aimed to focus our review on paid peer support; however, this information was "
                             "underreported in the reviews")
    years = str(graph.value(criteria[concept("eligibility-criterion", "search-years")], pk("statement")))
    assert years == "Searches were run from January 2012 to November 2022"
    for c in criteria.values():  # every statement is verbatim in the source text
        assert str(graph.value(c, pk("statement"))) in text
    assert caveat in text
    assert graph.value(umbrella, pk("appraisalTool")) == concept("appraisal-tool", "amstar2")
