"""One small example graph per kind of fact the ontology must express (tests/examples/*.ttl), each checked
with HermiT against the ontology and queried back with SPARQL. Expected values are those printed in Cooper
et al. 2024 (the comments of each example say where), not values read back from the code.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import PROV

from peerkg.namespaces import sparql_prefix_block
from peerkg.ontology import ontology_graph

EXAMPLES = Path(__file__).resolve().parent / "examples"


@cache
def ontology() -> Graph:
    return ontology_graph(with_vocabularies=True, with_imports=True)


def example(name: str) -> Graph:
    return Graph().parse(EXAMPLES / f"{name}.ttl")


def rows(name: str, query: str) -> list[tuple[object, ...]]:
    """Runs the query on the ontology (for labels and the concept hierarchy) plus one example graph."""
    graph = ontology() + example(name)
    result = graph.query(sparql_prefix_block() + query)
    return [tuple(None if v is None else v.toPython() for v in row) for row in result]  # type: ignore[union-attr]


def pk_id(local: str) -> str:
    return "https://w3id.org/peerkg/id/" + local


def short(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_one_example_per_kind_of_fact() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.ttl")) == sorted([
        "umbrella-review-methods", "review-and-papers", "review-type", "amstar-partial-knowledge",
        "populations", "intervention", "primary-studies-and-overlap", "finding-with-effect-estimate",
        "implementation-factor", "experience-finding", "provenance", "comparators-and-polarity",
        "countries-and-appraisals", "eligibility-and-payment", "subgroups-certainty-and-absence",
        "proposed-term", "source-document"])


def test_examples_are_consistent_with_the_ontology() -> None:
    """One HermiT run on the ontology with every example: OWL is monotonic, so when the union is
    consistent each example is consistent with the ontology on its own too."""
    from peerkg.ontology.reasoner import reason

    graphs = [("ontology", ontology())] + [(f"example/{p.stem}", Graph().parse(p))
                                            for p in sorted(EXAMPLES.glob("*.ttl"))]
    result = reason(graphs)
    assert result.consistent, result.culprits
    assert result.unsatisfiable == []


def test_umbrella_review_methods() -> None:
    [row] = rows("umbrella-review-methods", """
        SELECT ?registration (COUNT(DISTINCT ?db) AS ?databases) ?from ?to ?screened ?other ?assessed ?excluded
               ?reviews ?papers ?agreeTA ?agreeFT ?tool (COUNT(DISTINCT ?framework) AS ?frameworks)
        WHERE { ?u a pk:UmbrellaReview ; pk:registration ?registration ; pk:databaseSearched ?db ;
                   pk:searchFrom ?from ; pk:searchTo ?to ; pk:recordsScreened ?screened ;
                   pk:recordsFromOtherMethods ?other ; pk:fullTextsAssessed ?assessed ;
                   pk:fullTextsExcluded ?excluded ; pk:reviewsIncluded ?reviews ; pk:papersIncluded ?papers ;
                   pk:agreementTitleAbstract ?agreeTA ; pk:agreementFullText ?agreeFT ;
                   pk:appraisalTool ?tool ; pk:synthesisFramework ?framework }
        GROUP BY ?registration ?from ?to ?screened ?other ?assessed ?excluded ?reviews ?papers ?agreeTA
                 ?agreeFT ?tool""")
    (registration, databases, start, end, screened, other, assessed, excluded, reviews, papers,
     agree_ta, agree_ft, tool, frameworks) = row
    assert (registration, databases, str(start), str(end)) == ("CRD42022362099", 5, "2012-01", "2022-11")
    assert (screened, other, assessed, excluded, reviews, papers) == (777, 2, 93, 57, 35, 36)
    assert assessed - excluded == papers                      # 93 full texts, 57 excluded: 36 papers
    assert (agree_ta, agree_ft, short(tool), frameworks) == (Decimal(94), Decimal(86), "amstar2", 3)


def test_review_distinct_from_its_papers() -> None:
    found = rows("review-and-papers", """
        SELECT ?review (GROUP_CONCAT(DISTINCT STR(?ref); separator=",") AS ?refs) (COUNT(DISTINCT ?paper) AS ?n)
        WHERE { ?u pk:includesReview ?review . ?review pk:reportedIn ?paper .
                ?inclusion pk:includedReview ?review ; pk:umbrellaReview ?u ; pk:referenceNumber ?ref }
        GROUP BY ?review ORDER BY ?review""")
    assert [(short(r), sorted(refs.split(",")), n) for r, refs, n in found] == [
        ("lloyd-evans-2014", ["22"], 1), ("pitt-2013", ["41", "42"], 2)]
    [(reviews, papers)] = rows("review-and-papers", """
        SELECT (COUNT(DISTINCT ?r) AS ?reviews) (COUNT(DISTINCT ?p) AS ?papers)
        WHERE { ?r a pk:Review ; pk:reportedIn ?p }""")
    assert (reviews, papers) == (2, 3)


def test_review_type() -> None:
    found = rows("review-type", """
        SELECT ?review ?label WHERE { ?review pk:reviewType ?type . ?type skos:prefLabel ?label }
        ORDER BY ?review""")
    assert [(short(r), label) for r, label in found] == [
        ("lloyd-evans-2014", "systematic review with meta-analysis"),
        ("walker-2013", "systematic review with qualitative synthesis")]


def test_amstar_rating_with_partial_knowledge() -> None:
    found = rows("amstar-partial-knowledge", """
        SELECT ?review (GROUP_CONCAT(?label; separator="|") AS ?ratings) ?grade
        WHERE { ?review ^pk:includedReview/pk:amstar2Rating/skos:prefLabel ?label ; pk:usedGRADE ?grade }
        GROUP BY ?review ?grade""")
    ratings = {short(r): (sorted(labels.split("|")), grade) for r, labels, grade in found}
    assert ratings == {"chien-2019": (["high"], True), "white-2020": (["low or critically low"], False)}
    # "certainly low or critically low": every possible rating is one of the two
    certain = rows("amstar-partial-knowledge", """
        SELECT ?review WHERE { ?review a pk:Review . FILTER NOT EXISTS {
            ?review ^pk:includedReview/pk:amstar2Rating ?r
            FILTER (?r NOT IN (amstar:low, amstar:critically-low, amstar:low-or-critically-low)) } }""")
    assert [short(r) for (r,) in certain] == ["white-2020"]
    assert rows("amstar-partial-knowledge", "SELECT ?r WHERE { ?i pk:notReported pk:criticalWeakness ; "
                "pk:includedReview ?r }") == [(pk_id("white-2020"),)]
    counts = rows("amstar-partial-knowledge", """
        SELECT ?domain ?critical ?reviews ?eligible WHERE { ?u pk:hasWeaknessCount ?w .
            ?w pk:amstar2Domain ?domain ; pk:criticalDomain ?critical ; pk:numberOfReviews ?reviews .
            OPTIONAL { ?w pk:numberEligible ?eligible } } ORDER BY DESC(?reviews)""")
    assert counts == [("registering protocols before commencement of the review", True, 21, None),
                      ("risk of bias assessment techniques", True, 10, 29)]


def test_populations_and_numbers() -> None:
    smi = rows("populations", """
        SELECT ?review WHERE { ?review pk:population/skos:broader* pop:serious-mental-illness }""")
    assert [short(r) for (r,) in smi] == ["chien-2019"]
    numbers = rows("populations", """
        SELECT ?review ?studies ?participants
        WHERE { ?review pk:numberOfStudies ?studies ; pk:numberOfParticipants ?participants } ORDER BY ?review""")
    assert [(short(r), s, n) for r, s, n in numbers] == [("chien-2019", 13, 2479), ("fang-2022", 16, 3154)]
    questions = rows("populations", """
        SELECT ?review ?notation WHERE { ?review pk:researchQuestion/skos:notation ?notation } ORDER BY ?review""")
    assert [(short(r), n) for r, n in questions] == [("chien-2019", "RQ1"), ("fang-2022", "RQ1"),
                                                     ("walker-2013", "RQ3")]
    missing = rows("populations", """
        SELECT ?review ?field WHERE { ?review pk:notReported ?field } ORDER BY ?field""")
    assert [(short(r), short(f)) for r, f in missing] == [
        ("walker-2013", "numberOfParticipants"), ("walker-2013", "numberOfStudies")]


def test_peer_support_intervention() -> None:
    found = rows("intervention", """
        SELECT ?review ?property ?value
        WHERE { ?review pk:intervention ?i . ?i ?property ?value .
                FILTER (?property IN (pk:format, pk:leader, pk:mode, pk:structure, pk:setting, pk:notReported)) }""")
    facts: dict[str, dict[str, set[str]]] = {}
    for review, prop, value in found:
        facts.setdefault(short(review), {}).setdefault(short(prop), set()).add(short(value))
    assert facts["chien-2019"] == {"format": {"individual", "group"}, "structure": {"structured", "unstructured"},
                                   "setting": {"inpatient", "community-outpatient"},
                                   "notReported": {"payment", "mode"}}
    assert facts["fang-2022"]["mode"] == {"in-person", "telephone", "online", "mixed-mode"}
    assert facts["fang-2022"]["format"] == {"individual", "group", "combined"}
    assert facts["wang-2022"]["leader"] == {"family-led", "individual-led"}
    assert all("payment" in f["notReported"] for f in facts.values())


def test_primary_studies_and_overlap() -> None:
    counts = rows("primary-studies-and-overlap", """
        SELECT ?reviews ?studies WHERE { ?u pk:hasOverlapCount [ pk:numberOfReviews ?reviews ;
                                                                  pk:numberOfStudies ?studies ] } ORDER BY ?reviews""")
    assert counts == [(1, 300), (2, 72), (3, 18), (9, 1)]
    shared = rows("primary-studies-and-overlap", """
        SELECT ?study (COUNT(DISTINCT ?review) AS ?n) WHERE { ?review pk:includesStudy ?study }
        GROUP BY ?study HAVING (COUNT(DISTINCT ?review) > 1)""")
    assert [(short(s), n) for s, n in shared] == [("a", 2)]


def test_findings_with_effect_estimates_keep_the_reported_direction() -> None:
    found = rows("finding-with-effect-estimate", """
        SELECT ?finding ?outcome ?direction ?measure ?estimate ?lower ?upper ?i2 ?k ?n
        WHERE { ?finding pk:outcome ?outcome ; pk:direction ?direction ; pk:synthesis synth:meta-analysis ;
                         pk:numberOfStudies ?k ; pk:numberOfParticipants ?n ;
                         pk:effectEstimate [ pk:effectMeasure ?measure ; pk:estimate ?estimate ;
                                             pk:ciLower ?lower ; pk:ciUpper ?upper ; pk:iSquared ?i2 ] }
        ORDER BY ?finding""")
    assert [(str(f).split("/id/")[1], short(o), short(d), short(m), str(e), str(lo), str(hi), str(i2), k, n)
            for f, o, d, m, e, lo, hi, i2, k, n in found] == [
        ("fuhr-2014/finding/1", "hope", "improvement", "smd", "0.24", "0.02", "0.46", "65.0", 3, 967),
        ("lloyd-evans-2014/finding/1", "recovery", "improvement", "smd", "-0.24", "-0.39", "-0.09", "27.0", 4, 1066),
        ("lloyd-evans-2014/finding/2", "depression-and-anxiety", "no-effect", "smd", "-0.10", "-0.24", "0.03",
         "0.0", 3, 861)]
    [(window, z, p, tau2, df)] = rows("finding-with-effect-estimate", """
        SELECT ?window ?z ?p ?tau2 ?df WHERE { ?f pk:followUpWindow ?window ;
            pk:effectEstimate [ pk:zStatistic ?z ; pk:pValue ?p ; pk:tauSquared ?tau2 ; pk:degreesOfFreedom ?df ] }""")
    assert (window, str(z), str(p), str(tau2), df) == ("up to 6 months", "2.16", "0.03", "0.02", 2)
    variants = rows("finding-with-effect-estimate", """
        SELECT ?leader ?direction WHERE { ?f pk:leader ?leader ; pk:direction ?direction ;
                                             pk:population pop:serious-mental-illness } ORDER BY ?leader""")
    assert [(short(v), short(d)) for v, d in variants] == [("family-led", "improvement"),
                                                           ("individual-led", "no-effect")]
    narrative = rows("finding-with-effect-estimate", """
        SELECT ?f WHERE { ?f pk:synthesis synth:narrative FILTER NOT EXISTS { ?f pk:effectEstimate ?e } }""")
    assert [str(f).split("/id/")[1] for (f,) in narrative] == ["bowersox-2021/finding/1"]


def test_implementation_factors() -> None:
    found = rows("implementation-factor", """
        SELECT ?label ?domain ?influence (COUNT(?review) AS ?reviews)
        WHERE { ?u pk:hasImplementationFactor ?f . ?f rdfs:label ?label ; pk:cfirDomain ?domain ;
                   pk:influence ?influence ; pk:supportedBy ?review }
        GROUP BY ?label ?domain ?influence ORDER BY ?label""")
    assert [(label, short(d), short(i), n) for label, d, i, n in found] == [
        ("A lack of recognised PSW certification", "outer-setting", "barrier", 1),
        ("High acceptability and feasibility of PSW-led interventions", "innovation", "facilitator", 4)]


def test_experience_finding() -> None:
    [row] = rows("experience-finding", """
        SELECT ?theme ?subtheme ?perspective ?valence (COUNT(?review) AS ?reviews)
        WHERE { ?u pk:hasExperienceFinding ?e .
                ?e pk:theme/skos:prefLabel ?theme ; pk:subtheme/skos:prefLabel ?subtheme ;
                   pk:perspective/skos:prefLabel ?perspective ; pk:valence/skos:prefLabel ?valence ;
                   pk:supportedBy ?review }
        GROUP BY ?theme ?subtheme ?perspective ?valence""")
    assert row == ("what the PSW role can bring", "wellbeing and recovery", "peer support workers", "benefit", 3)


def test_provenance(source_text: str, tables_text: str) -> None:
    [(quote, table, row, document)] = rows("provenance", """
        SELECT ?quote ?table ?row ?document
        WHERE { ?f a pk:Finding ; prov:wasDerivedFrom ?x . ?x prov:value ?quote ; pk:sourceTable ?table ;
                   pk:sourceRow ?row ; prov:wasQuotedFrom ?document }""")
    assert (quote, table, short(document)) == ("−0.24 (−0.39, −0.09)", "3", "cooper-2024-tables")
    assert row.startswith("Lloyd-Evans et al. (2014) [22]")
    [(field, section)] = rows("provenance", """
        SELECT ?field ?section WHERE { ?r a pk:Review ; prov:wasDerivedFrom ?x .
                                       ?x pk:supportsField ?field ; pk:section ?section }""")
    assert (short(field), section) == ("reviewType", "References")
    quotes = [str(q) for q in example("provenance").objects(None, PROV.value)]
    assert len(quotes) == 2
    for quote in quotes:
        assert " ".join(quote.split()) in source_text + " " + tables_text


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.ttl")), ids=lambda p: p.stem)
def test_examples_use_only_declared_terms(path: Path) -> None:
    """Every property and class an example uses is declared by the ontology (no typo passes silently)."""
    from rdflib.namespace import OWL, RDF, RDFS

    graph = example(path.stem)
    declared = set(ontology().subjects(RDF.type, None))
    unknown = {p for p in graph.predicates() if p not in declared and not str(p).startswith((str(RDF), str(RDFS)))}
    unknown |= {c for c in graph.objects(None, RDF.type) if c not in declared and c != OWL.Thing}
    unknown |= {o for o in graph.objects() if str(o).startswith("https://w3id.org/peerkg/vocab/")
                and o not in declared}
    assert not unknown, sorted(map(str, unknown))


def test_comparators_tell_an_improvement_against_usual_care_from_no_effect_against_group_cbt() -> None:
    """Pfeiffer 2011's abstract: vs usual care 7 RCTs, 869 participants, SMD -0.59 (-0.98, -0.21), p = 0.002;
    vs group CBT 7 RCTs, 301 participants, SMD 0.10 (-0.20, 0.39), p = 0.53."""
    found = rows("comparators-and-polarity", """
        SELECT ?comparator ?active ?direction ?k ?n ?estimate ?lower ?upper ?p
        WHERE { pkid:pfeiffer-2011 pk:hasFinding ?f .
                ?f pk:comparator ?c ; pk:direction ?direction ; pk:numberOfStudies ?k ; pk:numberOfParticipants ?n ;
                   pk:effectEstimate [ pk:estimate ?estimate ; pk:ciLower ?lower ; pk:ciUpper ?upper ; pk:pValue ?p ] .
                ?c skos:prefLabel ?comparator .
                BIND(EXISTS { ?c skos:broader+ <https://w3id.org/peerkg/vocab/comparator/active-treatment> }
                     AS ?active) }
        ORDER BY ?n""")
    assert [(c, a, short(d), k, n, str(e), str(lo), str(hi), str(p)) for c, a, d, k, n, e, lo, hi, p in found] == [
        ("group CBT", True, "no-effect", 7, 301, "0.10", "-0.20", "0.39", "0.53"),
        ("usual care", False, "improvement", 7, 869, "-0.59", "-0.98", "-0.21", "0.002")]


def test_polarity_puts_estimates_on_one_scale() -> None:
    """Lloyd-Evans's recovery SMD -0.24 and Lyons's 0.18 (Cooper Table 3) both favour peer support."""
    found = rows("comparators-and-polarity", """
        SELECT ?e ?favouring WHERE {
            ?e pk:estimate ?estimate ; pk:polarity ?polarity .
            BIND(IF(?polarity = <https://w3id.org/peerkg/vocab/polarity/lower-favours-peer-support>,
                    -?estimate, ?estimate) AS ?favouring) }
        ORDER BY ?e""")
    assert [(str(e).split("/id/")[1], str(f)) for e, f in found] == [
        ("lloyd-evans-2014/finding/1/effect", "0.24"), ("lyons-2021/finding/1/effect", "0.18"),
        ("pfeiffer-2011/finding/1/effect", "0.59"), ("pfeiffer-2011/finding/2/effect", "-0.10")]


def test_countries_and_appraisal_tools_of_table_1() -> None:
    countries = rows("countries-and-appraisals", """
        SELECT ?r (GROUP_CONCAT(?c; separator=";") AS ?codes)
        WHERE { SELECT ?r ?c WHERE { ?r pk:studyCountry ?c } ORDER BY ?c } GROUP BY ?r ORDER BY ?r""")
    assert [(short(r), c) for r, c in countries] == [("burke-2019", "CA;US"), ("chien-2019", "CN;DE;GB;NL;US")]
    appraisals = rows("countries-and-appraisals", """
        SELECT ?r ?tool ?rating WHERE { ?r pk:appraisal [ pk:appraisalTool/skos:prefLabel ?tool ; pk:rating ?rating ] }
        ORDER BY ?r ?tool""")
    assert [(short(r), t, x) for r, t, x in appraisals] == [
        ("burke-2019", "EPHPP", "Weak (10 studies), Moderate (9 studies), strong (4 studies)"),
        ("chien-2019", "AMSTAR 2", "High"),
        ("chien-2019", "Cochrane RoB tool",
         "> half had unclear RoB for the majority of domains; ~ a quarter had high RoB for 4 domains")]


def test_the_eligibility_criterion_answers_paid_with_its_caveat() -> None:
    found = rows("eligibility-and-payment", """
        SELECT ?review ?criterion ?statement ?caveat ?stated
        WHERE { ?umbrella pk:eligibilityCriterion ?c .
                ?c pk:criterion/skos:prefLabel ?criterion ; pk:statement ?statement ; pk:caveat/pk:statement ?caveat .
                ?review pk:reportedIn/pk:referenceNumber ?ref .
                BIND(EXISTS { ?review pk:intervention/pk:payment ?p } AS ?stated) }""")
    assert [(short(r), c, s[:51], v[:46], st) for r, c, s, v, st in found] == [
        ("chien-2019", "paid peer support", "Eligible peer support approaches were paid, meaning",
         "We aimed to focus our review on paid peer supp", False)]
    criteria = rows("eligibility-and-payment", """
        SELECT ?statement WHERE { ?c pk:criterion <https://w3id.org/peerkg/vocab/eligibility-criterion/search-years> ;
                                     pk:statement ?statement }""")
    assert criteria == [("Searches were run from January 2012 to November 2022",)]


def test_subgroups_are_findings_of_their_own_tied_to_the_main_analysis() -> None:
    found = rows("subgroups-certainty-and-absence", """
        SELECT ?sub ?by ?as ?direction ?k WHERE {
            pkid:example-2020 pk:hasFinding ?sub .
            ?sub a pk:SubgroupFinding ; pk:subgroupOf <https://w3id.org/peerkg/id/example-2020/finding/1> ;
                 pk:subgroupBy/skos:prefLabel ?by ; pk:subgroupAsReported ?as ; pk:direction ?direction ;
                 pk:numberOfStudies ?k }
        ORDER BY ?sub""")
    assert [(str(s).rsplit("/", 2)[-2] + "/" + short(s), b, a, short(d), k) for s, b, a, d, k in found] == [
        ("subgroup/1", "format", "group format", "no-effect", 4),
        ("subgroup/2", "format", "individual format", "improvement", 6)]
    main = rows("subgroups-certainty-and-absence", """
        SELECT ?f WHERE { pkid:example-2020 pk:hasFinding ?f FILTER NOT EXISTS { ?f pk:subgroupOf ?m } } ORDER BY ?f""")
    assert [short(f) for (f,) in main] == ["1", "2"]


def test_certainty_prediction_interval_and_absence_with_a_reason() -> None:
    certainty = rows("subgroups-certainty-and-absence", """
        SELECT ?f ?label WHERE { ?f pk:certainty/skos:prefLabel ?label } ORDER BY ?f""")
    assert [(short(f), label) for f, label in certainty] == [("1", "GRADE: low"), ("2", "CERQual: moderate confidence")]
    [(lower, upper)] = rows("subgroups-certainty-and-absence", """
        SELECT ?lo ?hi WHERE { ?e pk:predictionLower ?lo ; pk:predictionUpper ?hi }""")
    assert (str(lower), str(upper)) == ("-0.80", "0.20")
    absent = rows("subgroups-certainty-and-absence", """
        SELECT ?node ?reason ?field WHERE {
            VALUES ?reason { pk:notReported pk:notAvailable pk:notApplicable }
            ?node ?reason ?field } ORDER BY ?node ?reason""")
    assert [(str(n).split("/id/")[1], short(r), short(f)) for n, r, f in absent] == [
        ("example-2020/finding/1", "notReported", "numberOfParticipants"),
        ("example-2020/finding/2", "notApplicable", "comparator"),
        ("fang-2022/intervention", "notReported", "setting"),
        ("lyons-2021", "notAvailable", "numberOfParticipants")]
def test_a_proposed_term_is_found_through_the_hierarchy() -> None:
    """Pfeiffer 2011's finding on depressive symptoms (a term its entry proposes, narrower than depression) is
    a finding on depression and on clinical outcomes; its population is under any mental health condition."""
    found = rows("proposed-term", """
        SELECT ?finding ?label WHERE { ?finding pk:outcome ?o . ?o skos:broader* outcome:depression ;
                                       skos:prefLabel ?label }""")
    assert [(short(f), label) for f, label in found] == [("1", "depressive symptoms")]
    assert len(rows("proposed-term", "SELECT ?f WHERE { ?f pk:outcome/skos:broader* outcome:clinical }")) == 1
    populations = rows("proposed-term", """
        SELECT ?review ?by WHERE { ?review pk:population ?p . ?p skos:broader* pop:any-mental-health-condition ;
                                   pk:proposedBy ?by }""")
    assert [(short(r), short(b)) for r, b in populations] == [("pfeiffer-2011", "pfeiffer-2011")]


def test_source_document_quote_and_judgement(source_text: str) -> None:
    [(citation, doi, url, path)] = rows("source-document", """
        SELECT ?citation ?doi ?url ?path WHERE { ?d a pk:SourceDocument ; dcterms:bibliographicCitation ?citation ;
            pk:doi ?doi ; dcterms:source ?url ; pk:localPath ?path }""")
    assert doi == "10.1186/s12916-024-03260-y" and str(url) == "https://doi.org/10.1186/s12916-024-03260-y"
    assert citation.endswith("BMC Medicine 22, 72 (2024).") and path.endswith(".txt")
    [(quote,)] = rows("source-document", """
        SELECT ?quote WHERE { ?s a pk:SourceExcerpt ; prov:value ?quote ; prov:wasQuotedFrom ?d .
            ?d a pk:SourceDocument }""")
    assert " ".join(quote.split()) in source_text
    [(team, day, note)] = rows("source-document", """
        SELECT ?team ?day ?note WHERE { ?j a pk:Judgement ; prov:wasAttributedTo ?a ; prov:generatedAtTime ?day ;
            pk:curationNote ?note . ?a a prov:Agent ; rdfs:label ?team
            FILTER NOT EXISTS { ?j prov:value ?any } }""")
    assert (team, str(day)) == ("peerkg curators", "2026-11-30") and "one pooled analysis" in note
