"""Every shipped query, over the real queries/ folder: it parses, uses only declared terms, runs on the built
graph and gives the answer kept beside it in queries/expected/ (values taken from the source text by hand)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from rdflib import OWL, RDF, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from peerkg.namespaces import entity_base

QUERIES = REPO / "queries"
EXPECTED = QUERIES / "expected"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))
QC_FILES = sorted((QUERIES / "qc").glob("*.rq"))
EXPECTED_FILES = sorted(EXPECTED.glob("*.csv"))
# W3C vocabularies whose terms are built in; every other IRI a query names must be declared in ontology/.
BUILT_IN = (str(RDF), "http://www.w3.org/2000/01/rdf-schema#", str(OWL), str(XSD), str(SH))


# -- expected results files -------------------------------------------------------------------------------

@dataclass
class Expected:
    """queries/expected/NAME[.VARIANT].csv: `# param: KEY=VALUE` lines, other `#` lines are notes."""

    path: Path
    name: str
    params: dict[str, str] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def read_expected(path: Path) -> Expected:
    expected = Expected(path, path.name.split(".")[0])
    lines = path.read_text("utf-8").splitlines()
    body = []
    for line in lines:
        if line.startswith("#"):
            match = re.match(r"#\s*param:\s*(\w+)=(.*)$", line)
            if match:
                expected.params[match.group(1)] = match.group(2).strip()
        else:
            body.append(line)
    table = list(csv.reader(body))
    expected.header, expected.rows = table[0], table[1:]
    return expected


def same_cell(expected: str, actual: str) -> bool:
    """Equal text, or equal numbers (-0.10 == -0.1); `*` stands for any value (free text of the curators)."""
    if expected in ("*", actual):
        return True
    try:
        return Decimal(expected) == Decimal(actual)
    except InvalidOperation:
        return False


def differences(expected: Expected, header: list[str], rows: list[list[str]]) -> list[str]:
    problems = []
    if header != expected.header:
        return [f"columns {header} != expected {expected.header}"]
    for n, (want, got) in enumerate(zip(expected.rows, rows, strict=False), 1):
        bad = [f"{col}: expected {w!r}, got {g!r}" for col, w, g in zip(header, want, got, strict=True)
               if not same_cell(w, g)]
        if bad:
            problems.append(f"row {n} ({', '.join(got[:2])}): " + "; ".join(bad))
    if len(rows) != len(expected.rows):
        problems.append(f"{len(rows)} rows, expected {len(expected.rows)}")
        extra = rows[len(expected.rows):] or expected.rows[len(rows):]
        problems += [f"  unmatched: {r}" for r in extra[:5]]
    return problems


# -- the query files ------------------------------------------------------------------------------------------

def test_the_queries_folder_is_not_empty() -> None:
    assert len(QUERY_FILES) >= 8
    assert QC_FILES


@pytest.mark.parametrize("path", QUERY_FILES + QC_FILES, ids=lambda p: p.name)
def test_every_query_file_has_a_header_and_parses(path: Path) -> None:
    from rdflib.plugins.sparql import prepareQuery

    from peerkg.queries.catalogue import parse_query_file

    query = parse_query_file(path, None if path.parent == QUERIES else "qc/" + path.stem)
    assert query.summary
    prepareQuery(query.text)


@pytest.fixture(scope="session")
def declared_terms() -> set[str]:
    graph = Graph()
    for file in [REPO / "ontology" / "peerkg.ttl", *sorted((REPO / "ontology").glob("*/*.ttl"))]:
        graph.parse(file)
    return {str(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}


def _iris(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, URIRef):
            found.add(str(item))
        elif isinstance(item, Literal):
            continue
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "__dict__") and hasattr(item, "p"):  # rdflib Path objects
            stack.extend(vars(item).values())
    return found


@pytest.mark.parametrize("path", QUERY_FILES + QC_FILES, ids=lambda p: p.name)
def test_every_iri_a_query_uses_is_declared_in_the_ontology(path: Path, declared_terms: set[str]) -> None:
    from rdflib.plugins.sparql import prepareQuery

    used = _iris(prepareQuery(path.read_text("utf-8")).algebra)
    # an entry's IRI (the default of an `entry` parameter, e.g. umbrella=cooper-2024) is data, not a term
    undeclared = sorted(i for i in used if not i.startswith(BUILT_IN) and i not in declared_terms
                        and str(XSD) not in i and not i.startswith(entity_base()))
    assert not undeclared, f"not declared in ontology/: {undeclared}"
    assert used, "the query names no term at all"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_parameter_defaults_fit_their_type_and_the_values_block(path: Path) -> None:
    from peerkg.queries.catalogue import parse_query_file
    from peerkg.queries.params import _bound_values, bind_value
    from peerkg.queries.params import algebra as _algebra

    query = parse_query_file(path)
    for param in query.params.values():
        assert param.description, f"parameter {param.name} has no description"
        # an optional parameter (default UNDEF) leaves its variable unbound; a repeated block gives the same value
        default = None if param.optional else bind_value(param, param.default)
        blocks = [[None if value == "UNDEF" else value for value in block]  # rdflib keeps UNDEF as its keyword
                  for block in _bound_values(_algebra(query.text), param.name)]
        assert blocks and all(block == [default] for block in blocks), blocks


def test_every_stored_query_has_an_expected_results_file() -> None:
    from peerkg.queries.catalogue import stored_queries

    covered = {read_expected(p).name for p in EXPECTED_FILES}
    assert set(stored_queries()) - covered == set()
    assert covered - set(stored_queries()) == set(), "an expected file names no stored query"


def test_the_catalogue_holds_every_stored_query() -> None:
    from peerkg.queries.catalogue import catalogue_graph, stored_queries

    graph = catalogue_graph()
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert executables == {q.iri for q in stored_queries().values()}
    for query in stored_queries().values():
        assert str(graph.value(query.iri, SH.select)) == query.text


# -- results on the built graph ----------------------------------------------------------------------------

def _text_rows(result: Any) -> tuple[list[str], list[list[str]]]:
    return result.variables, result.texts()


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_stored_query_gives_the_expected_results(path: Path, store: Any) -> None:
    from peerkg.queries.run import query

    expected = read_expected(path)
    header, rows = _text_rows(query(expected.name, expected.params, store=store))
    problems = differences(expected, header, rows)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.name)
def test_qc_query_finds_no_violation_in_the_curated_graph(path: Path, store: Any) -> None:
    from peerkg.queries.run import sparql

    result = sparql(path.read_text("utf-8"), store=store)
    assert result.variables[:3] == ["entity", "property", "value"]
    assert result.texts() == []


@pytest.fixture(scope="session")
def rdflib_dataset(built: Any) -> Dataset:
    dataset = Dataset(default_union=True)
    dataset.parse(built.release / "peerkg.trig", format="trig")
    return dataset


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_the_query_gives_the_same_rows_on_rdflib(path: Path, store: Any, rdflib_dataset: Dataset) -> None:
    """Plain SPARQL 1.1: rdflib, an independent engine, gives the same answer as pyoxigraph."""
    from peerkg.queries.run import sparql

    text = path.read_text("utf-8")
    oxigraph = sparql(text, store=store)
    answer = rdflib_dataset.query(text)
    variables = [str(v) for v in answer.vars or []]
    rows = [["" if row[v] is None else str(row[v]) for v in variables] for row in answer]  # type: ignore[index]
    reference = Expected(path, path.stem, header=oxigraph.variables, rows=oxigraph.texts())
    assert not differences(reference, variables, rows)


@pytest.mark.parametrize("outcome", ["clinical", "symptom-severity"])
def test_tied_rows_come_in_the_same_order_on_rdflib(outcome: str, store: Any, rdflib_dataset: Dataset) -> None:
    """For these outcomes, evidence-for-outcome has findings that tie on every shown sort key (one review, one
    outcome, one time point, two populations): the ORDER BY ends with the finding, so rdflib, which ordered
    the tied rows otherwise, gives the order pyoxigraph gives."""
    from peerkg.queries.catalogue import get
    from peerkg.queries.params import bind
    from peerkg.queries.run import sparql

    text = bind(get("evidence-for-outcome"), {"outcome": outcome})
    oxigraph = sparql(text, store=store)
    answer = rdflib_dataset.query(text)
    variables = [str(v) for v in answer.vars or []]
    rows = [["" if row[v] is None else str(row[v]) for v in variables] for row in answer]  # type: ignore[index]
    sort_keys = ("synthesis", "direction", "format", "refs", "finding_outcome", "timepoint")
    keys = [tuple(row[k] for k in sort_keys) for row in oxigraph.records()]
    assert len(set(keys)) < len(keys), "no tied rows left: the test no longer shows the tie-breaking"
    reference = Expected(Path(outcome), outcome, header=oxigraph.variables, rows=oxigraph.texts())
    assert not differences(reference, variables, rows)


# -- the claims query, on a graph small enough to check by hand --------------------------------------------

CLAIMS_FIXTURE = """
@prefix pk: <https://w3id.org/peerkg/> .
@prefix fmt: <https://w3id.org/peerkg/vocab/format/> .
@prefix pop: <https://w3id.org/peerkg/vocab/population/> .
@prefix outcome: <https://w3id.org/peerkg/vocab/outcome/> .
@prefix dir: <https://w3id.org/peerkg/vocab/direction/> .
@prefix synth: <https://w3id.org/peerkg/vocab/synthesis/> .
@prefix stat: <https://w3id.org/peerkg/vocab/statistic/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix x: <https://example.org/> .
@prefix c: <https://example.org/claim/> .
@prefix pkid: <https://w3id.org/peerkg/id/> .

