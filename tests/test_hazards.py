"""Real-world input hazards (issue 12): the values a review team types, pastes and exports arrive intact in every
format, or are refused with a hint that is true. The refused kinds are cases of tests/invalid/ (rule, field,
line, exit); here: the hints, the values stored, the warnings, the template, and one number through five formats."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import REPO, Built
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from peerkg.cli import main
from peerkg.commands.template import entry_rows, workbook_bytes, write_csv_folder, write_template
from peerkg.errors import InputError
from peerkg.graph.store import add_nquads, memory_store, to_nquads
from peerkg.loaders import read_entries, yaml12
from peerkg.loaders.lexical import lexical_problem
from peerkg.namespaces import entry_graph_name, expand

BASE = REPO / "tests" / "valid" / "new-review.yaml"
INVALID = REPO / "tests" / "invalid"
VALID = REPO / "tests" / "valid"
EFFECT = "https://w3id.org/peerkg/id/new-2023/finding/1/effect"


@pytest.fixture(autouse=True)
def _the_built_graph(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are validated against the built graph (read-only): it holds the umbrella review their inclusion
    names and the documents their quotes name."""
    monkeypatch.setenv("PEERKG_STORE", str(built.store))


def issues(capsys: pytest.CaptureFixture[str], *files: Path) -> list[dict[str, Any]]:
    main(["validate", *map(str, files), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return list(json.loads(out)["issues"])


def variant(tmp_path: Path, old: str, new: str, name: str = "new-2023.yaml") -> Path:
    text = BASE.read_text("utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), "utf-8")
    shutil.copy(BASE.parent / "new-review-report.txt", tmp_path)  # the text copy of its document
    return path


def stored(path: Path) -> Graph:
    """The entry of `path` as read by the loader door (no problem allowed)."""
    loaded = read_entries([path])
    assert not loaded.problems, loaded.problems
    entry, = loaded.entries
    return entry.graph


# -- hints that are true -----------------------------------------------------------------------------------

def test_a_unicode_minus_in_turtle_is_named_before_the_shapes_run(capsys: pytest.CaptureFixture[str]) -> None:
    found = issues(capsys, INVALID / "turtle-unicode-minus.ttl")
    issue, = found  # the CI checks of pySHACL never see the ill-typed estimate
    assert issue["message"] == "'\u22120.29' is not an xsd:decimal"
    assert issue["hint"].startswith("it uses U+2212 MINUS SIGN") and "type a hyphen-minus (-)" in issue["hint"]


def test_a_pasted_minus_in_yaml_is_named_not_told_to_use_a_minus_sign(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, "estimate: 0.29", 'estimate: "\u22120.29"')
    issue, = [i for i in issues(capsys, path) if i["rule"] == "wrong-datatype"]
    assert "U+2212 MINUS SIGN" in issue["hint"] and "use a minus sign" not in issue["hint"]


def test_a_p_value_bound_points_to_p_below(capsys: pytest.CaptureFixture[str]) -> None:
    issue, = issues(capsys, INVALID / "p-bound-as-p.yaml")
    assert issue["hint"] == "a bound is not a p-value: write p_below: 0.001 instead of p"


def test_an_exponent_is_a_number_in_yaml_as_in_csv(tmp_path: Path) -> None:
    path = variant(tmp_path, "p: 0.0009", "p: 9e-4")
    assert stored(path).value(URIRef(EFFECT), expand("pk:pValue")) == Literal("0.0009", datatype=XSD.decimal)


def test_yaml_1_1_and_1_2_readings_that_differ_name_both(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    issue, = issues(capsys, INVALID / "yaml-leading-zero.yaml")
    assert issue["message"] == "012 reads as 10 in YAML 1.1 and as 12 in YAML 1.2"
    assert issue["hint"].startswith("write 12")
    issue, = issues(capsys, variant(tmp_path, "grade: false", "grade: no"))
    assert issue["rule"] == "ambiguous-yaml" and issue["hint"].startswith("write false")
    # a leading zero that YAML 1.1 cannot read as octal reads as the decimal number, as in a CSV cell
    graph = stored(variant(tmp_path, "n_studies: 6", "n_studies: 08"))
    assert graph.value(URIRef("https://w3id.org/peerkg/id/new-2023"), expand("pk:numberOfStudies")) \
        == Literal("8", datatype=XSD.nonNegativeInteger)


def test_the_datatype_hint_never_names_the_same_datatype_twice() -> None:
    # as written (rdflib's parsers normalise what Python can read, e.g. "4.8E-1" to "0.48")
    literal = Literal("4.8E-1", datatype=XSD.decimal, normalize=False)
    message, hint = lexical_problem(literal) or ("", "")
    assert message == "'4.8E-1' is not an xsd:decimal" and "no exponent" in hint
    assert lexical_problem(Literal("12.0", datatype=XSD.nonNegativeInteger, normalize=False)) \
        == ("'12.0' is not an xsd:nonNegativeInteger", "a whole number has no decimal point")
    assert lexical_problem(Literal("-0.29", datatype=XSD.decimal)) is None


def test_a_log_odds_ratio_gets_the_ratio_it_would_be(capsys: pytest.CaptureFixture[str]) -> None:
    issue, = issues(capsys, INVALID / "log-odds-ratio.yaml")
    # exp(-0.42) = 0.657, exp(-0.71) = 0.492, exp(-0.13) = 0.878
    assert issue["hint"] == "this looks like a log odds ratio (OR 0.66, 95% CI 0.49 to 0.88); record the ratio " \
                            "or use measure log-or"


def test_an_invisible_character_in_a_vocabulary_slug_is_named(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, "populations: [serious-mental-illness]", 'populations: ["serious\u00admental-illness"]')
    issue, = issues(capsys, path)
    assert issue["rule"] == "Review-population" and "U+00AD SOFT HYPHEN" in issue["hint"]


# -- plausibility warnings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "rule"), [
    ("estimate: 0.29, ci_lower: 0.12, ci_upper: 0.46", "estimate: 3.4, ci_lower: 3.1, ci_upper: 3.7",
     "EffectEstimate-smd-plausible"),
    ("i2: 48", "i2: 0.48", "EffectEstimate-iSquared-not-a-fraction"),
    ("p: 0.0009", "p: 0.21", "EffectEstimate-ci-agrees-with-p"),
    ("ci_lower: 0.12", "ci_lower: -0.12", "EffectEstimate-ci-agrees-with-p"),
    ("    k: 6", "    k: 7", "Finding-k-within-review"),
])
def test_suspicious_values_are_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str,
                                        rule: str) -> None:
    found = issues(capsys, variant(tmp_path, old, new))
    assert [(i["rule"], i["severity"]) for i in found] == [(rule, "warning")]


# -- workbook cells and CSV text ------------------------------------------------------------------------------

def test_a_percent_cell_of_i2_is_read_as_the_percent_excel_shows() -> None:
    graph = stored(VALID / "xlsx-percent-i2.xlsx")  # the cell holds 0.48, formatted 0%
    i2 = graph.value(URIRef(EFFECT), expand("pk:iSquared"))
    assert isinstance(i2, Literal) and i2.datatype == XSD.decimal and Decimal(str(i2)) == 48


def test_a_formula_is_read_as_its_computed_value() -> None:
    graph = stored(VALID / "xlsx-formula-citation.xlsx")  # =G2&". "&E2&";4:1–12." with its saved value
    paper = URIRef("https://w3id.org/peerkg/id/new-2023/paper/1")
    assert str(graph.value(paper, expand("dcterms:bibliographicCitation"))) == "Test J. 2023;4:1–12."


@pytest.mark.parametrize("text", ["mixed results\nfor hope [98]", "mixed results\r\nfor hope [98]",
                                  "mixed results\u2028for hope [98]"])
def test_a_quoted_csv_cell_keeps_its_line_break(tmp_path: Path, text: str) -> None:
    rows = entry_rows(BASE)
    source, = [r for r in rows["sources"] if r.get("quote") == "mixed results for hope [98]"]
    source["quote"] = text
    write_csv_folder(tmp_path / "csv", rows)
    (tmp_path / "book.xlsx").write_bytes(workbook_bytes(rows))
    # the same quote written in a YAML entry (a double-quoted scalar with escapes), and the Turtle and JSON-LD
    # forms of that entry as `peerkg export-entry` writes them
    escaped = json.dumps(text.replace("\r\n", "\n"))
    yaml_file = variant(tmp_path, '"mixed results for hope [98]"', escaped)
    turtle, jsonld = tmp_path / "new-2023.ttl", tmp_path / "new-2023.jsonld"
    from peerkg.commands.export import export_entry

    turtle.write_text(export_entry(yaml_file, "ttl"), "utf-8")
    jsonld.write_text(export_entry(yaml_file, "jsonld"), "utf-8")
    for path in (tmp_path / "csv", tmp_path / "book.xlsx", yaml_file, turtle, jsonld):
        graph = stored(path)
        # a CR LF is one line break, "\n", as XML (the .xlsx cell) and YAML have it
        assert Literal(text.replace("\r\n", "\n")) in set(graph.objects(None, expand("prov:value"))), path


def test_the_template_formats_text_columns_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    papers, findings = book["papers"], book["findings"]
    formats = {ws.cell(row=1, column=c).value: ws.column_dimensions[ws.cell(row=1, column=c).column_letter]
               .number_format for ws in (papers, findings) for c in range(1, ws.max_column + 1)}
    assert formats["citation"] == "@" and formats["outcome_as_reported"] == "@" and formats["follow_up"] == "@"
    assert formats["year"] == "0" and formats["k"] == "0" and formats["effect.i2"] == "General"


def test_the_template_never_overwrites_a_workbook_unasked(tmp_path: Path) -> None:
    book = tmp_path / "review.xlsx"
    book.write_bytes(b"a filled workbook")
    with pytest.raises(InputError) as refused:
        write_template(book)
    assert refused.value.problems[0].rule == "exists"
    assert book.read_bytes() == b"a filled workbook"
    write_template(book, force=True)
    assert book.read_bytes()[:2] == b"PK"
    with pytest.raises(InputError) as refused:
        write_template(tmp_path / "review.xls")
    assert refused.value.problems[0].rule == "file-type" and not (tmp_path / "review.xls").exists()


# -- one number, five formats ----------------------------------------------------------------------------------

INTEGER_FIELDS = {"n_studies": "xsd:nonNegativeInteger", "n_participants": "xsd:nonNegativeInteger",
                  "year": "xsd:integer", "k": "xsd:nonNegativeInteger",
                  "n": "xsd:nonNegativeInteger", "df": "xsd:nonNegativeInteger"}
DECIMAL_FIELDS = ("estimate", "ci_lower", "ci_upper", "p", "z", "i2", "tau2", "chi2")
# 15 significant digits: what a spreadsheet keeps of a number (and what a binary double gives back exactly)
decimals = st.builds(lambda digits, exponent: Decimal(digits).scaleb(exponent),
                     st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-8, 2))


