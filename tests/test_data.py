"""The curated data against the source: quotes verbatim, headline counts exact, sample reviews complete."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO, TEXT_FILE, collapse

DATA = REPO / "data"
ENTRY_FILES = sorted(DATA.glob("*.yaml"))
PK = "https://w3id.org/peerkg/"
PREFIXES = f"""PREFIX pk: <{PK}>
PREFIX rtype: <{PK}vocab/review-type/>
PREFIX rq: <{PK}vocab/research-question/>
PREFIX pop: <{PK}vocab/population/>
PREFIX fmt: <{PK}vocab/format/>
PREFIX amstar: <{PK}vocab/amstar2/>
PREFIX synth: <{PK}vocab/synthesis/>
PREFIX dir: <{PK}vocab/direction/>
PREFIX outcome: <{PK}vocab/outcome/>
PREFIX pkid: <{PK}id/>
"""


def _sources(node: object, path: str = ""):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        if "quote" in node:
            yield path, node
        for key, value in node.items():
            yield from _sources(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for n, value in enumerate(node, 1):
            yield from _sources(value, f"{path}[{n}]")


@pytest.mark.parametrize("entry", ENTRY_FILES, ids=lambda p: p.stem)
def test_every_quote_is_found_verbatim_in_the_source_it_cites(entry: Path, source_text: str,
                                                              tables_text: str) -> None:
    missing = []
    for path, source in _sources(yaml.safe_load(entry.read_text("utf-8"))):
        document = tables_text if "table" in source else source_text
        if collapse(str(source["quote"])) not in document:
            missing.append(f"{path}: {source['quote']!r}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("entry", ENTRY_FILES, ids=lambda p: p.stem)
def test_every_source_names_its_place(entry: Path) -> None:
    for path, source in _sources(yaml.safe_load(entry.read_text("utf-8"))):
        assert source.get("section") or (source.get("table") and source.get("row")), path


def test_the_vendored_sources_are_the_seed_files() -> None:
    seed = REPO.parent / "shared" / "seed" / TEXT_FILE.name
    if seed.exists():
        assert seed.read_bytes() == TEXT_FILE.read_bytes()


def count(store, where: str) -> int:  # type: ignore[no-untyped-def]
    query = PREFIXES + f"SELECT (COUNT(DISTINCT ?review) AS ?n) WHERE {{ ?review a pk:Review . {where} }}"
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)


# Each expected number is stated in the text of Cooper et al. 2024 (quoted beside it).
HEADLINE = [
    ("", 35, "Thirty-five reviews (reported in 36 papers) were included"),
    ("?review pk:reviewType rtype:sr-with-meta-analysis", 13, "13 were systematic reviews with meta-analyses"),
    ("?review pk:reviewType rtype:sr-without-meta-analysis", 13,
     "13 were systematic reviews without meta-analyses"),
    ("?review pk:reviewType rtype:sr-qualitative-synthesis", 3,
     "3 were systematic reviews with a qualitative synthesis"),
    ("?review pk:reviewType rtype:scoping-review", 6, "6 were scoping reviews"),
    ("?review pk:researchQuestion rq:effectiveness", 23, "Effectiveness outcomes were reported in 23 reviews"),
    ("?review pk:researchQuestion rq:implementation", 9, "Implementation was investigated in nine reviews"),
    ("?review pk:researchQuestion rq:experiences", 11,
     "Experiences of both the benefits and challenges of peer support were reported in 11 reviews"),
    ("?review pk:population pop:serious-mental-illness", 13,
     "Thirteen reviews specified that participants had severe mental illness (SMI) diagnoses"),
    ("?review pk:population pop:mental-health-service-users", 6,
     "six reviews explicitly included studies with participants accessing mental health services"),
    ("?review pk:population pop:perinatal", 3, "three reviews were conducted in perinatal populations"),
    ("?review pk:population pop:any-mental-health-condition", 3,
     "three reviews included participants with any/common mental health conditions"),
    ("?review pk:population pop:substance-use", 4,
     "four reviews included participants with substance use disorders"),
    ("?review pk:population pop:eating-disorders", 2, "two reviews included participants with eating disorders"),
    ("?review pk:population pop:suicidality", 1, "one included people experiencing suicidality"),
    ("?review pk:population pop:crisis", 1, "one included articles on peer support for crisis management"),
    ("?review pk:usedGRADE true", 2, "Only 2 reviews assessed certainty of evidence (using GRADE)"),
    ("?review pk:livedExperienceInvolvement true", 1,
     "Only 1 review reported that people with lived experience were involved in the review"),
    ("?review ^pk:includedReview/pk:amstar2Rating amstar:high FILTER NOT EXISTS { "
     "?review ^pk:includedReview/pk:amstar2Rating ?other FILTER(?other != amstar:high) }", 1,
     "one review was appraised as high quality"),
    ("?review ^pk:includedReview/pk:amstar2Rating amstar:moderate", 0,
     "No reviews were rated as moderate"),
    ("?review pk:intervention/pk:format fmt:group FILTER NOT EXISTS { ?review pk:intervention/pk:format ?f "
     "FILTER(?f != fmt:group) }", 3, "three reviews looked at group peer support alone"),
    ("?review pk:intervention/pk:format fmt:individual FILTER NOT EXISTS { ?review pk:intervention/pk:format ?f "
     "FILTER(?f != fmt:individual) }", 3, "three reviews looked at individual peer support alone"),
    ("?review pk:hasFinding [ pk:synthesis synth:meta-analysis ; pk:outcome outcome:recovery ]", 7,
     "Of the seven reviews with meta-analyses reporting data on overall self-reported recovery"),
    ("?review pk:hasFinding [ pk:synthesis synth:meta-analysis ; pk:outcome outcome:self-efficacy ; "
     "pk:direction dir:improvement ]", 3,
     "There were improvements in self-efficacy in adults with any mental health problem in all three reviews"),
]


@pytest.mark.parametrize(("where", "expected", "quote"), HEADLINE, ids=[h[2][:50] for h in HEADLINE])
def test_headline_counts_come_out_of_the_graph(store, where: str, expected: int, quote: str,  # type: ignore[no-untyped-def]
                                               source_text: str) -> None:
    assert collapse(quote) in source_text
    assert count(store, where) == expected


def test_36_papers_with_their_reference_numbers(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.query(PREFIXES + "SELECT ?n WHERE { ?r a pk:Review ; ^pk:includedReview ?i . "
                       "?i pk:umbrellaReview pkid:cooper-2024 ; pk:referenceNumber ?n }",
                       use_default_graph_as_union=True)
    refs = sorted(int(row[0].value) for row in rows)
    assert refs == [1, 21, 22, 23, 24, *range(34, 65)]


def test_references_41_and_42_are_one_review(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.query(PREFIXES + "SELECT ?n WHERE { [] pk:includedReview pkid:pitt-2013 ; "
                       "pk:umbrellaReview pkid:cooper-2024 ; pk:referenceNumber ?n }",
                       use_default_graph_as_union=True)
    assert sorted(int(row[0].value) for row in rows) == [41, 42]
    papers = store.query(PREFIXES + "SELECT ?p WHERE { pkid:pitt-2013 pk:reportedIn ?p }",
                         use_default_graph_as_union=True)
    assert len(list(papers)) == 2  # one review, two papers, one inclusion with both numbers


def test_umbrella_review_methods(store) -> None:  # type: ignore[no-untyped-def]
    query = PREFIXES + """SELECT ?reg ?screened ?assessed ?excluded ?studies ?ta ?ft WHERE {
      pkid:cooper-2024 pk:registration ?reg ; pk:recordsScreened ?screened ; pk:fullTextsAssessed ?assessed ;
        pk:fullTextsExcluded ?excluded ; pk:primaryStudies ?studies ;
        pk:agreementTitleAbstract ?ta ; pk:agreementFullText ?ft }"""
    row = next(iter(store.query(query, use_default_graph_as_union=True)))
    assert [str(t.value) for t in row] == ["CRD42022362099", "777", "93", "57", "426", "94", "86"]


def test_primary_study_overlap(store) -> None:  # type: ignore[no-untyped-def]
    query = PREFIXES + """SELECT ?reviews ?studies WHERE {
      pkid:cooper-2024 pk:hasOverlapCount [ pk:numberOfReviews ?reviews ; pk:numberOfStudies ?studies ] }"""
    rows = sorted((int(r[0].value), int(r[1].value)) for r in store.query(query, use_default_graph_as_union=True))
    # "most primary studies (n = 300) were only included in one review; ... twice (n = 72), three times
    # (n = 18) to a maximum of nine times (n = 1)"
    assert rows == [(1, 300), (2, 72), (3, 18), (9, 1)]


def test_chien_2019_the_only_high_quality_review(store) -> None:  # type: ignore[no-untyped-def]
    query = PREFIXES + """SELECT ?type ?rating ?grade ?k ?n ?ref ?doi WHERE {
      pkid:chien-2019 pk:reviewType ?type ; pk:usedGRADE ?grade ;
        pk:numberOfStudies ?k ; pk:numberOfParticipants ?n ; pk:reportedIn [ pk:doi ?doi ] .
      [] pk:includedReview pkid:chien-2019 ; pk:umbrellaReview pkid:cooper-2024 ; pk:amstar2Rating ?rating ;
        pk:referenceNumber ?ref }"""
    rows = list(store.query(query, use_default_graph_as_union=True))
    assert len(rows) == 1
    values = [str(t.value) for t in rows[0]]
    # Table 1 row "Chien et al. (2019) [21]": N = 13, N = 2479, AMSTAR2 High; text: "[21, 22]" used GRADE.
    assert values == [PK + "vocab/review-type/sr-with-meta-analysis", PK + "vocab/amstar2/high", "true", "13",
                      "2479", "21", "10.1002/14651858.CD010880.pub2"]


def test_lloyd_evans_2014_recovery_meta_analysis(store) -> None:  # type: ignore[no-untyped-def]
    # Table 3 row: "Lloyd-Evans et al. (2014) [22] | Self-rated recovery (post-intervention) | 4 (1066) | ... |
    # SMD | −0.24 (−0.39, −0.09) | I2 = 27% ... | Significant improvement in self-rated recovery"
    query = PREFIXES + """SELECT ?est ?lo ?hi ?i2 ?k ?n ?dir WHERE {
      pkid:lloyd-evans-2014 pk:hasFinding ?f .
      ?f pk:outcome outcome:recovery ; pk:synthesis synth:meta-analysis ; pk:direction ?dir ;
         pk:numberOfStudies ?k ; pk:numberOfParticipants ?n ;
         pk:effectEstimate [ pk:estimate ?est ; pk:ciLower ?lo ; pk:ciUpper ?hi ; pk:iSquared ?i2 ] }"""
    rows = [[str(t.value) for t in row] for row in store.query(query, use_default_graph_as_union=True)]
    assert rows == [["-0.24", "-0.39", "-0.09", "27", "4", "1066", PK + "vocab/direction/improvement"]]