stat:count skos:prefLabel "count"@en . stat:percent skos:prefLabel "percent"@en .
# a: group alone, SMI, GRADE; one finding: hope, meta-analysis, improvement
x:a a pk:Review ; pk:reportedIn x:a1 ; pk:population pop:serious-mental-illness ; pk:usedGRADE true ;
    pk:intervention x:ai ; pk:hasFinding x:af .
x:ai pk:format fmt:group .
x:af pk:outcome outcome:hope ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement .
# b: group and individual, two papers; hope meta-analysis no effect, and a narrative improvement
x:b a pk:Review ; pk:reportedIn x:b1 , x:b2 ; pk:population pop:perinatal ; pk:usedGRADE false ;
    pk:intervention x:bi ; pk:hasFinding x:bf1 , x:bf2 .
x:bi pk:format fmt:group , fmt:individual .
x:bf1 pk:outcome outcome:hope ; pk:synthesis synth:meta-analysis ; pk:direction dir:no-effect .
x:bf2 pk:outcome outcome:hope ; pk:synthesis synth:narrative ; pk:direction dir:improvement .
# c: no format reported, no findings
x:c a pk:Review ; pk:reportedIn x:c1 ; pk:population pop:serious-mental-illness , pop:perinatal .

# the umbrella review includes a, b and c; d, a review added to the graph, meets every criterion but is not included
x:ia pk:umbrellaReview pkid:u ; pk:includedReview x:a . x:ib pk:umbrellaReview pkid:u ; pk:includedReview x:b .
x:ic pk:umbrellaReview pkid:u ; pk:includedReview x:c .
x:d a pk:Review ; pk:reportedIn x:d1 ; pk:population pop:serious-mental-illness , pop:perinatal ; pk:usedGRADE true ;
    pk:intervention x:di ; pk:hasFinding x:df .