def _entry_data(numbers: dict[str, Any]) -> dict[str, Any]:
    data = yaml12.load(BASE.read_text("utf-8"))
    data.pop("included_in")  # the umbrella's reference numbers are not among the numbers compared here
    paper, finding = data["papers"][0], data["findings"][0]
    for name, value in numbers.items():
        holder = data if name in ("n_studies", "n_participants") else paper if name == "year" \
            else finding if name in ("k", "n") else finding["effect"]
        holder[name] = value
    return data


def _rdf_forms(tmp_path: Path, yaml_file: Path, numbers: dict[str, Any]) -> tuple[Path, Path]:
    """The entry as Turtle and JSON-LD, each number written as its text with its datatype."""
    graph = stored(yaml_file)
    written = Graph()
    for s, p, o in graph:
        if not (isinstance(o, Literal) and o.datatype is not None and o.datatype != XSD.string
                and o.datatype != XSD.boolean):
            written.add((s, p, o))
    spec = {"n_studies": ("", "pk:numberOfStudies"), "n_participants": ("", "pk:numberOfParticipants"),
            "year": ("/paper/1", "pk:publicationYear"),
            "k": ("/finding/1", "pk:numberOfStudies"), "n": ("/finding/1", "pk:numberOfParticipants"),
            "estimate": ("/finding/1/effect", "pk:estimate"), "ci_lower": ("/finding/1/effect", "pk:ciLower"),
            "ci_upper": ("/finding/1/effect", "pk:ciUpper"), "p": ("/finding/1/effect", "pk:pValue"),
            "z": ("/finding/1/effect", "pk:zStatistic"), "i2": ("/finding/1/effect", "pk:iSquared"),
            "tau2": ("/finding/1/effect", "pk:tauSquared"), "chi2": ("/finding/1/effect", "pk:chiSquared"),
            "df": ("/finding/1/effect", "pk:degreesOfFreedom")}
    for s, p, o in graph:  # booleans stay as they are
        if isinstance(o, Literal) and o.datatype == XSD.boolean:
            written.add((s, p, o))
    turtle = written.serialize(format="turtle")
    document = json.loads(written.serialize(format="json-ld"))
    nodes = {n["@id"]: n for n in document}
    for name, value in numbers.items():
        node, prop = spec[name]
        subject = "https://w3id.org/peerkg/id/new-2023" + node
        datatype = expand(INTEGER_FIELDS.get(name, "xsd:decimal"))
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        turtle += f'<{subject}> <{expand(prop)}> "{text}"^^<{datatype}> .\n'
        nodes[subject].setdefault(str(expand(prop)), []).append({"@value": text, "@type": str(datatype)})
    ttl, jsonld = tmp_path / "new-2023.ttl", tmp_path / "new-2023.jsonld"
    ttl.write_text(turtle, "utf-8")
    jsonld.write_text(json.dumps(document), "utf-8")
    return ttl, jsonld


