"""Study overlap (issue 15, item 5): the corrected covered area (CCA; Pieper et al., J Clin Epidemiol
2014;67:368-75), exact where reviews list their primary studies, bounded where only aggregate counts exist."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
from conftest import REPO, Built, collapse

from peerkg.queries.run import rows

TEXT = collapse((REPO / "sources" / "cooper-2024-peer-support-umbrella-review.txt").read_text("utf-8"))


def cca(inclusions: int, studies: int, reviews: int) -> Decimal:
    """(N - r) / (r * c - r), in percent, to two decimals."""
    return round(Decimal(100) * (inclusions - studies) / (studies * reviews - studies), 2)


def test_the_bounds_cooper_s_aggregate_counts_allow(built: Built) -> None:
    # Results > Characteristics of included reviews: 426 primary studies, 300 in one review, 72 in two, 18 in
    # three, one in nine; 35 reviews. The 35 studies the counts leave out are in 4 to 8 reviews each.
    assert "most primary studies (n = 300) were only included in one review" in TEXT
    assert ("many primary studies were included twice (n = 72), three times (n = 18) to a maximum of nine times "
            "(n = 1)") in TEXT
    listed = 300 * 1 + 72 * 2 + 18 * 3 + 1 * 9
    left_out = 426 - (300 + 72 + 18 + 1)
    low, high = listed + left_out * 4, listed + left_out * 8
    found = {r["measure"]: r["value"] for r in rows("study-overlap", store=built.store) if r["basis"] == "aggregate"}
    assert (found["studies_left_out_of_the_counts"], found["inclusions_min"], found["inclusions_max"]) == \
        (35, low, high) == (35, 647, 787)
    assert (found["cca_percent_min"], found["cca_percent_max"]) == (cca(low, 426, 35), cca(high, 426, 35))
    assert found["cca_percent_max"] < 5  # slight overlap, whatever the left-out studies are


GRAPH = """@prefix pk: <https://w3id.org/peerkg/> . @prefix pkid: <https://w3id.org/peerkg/id/> .
pkid:u a pk:UmbrellaReview .
pkid:a a pk:Review ; pk:includesStudy pkid:s1 , pkid:s2 , pkid:s3 .
pkid:b a pk:Review ; pk:includesStudy pkid:s3 , pkid:s4 .
pkid:c a pk:Review ; pk:includesStudy pkid:s5 .
pkid:a-in pk:umbrellaReview pkid:u ; pk:includedReview pkid:a .
pkid:b-in pk:umbrellaReview pkid:u ; pk:includedReview pkid:b .
pkid:c-in pk:umbrellaReview pkid:u ; pk:includedReview pkid:c ."""


def listed_store() -> ox.Store:
    store = ox.Store()
    store.load(GRAPH, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x:entries"))
    return store


def test_exact_cca_where_reviews_list_their_studies() -> None:
    found = {r["measure"]: r["value"] for r in rows("study-overlap", {"umbrella": "u"}, store=listed_store())
             if r["basis"] == "listed"}
    # three reviews, five distinct studies, six inclusions: (6 - 5) / (5 * 3 - 5) = 10%
    assert found == {"reviews_listing_studies": 3, "listed_primary_studies": 5, "inclusions": 6,
                     "cca_percent": cca(6, 5, 3)}


def test_pairwise_cca() -> None:
    found = rows("pairwise-overlap", store=listed_store())
    # a and b share s3 of their four studies: 25%, very high; c shares nothing and is in no pair
    assert [(r["review_a"], r["review_b"], r["shared"], r["studies"], r["cca_percent"], r["overlap"])
            for r in found] == [("a", "b", 1, 4, Decimal(25), "very high")]


def test_a_verdict_resting_on_overlapping_reviews_is_flagged() -> None:
    from peerkg.synthesis.conclusions import refresh_conclusions

    store = listed_store()
    store.load("""@prefix pk: <https://w3id.org/peerkg/> . @prefix pkid: <https://w3id.org/peerkg/id/> .
        @prefix out: <https://w3id.org/peerkg/vocab/outcome/> .
        @prefix dir: <https://w3id.org/peerkg/vocab/direction/> .
        @prefix synth: <https://w3id.org/peerkg/vocab/synthesis/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        out:hope skos:prefLabel "hope" .
        pkid:a pk:hasFinding pkid:fa . pkid:b pk:hasFinding pkid:fb . pkid:c pk:hasFinding pkid:fc .
        pkid:fa pk:outcome out:hope ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement .
        pkid:fb pk:outcome out:hope ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement .
        pkid:fc pk:outcome out:quality-of-life ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement .
        out:quality-of-life skos:prefLabel "quality of life" .""", ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("urn:x:findings"))
    refresh_conclusions(store)
    found = {r["outcome"]: r["overlap"] for r in rows("conclusions", store=store) if not r["population"]}
    # hope rests on a and b, which share 1 of 4 studies (25%); quality of life on c alone
    assert found == {"hope": "very high (CCA 25%)", "quality of life": ""}