x:di pk:format fmt:group .
x:df pk:outcome outcome:hope ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement .

pkid:u a pk:UmbrellaReview ;
  pk:hasClaim c:all , c:smi , c:group-alone , c:group , c:grade , c:percent ,
              c:papers , c:together , c:apart , c:unknown , c:either .
c:all a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 3.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" .
c:smi a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 2.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:population ; pk:requiredValue pop:serious-mental-illness ] .
c:group-alone a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 2.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:format ; pk:requiredValue fmt:group ; pk:exclusive true ] .
c:group a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 2.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:format ; pk:requiredValue fmt:group ] .
c:grade a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 1.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:usedGRADE ; pk:requiredLiteral true ] .
c:percent a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 67.0 ; pk:statistic stat:percent ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:population ; pk:requiredValue pop:serious-mental-illness ] .
c:papers a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 2.0 ; pk:statistic stat:count ; pk:countsRecords "papers" ;
  pk:reviewCriterion [ pk:onField pk:population ; pk:requiredValue pop:perinatal ] .
# one finding must meet both: b has a meta-analysis (no effect) and an improvement (narrative), not both at once
c:together a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 1.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:findingCriterion [ pk:onField pk:synthesis ; pk:requiredValue synth:meta-analysis ] ,
                      [ pk:onField pk:direction ; pk:requiredValue dir:improvement ] .
c:apart a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 2.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:findingCriterion [ pk:onField pk:outcome ; pk:requiredValue outcome:hope ] .
c:unknown a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 5.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:notReported pk:reviewCriterion .
c:either a pk:NumericalClaim ;
  pk:statement "s" ; pk:statedValue 3.0 ; pk:statistic stat:count ; pk:countsRecords "reviews" ;
  pk:reviewCriterion [ pk:onField pk:population ; pk:requiredValue pop:serious-mental-illness , pop:perinatal ] .