def _store_literals(path: Path) -> set[tuple[str, str, str, str]]:
    """The numeric literals of the entry of `path` as the store holds them."""
    graph = stored(path)
    store = memory_store()
    add_nquads(store, to_nquads([(entry_graph_name("new-2023"), graph)]))
    return {(q.subject.value, q.predicate.value, q.object.value, q.object.datatype.value) for q in store
            if isinstance(q.object, ox.Literal) and q.object.datatype.value in
            {str(XSD.decimal), str(XSD.integer), str(XSD.nonNegativeInteger), str(XSD.positiveInteger)}}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.fixed_dictionaries({**{name: st.integers(1, 10**9) if INTEGER_FIELDS[name] == "xsd:positiveInteger"
                                 else st.integers(0, 10**9) for name in INTEGER_FIELDS},
                              **dict.fromkeys(DECIMAL_FIELDS, decimals)}))
def test_the_same_number_in_five_formats_is_the_same_literal(tmp_path_factory: pytest.TempPathFactory,
                                                             numbers: dict[str, Any]) -> None:
    tmp_path = tmp_path_factory.mktemp("five")
    data = _entry_data(numbers)
    yaml_file = tmp_path / "new-2023.yaml"
    yaml_file.write_text(yaml12.dump(data), "utf-8")
    rows = entry_rows(yaml_file)
    write_csv_folder(tmp_path / "csv", rows)
    (tmp_path / "book.xlsx").write_bytes(workbook_bytes(rows))
    ttl, jsonld = _rdf_forms(tmp_path, yaml_file, numbers)
    forms = [yaml_file, tmp_path / "csv", tmp_path / "book.xlsx", ttl, jsonld]
    literals = [_store_literals(path) for path in forms]
    assert len(literals[0]) == len(numbers)
    # the value typed, independently: the canonical form of its number
    for name, value in numbers.items():
        text = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
        assert any(lit[2] == text for lit in literals[0]), (name, value, literals[0])
    for path, found in zip(forms[1:], literals[1:], strict=True):
        assert found == literals[0], path


