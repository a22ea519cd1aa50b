"""Parameters of stored queries are checked, typed RDF terms: a value that does not fit is refused with a
clear error, and a hostile value (quotes, braces, `} ; DROP ALL`, INSERT) cannot change the query or the store."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from peerkg.errors import QueryError
from peerkg.queries.catalogue import StoredQuery, get, parse_query_file
from peerkg.queries.params import _bound_values, _shape, bind
from peerkg.queries.params import algebra as _algebra
from peerkg.queries.run import query, sparql

HOSTILE = [
    '" } ; DROP ALL ; #',
    "'} ; DROP ALL",
    '"} UNION { ?s ?p ?o } #',
    "} INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
    '"""} DELETE WHERE { ?s ?p ?o } #',
    "> } ; CLEAR DEFAULT",
    "x\\\" } #",
    "# comment } }",
]
TYPED = """#+ summary: every parameter type, for the tests
#+ param: text string Chien -- a word of an author list
#+ param: link iri https://w3id.org/peerkg/id/chien-2019 -- a node
#+ param: entry entry chien-2019 -- an entry id
#+ param: cut decimal 0.5 -- a number
#+ param: flag boolean true -- a truth value
#+ param: outcome concept:outcome hope -- an outcome
PREFIX pk: <https://w3id.org/peerkg/>
SELECT ?paper ?authors ?text ?link ?entry ?cut ?flag ?outcome
WHERE {
  VALUES ?text { "Chien" }
  VALUES ?link { <https://w3id.org/peerkg/id/chien-2019> }
  VALUES ?entry { <https://w3id.org/peerkg/id/chien-2019> }
  VALUES ?cut { 0.5 }
  VALUES ?flag { true }
  VALUES ?outcome { <https://w3id.org/peerkg/vocab/outcome/hope> }
  ?paper pk:authors ?authors .
  FILTER(CONTAINS(?authors, ?text))
}
"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> StoredQuery:
    path = tmp_path_factory.mktemp("queries") / "01-typed.rq"
    path.write_text(TYPED, "utf-8")
    return parse_query_file(path)


def fingerprint(store: Any) -> str:
    from peerkg.graph.store import sorted_nquads

    return hashlib.sha256(sorted_nquads(store).encode()).hexdigest()


@pytest.fixture(scope="module")
def untouched(store: Any) -> Any:
    """The store; after the module's tests, it must hold exactly what it held before."""
    before = fingerprint(store)
    yield store
    assert fingerprint(store) == before, "a query changed the store"


# -- values that do not fit are refused, naming the parameter and why -------------------------------------

@pytest.mark.parametrize("value", [*HOSTILE, "hoep", "population:perinatal",
                                   "https://w3id.org/peerkg/vocab/population/perinatal", ""])
def test_a_concept_parameter_takes_only_a_concept_of_its_vocabulary(value: str, untouched: Any) -> None:
    with pytest.raises(QueryError, match=r"parameter outcome .*not a concept of the outcome vocabulary"):
        query("evidence-for-outcome", {"outcome": value}, store=untouched)


def test_a_near_miss_gets_a_suggestion() -> None:
    with pytest.raises(QueryError, match="did you mean 'hope'"):
        bind(get("evidence-for-outcome"), {"outcome": "hoep"})


@pytest.mark.parametrize("value", ["hope", "Hope", "  HOPE ", "https://w3id.org/peerkg/vocab/outcome/hope"])
def test_a_concept_is_named_by_label_slug_or_iri(value: str, untouched: Any) -> None:
    rows = query("evidence-for-outcome", {"outcome": value}, store=untouched).records()
    assert {r["finding_outcome"] for r in rows} == {"hope"}
    assert len(rows) == 11  # queries/expected/evidence-for-outcome.hope.csv


@pytest.mark.parametrize("value", [*HOSTILE, "2.5", "1e3", "two", "", "3 4", "99999999999999999999"])
def test_an_integer_parameter_takes_only_a_whole_number(value: str, untouched: Any) -> None:
    with pytest.raises(QueryError, match=r"parameter min_reviews .*not a whole number"):
        query("barriers-in-several-reviews", {"min_reviews": value}, store=untouched)


@pytest.mark.parametrize(("name", "value", "why"), [
    ("link", "https://example.org/a b", "not an absolute IRI"),
    ("link", "https://example.org/>} ; DROP ALL", "not an absolute IRI"),
    ("link", "relative/path", "not an absolute IRI"),
    ("link", "https://example.org/\\u003E", "not an absolute IRI"),
    ("entry", "../chien-2019", "not an entry id"),
    ("entry", "Chien 2019", "not an entry id"),
    ("cut", "1.5e3", "not a decimal number"),
    ("cut", "0.5 } ; DROP ALL", "not a decimal number"),
    ("flag", "yes", "not true or false"),
    ("text", "a\nDROP ALL", "control character"),
    ("text", "\\u0022 } ; DROP ALL ; #", "escape"),
    ("text", "x" * 501, "longer than 500"),
])
def test_a_value_that_does_not_fit_its_type_is_refused(typed: StoredQuery, name: str, value: str, why: str) -> None:
    with pytest.raises(QueryError, match=f"parameter {name} .*{why}"):
        bind(typed, {name: value})


def test_an_unknown_parameter_is_refused_with_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"has no parameter 'outcomes' .*its parameters: outcome"):
        bind(get("evidence-for-outcome"), {"outcomes": "hope"})
    with pytest.raises(QueryError, match="its parameters: none"):
        bind(get("query-catalogue"), {"x": "1"})