"""


def test_the_claims_query_applies_criteria_as_documented() -> None:
    import pyoxigraph as ox

    from peerkg.queries.run import query

    store = ox.Store()
    store.load(CLAIMS_FIXTURE.encode(), format=ox.RdfFormat.TURTLE)
    rows = {r["claim"]: (r["graph_value"], r["agrees"])
            for r in query("claims", {"umbrella": "u"}, store=store).records()}
    assert rows == {
        "all": (3, True),                  # every review, no criterion
        "smi": (2, True),                  # a and c
        "group-alone": (1, False),         # a only: b also has individual, c has no format
        "group": (2, True),                # a and b
        "grade": (1, True),                # the literal true: a
        "percent": (67, True),             # round(100 × 2 / 3)
        "papers": (3, False),              # the papers of b (2) and c (1)
        "together": (1, True),             # a; b's meta-analysis and its improvement are different findings
        "apart": (2, True),                # a and b report hope
        "unknown": (None, None),           # nothing to re-derive from
        "either": (3, True),               # any one of several required values
    }


# -- each QC query finds the fault it names (on a small faulty graph) ----------------------------------------

QC_PREFIXES = """@prefix pk: <https://w3id.org/peerkg/> . @prefix x: <https://example.org/> .
@prefix pkid: <https://w3id.org/peerkg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix tp: <https://w3id.org/peerkg/vocab/timepoint/> .
"""
QC_FAULTS = {
    # a review in no paper; Cooper's inclusion of a review without a reference number (a review no umbrella
    # review includes, and another umbrella's inclusion without numbers, are fine)
    "review-without-paper-violation.rq": "x:bad a pk:Review . x:good a pk:Review ; pk:reportedIn x:p . "
                                         "x:bad-inclusion pk:umbrellaReview pkid:cooper-2024 ; "
                                         "pk:includedReview x:good . "
                                         "x:good-inclusion pk:umbrellaReview x:other ; pk:includedReview x:good .",
    "duplicate-reference-number-violation.rq": "x:bad pk:umbrellaReview x:u ; pk:referenceNumber 7 . "
                                               "x:bad-twin pk:umbrellaReview x:u ; pk:referenceNumber 7 . "
                                               "x:good pk:umbrellaReview x:u ; pk:referenceNumber 8 . "
                                               "x:good-elsewhere pk:umbrellaReview x:v ; pk:referenceNumber 7 .",
    "node-without-source-violation.rq": "x:bad a pk:Finding . "
                                        "x:good a pk:Finding ; prov:wasDerivedFrom [ prov:value \"q\" ] .",
    "value-outside-vocabulary-violation.rq": "pk:population rdfs:range skos:Concept . x:bad pk:population x:nowhere .",
    "reported-and-not-reported-violation.rq": "x:bad pk:notReported pk:usedGRADE ; pk:usedGRADE true .",
    "estimate-outside-interval-violation.rq": "x:bad pk:estimate 0.5 ; pk:ciLower 0.1 ; pk:ciUpper 0.3 . "
                                              "x:good pk:estimate -0.1 ; pk:ciLower -0.24 ; pk:ciUpper 0.03 .",
    "heterogeneity-out-of-range-violation.rq": "x:bad pk:iSquared 140 . x:good pk:iSquared 0 .",
    "follow-up-window-violation.rq": "x:bad pk:followUpWindow \"6 months\" ; pk:timepoint tp:post-intervention . "
                                     "x:good pk:followUpWindow \"6 months\" ; pk:timepoint tp:follow-up .",
    # the reviews an umbrella review includes count, not every review of the graph
    "stated-count-violation.rq": "x:bad a pk:UmbrellaReview ; pk:reviewsIncluded 2 ; pk:papersIncluded 1 . "
                                 "x:i pk:umbrellaReview x:bad ; pk:includedReview x:r . "
                                 "x:r a pk:Review ; pk:reportedIn x:p . "
                                 "x:good a pk:UmbrellaReview ; pk:reviewsIncluded 1 ; pk:papersIncluded 1 . "
                                 "x:j pk:umbrellaReview x:good ; pk:includedReview x:r . "
                                 "x:added a pk:Review ; pk:reportedIn x:q .",
    "supported-by-non-review-violation.rq": "x:bad pk:supportedBy x:nothing . "
                                            "x:good pk:supportedBy x:r . x:r a pk:Review .",
    "criterion-without-value-violation.rq": "x:bad a pk:ClaimCriterion ; pk:onField pk:population . "
                                            "x:good a pk:ClaimCriterion ; pk:onField pk:usedGRADE ; "
                                            "pk:requiredLiteral true .",
}


def test_every_qc_query_has_a_faulty_example() -> None:
    assert sorted(QC_FAULTS) == [p.name for p in QC_FILES]


@pytest.mark.parametrize("name", sorted(QC_FAULTS))
def test_qc_query_finds_the_fault_it_names(name: str) -> None:
    import pyoxigraph as ox

    from peerkg.queries.run import sparql

    store = ox.Store()
    store.load((QC_PREFIXES + QC_FAULTS[name]).encode(), format=ox.RdfFormat.TURTLE)
    result = sparql((QUERIES / "qc" / name).read_text("utf-8"), store=store)
    found = {row["entity"] for row in result.records()}
    assert "https://example.org/bad" in found
    assert all(entity.startswith("https://example.org/bad") for entity in found), found


# -- the Python API, the output formats and the command line -----------------------------------------------

def test_rows_are_plain_python_data(store: Any) -> None:
    from peerkg.queries.run import rows

    counts = {r["measure"]: r["value"] for r in rows("counts", store=store)}
    assert counts["reviews"] == 35 and type(counts["reviews"]) is int
    [lloyd_evans] = [r for r in rows("findings", store=store)
                     if r["refs"] == "22" and r["outcome"] == "recovery" and r["estimate"] is not None]
    assert lloyd_evans["estimate"] == Decimal("-0.24") and lloyd_evans["k"] == 4
    assert lloyd_evans["variant"] is None


def test_a_dataframe_holds_the_same_rows(store: Any) -> None:
    import pandas

    from peerkg.queries.run import dataframe, rows

    frame = dataframe("reviews", store=store)
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == read_expected(EXPECTED / "reviews.csv").header
    cells = frame.astype(object).where(frame.notna(), None)  # pandas shows a missing number as NaN
    assert cells.to_dict("records") == rows("reviews", store=store)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "sparql-json", "markdown", "table"])
def test_every_format_writes_every_row(fmt: str, store: Any) -> None:
    import io
    import json

    from peerkg.queries.results import format_result
    from peerkg.queries.run import _from_json, query

    result = query("findings", store=store)
    text = format_result(result, fmt)
    if fmt in ("csv", "tsv"):
        table = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
        assert table == [result.variables, *result.texts()]
    elif fmt == "json":
        assert len(json.loads(text)) == len(result.rows)
        assert json.loads(text)[0] == {k: (float(v) if isinstance(v, Decimal) else v)
                                       for k, v in result.records()[0].items()}
    elif fmt == "sparql-json":
        document = json.loads(text)
        assert document["head"]["vars"] == result.variables
        assert [{v: _from_json(b[v]) if v in b else None for v in result.variables}
                for b in document["results"]["bindings"]] == result.rows
    elif fmt == "markdown":
        assert len(text.splitlines()) == len(result.rows) + 2
    else:
        assert text.splitlines()[-1] == f"({len(result.rows)} rows)"


def test_peerkg_query_findings_prints_the_findings_table_as_csv(built: Any,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["query", "findings", "--format", "csv", "--store", str(built.store)]) == 0
    table = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert not differences(read_expected(EXPECTED / "findings.csv"), table[0], table[1:])


def test_peerkg_queries_lists_every_stored_query(capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main
    from peerkg.queries.catalogue import qc_queries, stored_queries

    assert main(["queries", "--format", "csv"]) == 0
    listed = [row[0] for row in csv.reader(capsys.readouterr().out.splitlines()[1:])]
    assert listed == list(stored_queries())
    assert main(["queries", "--all", "--format", "csv"]) == 0
    listed = [row[0] for row in csv.reader(capsys.readouterr().out.splitlines()[1:])]
    assert listed == [*stored_queries(), *qc_queries()]


def test_peerkg_sparql_reads_a_file_or_stdin(built: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from peerkg.cli import main

    ask = "PREFIX pk: <https://w3id.org/peerkg/> ASK { ?review a pk:Review }"
    monkeypatch.setattr("sys.stdin", io.StringIO(ask))
    assert main(["sparql", "-", "--store", str(built.store)]) == 0
    assert capsys.readouterr().out == "true\n"
    file = tmp_path / "papers.rq"
    file.write_text("PREFIX pk: <https://w3id.org/peerkg/>\n"
                    "CONSTRUCT { ?paper pk:referenceNumber ?n } WHERE { ?paper pk:referenceNumber ?n }", "utf-8")
    assert main(["sparql", str(file), "--store", str(built.store)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 36
    assert main(["sparql", str(tmp_path / "missing.rq"), "--store", str(built.store)]) == 2
    assert "cannot read the query" in capsys.readouterr().err


def test_clear_errors_for_a_wrong_name_or_a_missing_store(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["query", "finding"]) == 2
    assert "no stored query named 'finding' (did you mean 'findings'?)" in capsys.readouterr().err
    assert main(["query", "counts", "--store", str(tmp_path / "nothing")]) == 2
    assert "run `peerkg build` first" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["queries", "query", "sparql"])
def test_help_of_the_query_commands(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--format" in capsys.readouterr().out
