"""Corrections found by an independent reading of Cooper et al. 2024 (issue 10, item 7), one test each.

Each test first finds the passage of the source that decides the value (so the expected value is the
source's, not the code's), then checks the built graph or the stored query against it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import REPO, collapse
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS

PK = "https://w3id.org/peerkg/"
ID = PK + "id/"
OUTCOME = Namespace(PK + "vocab/outcome/")
TP = PK + "vocab/timepoint/"
BCIO_SELF_EFFICACY = URIRef("http://humanbehaviourchange.org/ontology/BCIO_006154")
OMRSE_ADMISSION = URIRef("http://purl.obolibrary.org/obo/OMRSE_00000201")


def select(store: Any, text: str) -> list[tuple[str, ...]]:
    """Rows of a SELECT over the union of the store's graphs, each term as its plain text."""
    prefixes = "PREFIX pk: <https://w3id.org/peerkg/>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n" \
               "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    return [tuple(term.value if term is not None else "" for term in row)
            for row in store.query(prefixes + text, use_default_graph_as_union=True)]


def stored(store: Any, name: str, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The rows of a stored query as dictionaries of text cells."""
    from peerkg.queries.run import query

    result = query(name, params or {}, store=store)
    return [dict(zip(result.variables, row, strict=True)) for row in result.texts()]


def test_fuhr_2014_up_to_6_months_is_its_main_analysis_not_a_follow_up(store: Any, source_text: str,
                                                                      tables_text: str) -> None:
    # the text counts Fuhr [37] among the main hope results and names only [22] as following up
    assert "Four reviews with meta-analyses suggested that peer support resulted in improvements in adults " \
           "with SMI [22, 37, 40, 44]" in source_text
    assert "One study [22] followed up adults with SMI and those using secondary MH services at 3–6 months " \
           "and found continued improvements in hope." in source_text
    assert "| Fuhr et al. (2014) [37] | Hope (up to 6 months follow-up) | 3 (967) |" in tables_text
    rows = select(store, f"""
        SELECT ?timepoint ?window ?as_reported WHERE {{
          ?f pk:outcome <{OUTCOME.hope}> ; pk:timepoint ?timepoint ; pk:outcomeAsReported ?as_reported .
          <{ID}fuhr-2014> pk:hasFinding ?f .
          OPTIONAL {{ ?f pk:followUpWindow ?window }} }}""")
    assert rows == [(TP + "various", "", "Hope (up to 6 months follow-up)")]
    claims = {row["claim"]: row for row in stored(store, "claims")}
    # "One study [22] ... continued improvements in hope": one review, and the graph now agrees
    assert (claims["ma-hope-follow-up-improved"]["graph_value"], claims["ma-hope-follow-up-improved"]["agrees"]) \
        == ("1", "true")
    # and the four improvements [22, 37, 40, 44] still count Fuhr
    assert claims["ma-hope-improved"]["graph_value"] == "4"


def test_huang_2020_satisfaction_finding_is_not_backed_by_the_positive_discussion_sentence(
        store: Any, source_text: str) -> None:
    results = "Despite mixed effects being reported overall for the impact of peer support on satisfaction with " \
              "care, one review cited some possible associated moderating factors such as the number of " \
              "conversations had between peer supporter and recipient [48]."
    discussion = "indicated more consistent evidence that peer support has a positive impact on recovery, " \
                 "suicidal ideation, and, to some degree, satisfaction with care"
    assert results in source_text and discussion in source_text
    rows = select(store, f"""
        SELECT ?direction ?quote WHERE {{
          <{ID}huang-2020> pk:hasFinding ?f .
          ?f pk:outcome <{OUTCOME["satisfaction-with-care"]}> ; pk:direction ?direction ;
             prov:wasDerivedFrom/prov:value ?quote }}""")
    assert [(direction.rsplit("/", 1)[1], collapse(quote)) for direction, quote in rows] == [("mixed", results)]


def test_depression_and_anxiety_sits_under_depression(store: Any, tables_text: str) -> None:
    # Table 2 prints Lloyd-Evans' "Depression and anxiety" row in its Depression section
    section = tables_text.split("Section: Depression", 1)[1].split("NOT recovered", 1)[0]
    assert "| Lloyd-Evans et al. (2014) [22] | Depression and anxiety (post-intervention) | 3 (861) |" in section
    assert select(store, f"SELECT ?broader WHERE {{ <{OUTCOME['depression-and-anxiety']}> skos:broader ?broader }}") \
        == [(str(OUTCOME.depression),)]
    # so a query for depression finds Lloyd-Evans' depression-and-anxiety findings (post-intervention and 6 months)
    found = [(row["refs"], row["finding_outcome"], row["direction"]) for row in
             stored(store, "evidence-for-outcome", {"outcome": "depression"}) if row["refs"] == "22"]
    assert sorted(found) == [("22", "depression and anxiety", "improvement"),
                             ("22", "depression and anxiety", "no effect")]


def test_hospitalisation_and_length_of_stay_are_service_use(store: Any, source_text: str) -> None:
    assert "Results for service use varied depending on the measure, for example, peer support was associated " \
           "with reduced risk of hospitalisation [44], including after a follow-up period [45], but no effect was " \
           "found regarding length of stay [41, 42]." in source_text
    for slug in ("hospitalisation", "length-of-stay"):
        tops = select(store, f"""SELECT ?top WHERE {{ <{OUTCOME[slug]}> skos:broader* ?top .
                                                      ?top skos:topConceptOf ?scheme }}""")
        assert tops == [(str(OUTCOME["service-use"]),)], slug
    domains = sorted((row["refs"], row["outcome"], row["outcome_domain"]) for row in stored(store, "findings")
                     if row["outcome"] in ("hospitalisation", "length of stay"))
    assert domains == [("41;42", "length of stay", "service use"), ("44", "hospitalisation", "service use"),
                       ("45", "hospitalisation", "service use")]


def test_an_experience_from_the_text_and_table_6_is_one_finding_with_two_sources(
        store: Any, source_text: str, tables_text: str) -> None:
    text = "PSWs experienced improved wellness and recovery from working in the role, reporting increased " \
           "self-esteem, personal growth, and social networks [23, 34, 55, 61]."
    table = "PSWs [23, 34, 61]: PSWs experienced improved wellness and recovery."
    assert text in source_text and table in tables_text
    rows = select(store, f"""
        SELECT ?item (GROUP_CONCAT(DISTINCT STR(?document); separator=" ") AS ?documents) WHERE {{
          <{ID}cooper-2024> pk:hasExperienceFinding ?item .
          ?item prov:wasDerivedFrom ?source . ?source prov:value ?quote ; prov:wasQuotedFrom ?document .
          FILTER(CONTAINS(?quote, "experienced improved wellness and recovery")) }}
        GROUP BY ?item""")
    assert [sorted(documents.split()) for _, documents in rows] == \
        [[ID + "cooper-2024/document/cooper-2024-tables", ID + "cooper-2024/document/cooper-2024-text"]]
    themes = [row for row in stored(store, "experience-themes")
              if (row["subtheme"], row["perspective"], row["valence"]) ==
              ("wellbeing and recovery", "peer support workers", "benefit")
              and row["summary"].startswith("PSWs experienced improved wellness and recovery")]
    assert [row["refs"] for row in themes] == ["23;34;55;61"]
    # no experience is left that only Table 6 records, beside the same statement from the text
    table_only = select(store, f"""
        SELECT ?item WHERE {{
          <{ID}cooper-2024> pk:hasExperienceFinding ?item .
          FILTER NOT EXISTS {{ ?item prov:wasDerivedFrom/prov:wasQuotedFrom
                               <{ID}cooper-2024/document/cooper-2024-text> }} }}""")
    assert table_only == []


def test_key_findings_and_experience_themes_print_the_statement_text(store: Any, tables_text: str) -> None:
    bullets = ("Results were mixed.", "There was some evidence from meta-analyses that peer support may improve "
               "depression symptoms (particularly perinatal depression), self-efficacy, and recovery.")
    assert "| 23 reviews | • " + " • ".join(bullets) + " |" in tables_text
    statements = {row["research_question"]: row["statement"] for row in stored(store, "key-findings")}
    assert statements["effectiveness"] == " ".join(bullets)
    assert statements["implementation"].endswith("Barriers included lack of time, resources and funding, and lack "
                                                 "of recognised PSW certification.")
    assert all(row["summary"] for row in stored(store, "experience-themes"))


def test_reviews_show_mode_and_setting(store: Any, tables_text: str) -> None:
    assert "| In-person; Settings: Inpatient; Community/ outpatient MH |" in tables_text  # Burke 2019, Table 1
    assert "| In-person; phone; online; combination; Settings: NR |" in tables_text      # Fang 2022, Table 1
    reviews = {row["first_author"]: row for row in stored(store, "reviews")}
    assert (reviews["Burke"]["modes"], reviews["Burke"]["settings"]) == \
        ("in person", "community or outpatient mental health;inpatient")
    assert (reviews["Fang"]["modes"], reviews["Fang"]["settings"]) == \
        ("combination of modes;in person;online;telephone", "")
    assert reviews["Chien"]["settings"] == "community or outpatient mental health;inpatient"


@pytest.mark.parametrize(("claim", "passage", "value"), [
    ("papers-included", "Thirty-five reviews (reported in 36 papers) were included", "36"),
    ("chien-recovery-primary-studies",
     "Based on evidence from three studies, this latter review [21] found no effect of peer support on recovery "
     "in the medium term", "3"),
])
def test_claims_re_derive_papers_and_chien_k(claim: str, passage: str, value: str, store: Any,
                                             source_text: str) -> None:
    assert passage in source_text
    row = {row["claim"]: row for row in stored(store, "claims")}[claim]
    assert (row["stated_value"], row["graph_value"], row["agrees"]) == (value, value, "true")


def test_self_efficacy_and_hospitalisation_alignments() -> None:
    graph = Graph().parse(REPO / "ontology" / "alignments.ttl")
    module = Graph().parse(REPO / "ontology" / "imports" / "external.ttl")
    self_efficacy, hospitalisation = OUTCOME["self-efficacy"], OUTCOME.hospitalisation
    # BCIO's term is self-efficacy for one behaviour: narrower than the outcome the reviews measure
    assert str(module.value(BCIO_SELF_EFFICACY, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == \
        "self-efficacy belief for a behaviour"
    assert set(graph.predicate_objects(self_efficacy)) == {(SKOS.narrowMatch, BCIO_SELF_EFFICACY)}
    # an admission process is not an outcome: no mapping rather than a wrong one
    assert list(graph.predicate_objects(hospitalisation)) == []
    assert (None, None, OMRSE_ADMISSION) not in graph
    length_of_stay = OUTCOME["length-of-stay"]
    assert list(graph.predicate_objects(length_of_stay)) == []