# -- values that fit are bound as one typed term, and cannot change the query ----------------------------

@pytest.mark.parametrize(("name", "value", "term"), [
    ("text", "Lyons", Literal("Lyons")),
    ("link", "https://example.org/x?a=1#f", URIRef("https://example.org/x?a=1#f")),
    ("entry", "lyons-2021", URIRef("https://w3id.org/peerkg/id/lyons-2021")),
    ("entry", "https://w3id.org/peerkg/id/lyons-2021", URIRef("https://w3id.org/peerkg/id/lyons-2021")),
    ("cut", "-0.25", Literal("-0.25", datatype=XSD.decimal)),
    ("flag", "FALSE", Literal("false", datatype=XSD.boolean)),
])
def test_a_value_is_bound_as_one_typed_term(typed: StoredQuery, name: str, value: str, term: Any) -> None:
    assert _bound_values(_algebra(bind(typed, {name: value})), name) == [[term]]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_is_only_ever_a_string(typed: StoredQuery, value: str, untouched: Any) -> None:
    text = bind(typed, {"text": value})
    assert _bound_values(_algebra(text), "text") == [[Literal(value)]]
    assert _shape(_algebra(text)) == _shape(_algebra(typed.text))
    result = sparql(text, store=untouched)
    assert result.rows == []  # no author list contains it; the query ran as written


def test_the_bound_text_is_still_found_by_the_string_it_was_given(typed: StoredQuery, untouched: Any) -> None:
    rows = sparql(bind(typed, {"text": "Lyons N"}), store=untouched).records()
    assert [r["authors"] for r in rows] == ["Lyons N, Cooper C, Lloyd-Evans B"]


def test_one_value_cannot_pose_as_the_values_block_of_another(typed: StoredQuery) -> None:
    trick = 'VALUES ?link { <https://evil.example/> }'
    text = bind(typed, {"text": trick, "link": "https://example.org/ok"})
    algebra = _algebra(text)
    assert _bound_values(algebra, "text") == [[Literal(trick)]]
    assert _bound_values(algebra, "link") == [[URIRef("https://example.org/ok")]]


def test_a_binding_that_would_change_the_query_is_refused(typed: StoredQuery,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: were the term ever written wrongly, the re-parse check refuses to run it."""
    import peerkg.queries.params

    monkeypatch.setattr(peerkg.queries.params, "term_syntax", lambda term: '"x" } ?s ?p ?o . VALUES ?z { 1')
    with pytest.raises(QueryError, match="could not be bound safely; nothing was run"):
        bind(typed, {"text": "x"})


def test_without_the_reparse_a_term_that_is_not_one_token_is_refused(typed: StoredQuery,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored queries run on the store without rdflib's re-parse: the one-term check still refuses."""
    import peerkg.queries.params

    monkeypatch.setattr(peerkg.queries.params, "term_syntax", lambda term: '"x" } ?s ?p ?o . VALUES ?z { 1')
    with pytest.raises(QueryError, match="could not be bound safely; nothing was run"):
        bind(typed, {"text": "x"}, reparse=False)


@pytest.mark.parametrize("value", HOSTILE)
def test_without_the_reparse_a_hostile_string_binds_the_same_text(typed: StoredQuery, value: str) -> None:
    assert bind(typed, {"text": value}, reparse=False) == bind(typed, {"text": value})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_refused_or_bound_as_exactly_that_literal(typed: StoredQuery, value: str) -> None:
    try:
        text = bind(typed, {"text": value}, reparse=False)  # checked by the re-parse below
    except QueryError as exc:
        assert "parameter text" in str(exc)
        return
    algebra = _algebra(text)
    assert _bound_values(algebra, "text") == [[Literal(value)]]
    assert _shape(algebra) == _shape(_algebra(typed.text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_refused_or_names_an_outcome(value: str) -> None:
    outcome = "https://w3id.org/peerkg/vocab/outcome/"
    try:
        text = bind(get("evidence-for-outcome"), {"outcome": value})
    except QueryError as exc:
        assert "parameter outcome" in str(exc)
        return
    [[term]] = _bound_values(_algebra(text), "outcome")
    assert str(term).startswith(outcome)


# -- the command line -------------------------------------------------------------------------------------

def test_the_cli_refuses_a_hostile_parameter_with_exit_code_2(built: Any, capsys: pytest.CaptureFixture[str],
                                                              untouched: Any) -> None:
    from peerkg.cli import main

    code = main(["query", "evidence-for-outcome", "--store", str(built.store), "--param",
                 'outcome=hope" } ; DROP ALL ; #'])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "parameter outcome" in captured.err and "not a concept" in captured.err
    assert main(["query", "counts", "--store", str(built.store), "--param", "nokeyvalue"]) == 2
    assert "KEY=VALUE" in capsys.readouterr().err


@pytest.mark.parametrize("update", ["DROP ALL", "CLEAR DEFAULT",
                                    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                    "DELETE WHERE { ?s ?p ?o }"])
def test_peerkg_sparql_runs_no_update(update: str, built: Any, tmp_path: Path, untouched: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    file = tmp_path / "update.rq"
    file.write_text(update, "utf-8")
    assert main(["sparql", str(file), "--store", str(built.store)]) == 2
    assert "does not parse" in capsys.readouterr().err
