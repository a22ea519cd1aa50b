"""Inclusion, not identity (issue 10, item 2): a review's membership in an umbrella review is a pk:Inclusion
with the umbrella's own reference numbers and appraisal, so two umbrella reviews can include one review."""

from __future__ import annotations

from pathlib import Path

from conftest import Built
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from peerkg.commands.add import check_files
from peerkg.graph.store import open_store

REPO = Path(__file__).resolve().parents[1]
SHAPES = REPO / "tests" / "shapes"
PK = "https://w3id.org/peerkg/"
TWO_UMBRELLAS = """included_in:
  - umbrella: umbrella-2024
    references: [21]
    amstar2: low-or-critically-low
    critical_weaknesses: ["no registered protocol"]
    provenance:
      amstar2: [{document: umbrella-2024-text, section: "Results", quote: "low or critically low"}]
      critical_weaknesses: [{document: umbrella-2024-text, section: "Results", quote: "registering protocols"}]
  - umbrella: cooper-2024
    references: [NUMBER]
    amstar2: critically-low
    critical_weaknesses: not reported
    provenance:
      amstar2: [{document: cooper-2024-text, section: "Results > RQ 3", quote: "rated as critically low quality"}]
"""


def _review_in_two_umbrellas(folder: Path, number: int) -> Path:
    text = (SHAPES / "review.yaml").read_text("utf-8")
    start, end = text.index("included_in:"), text.index("grade: true")
    review = folder / "test-2020.yaml"
    review.write_text(text[:start] + TWO_UMBRELLAS.replace("NUMBER", str(number)) + text[end:], "utf-8")
    return review


def test_two_umbrella_reviews_include_one_review(built: Built, tmp_path: Path) -> None:
    review = _review_in_two_umbrellas(tmp_path, 99)
    report = check_files([SHAPES / "umbrella.yaml", review], open_store(built.store, read_only=True))
    assert report.violations == [], [i.problem for i in report.violations]
    [entry] = [e for e in report.entries if e.id == "test-2020"]
    graph, subject = entry.graph, URIRef(PK + "id/test-2020")
    inclusions = sorted(graph.subjects(URIRef(PK + "includedReview"), subject))
    assert inclusions == [URIRef(PK + "id/test-2020/inclusion/1"), URIRef(PK + "id/test-2020/inclusion/2")]
    numbers = {str(graph.value(i, URIRef(PK + "umbrellaReview"))).rsplit("/", 1)[1]:
               set(graph.objects(i, URIRef(PK + "referenceNumber"))) for i in inclusions}
    # each umbrella numbers its own reference list: 21 of umbrella-2024 is not Cooper's 21 (Chien 2019)
    assert numbers == {"umbrella-2024": {Literal(21, datatype=XSD.positiveInteger)},
                       "cooper-2024": {Literal(99, datatype=XSD.positiveInteger)}}
    ratings = {str(graph.value(i, URIRef(PK + "umbrellaReview"))).rsplit("/", 1)[1]:
               {str(r).rsplit("/", 1)[1] for r in graph.objects(i, URIRef(PK + "amstar2Rating"))}
               for i in inclusions}
    assert ratings == {"umbrella-2024": {"low-or-critically-low"}, "cooper-2024": {"critically-low"}}


def test_a_number_of_the_same_umbrella_is_one_review(built: Built, tmp_path: Path) -> None:
    """Cooper's reference 21 is Chien 2019: a new review included by Cooper under 21 breaks the rule, on the
    Cooper inclusion only."""
    review = _review_in_two_umbrellas(tmp_path, 21)
    report = check_files([SHAPES / "umbrella.yaml", review], open_store(built.store, read_only=True))
    assert [(i.problem.entry, i.problem.field, i.problem.rule) for i in report.violations] == [
        ("test-2020", "included_in[2].references", "Inclusion-referenceNumber-unique")]


def test_low_or_critically_low_is_one_value_broader_than_both(built: Built) -> None:
    """Partial knowledge as one concept: 9 of Cooper's ratings are only known to be low or critically low
    (Table 1 rates 2 low, 23 critically low, 1 high: 9 + 2 + 23 + 1 = 35), and no inclusion has two ratings."""
    store = open_store(built.store, read_only=True)
    amstar = PK + "vocab/amstar2/"
    narrower = {r[0].value for r in store.query(
        f"SELECT ?n WHERE {{ <{amstar}low-or-critically-low> <http://www.w3.org/2004/02/skos/core#narrower> ?n . "
        f"?n <http://www.w3.org/2004/02/skos/core#broader> <{amstar}low-or-critically-low> }}",
        use_default_graph_as_union=True)}  # type: ignore[union-attr]
    assert narrower == {amstar + "low", amstar + "critically-low"}
    counts = {r[0].value.rsplit("/", 1)[1]: int(r[1].value) for r in store.query(
        "SELECT ?rating (COUNT(?i) AS ?n) WHERE { ?i <https://w3id.org/peerkg/umbrellaReview> "
        "<https://w3id.org/peerkg/id/cooper-2024> ; <https://w3id.org/peerkg/amstar2Rating> ?rating } GROUP BY ?rating",
        use_default_graph_as_union=True)}  # type: ignore[union-attr]
    assert counts == {"low-or-critically-low": 9, "critically-low": 23, "low": 2, "high": 1}