def test_the_csv_reader_keeps_the_comma_dialect(tmp_path: Path) -> None:
    """The CSV files written by the template are read with the csv module's own quoting (one check of the
    dialect, independent of peerkg: the standard reader gives the same cells)."""
    rows = entry_rows(BASE)
    write_csv_folder(tmp_path, rows)
    with (tmp_path / "papers.csv").open(encoding="utf-8", newline="") as handle:
        header, first = list(csv.reader(handle))[:2]
    assert dict(zip(header, first, strict=True))["citation"] == "Test J. 2023;4:1–12."


# -- hints that misled a new user (item 9) ------------------------------------------------------------------

def test_a_folder_of_yaml_entries_is_read_as_entries_not_as_a_workbook(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "entries"
    folder.mkdir()
    variant(folder, "id: new-2023", "id: new-2023", "new-2023.yaml")
    variant(folder, "id: new-2023", "id: other-2023", "other-2023.yaml")
    main(["validate", str(folder), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    # both entries read; only the shapes' cross-entry rule on their shared reference number 98 can fire
    assert report["entries"] == ["new-2023", "other-2023"]
    assert {i["rule"] for i in report["issues"]} <= {"Inclusion-referenceNumber-unique"}


def test_a_wrong_population_term_gives_one_problem_not_a_cascade(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, "populations: [serious-mental-illness]", "populations: [serious-mental-ilness]")
    found = issues(capsys, path)
    assert [(i["rule"], i["field"]) for i in found] == [("Review-population", "populations")]
    assert found[0]["hint"] == "did you mean 'serious-mental-illness'?"


def test_a_broken_entry_reports_loader_and_shape_problems_in_one_round(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = variant(tmp_path, "grade: false", "grade: maybe\ncolour: blue")
    path.write_text(path.read_text("utf-8").replace("n_studies: 6", "n_studies: -6"), "utf-8")
    assert {i["rule"] for i in issues(capsys, path)} == {"wrong-datatype", "unknown-field",
                                                          "Review-numberOfStudies"}
