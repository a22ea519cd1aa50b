"""`peerkg validate`, `peerkg add`, `peerkg template`: exit codes and report formats, all-or-nothing adds (also
when the process is killed during a large add), the extraction workbook and its round trip, the curator's flow
from a broken entry to an added one, and incremental validation agreeing with a full one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Built
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS

from peerkg.cli import main
from peerkg.commands.template import write_template
from peerkg.graph.store import open_store, sorted_nquads
from peerkg.loaders import load_entry, read_entries
from peerkg.loaders.workbook import layout
from peerkg.namespaces import entry_graph_name

VALID = REPO / "tests" / "valid" / "new-review.yaml"
INVALID = REPO / "tests" / "invalid"
DATA = REPO / "data"


@pytest.fixture
def store(built: Built, tmp_path: Path) -> Path:
    """A private copy of the built store, for a test that adds to it."""
    path = tmp_path / "store"
    shutil.copytree(built.store, path)
    return path


def dump(path: Path) -> str:
    store = open_store(path)
    text = sorted_nquads(store)
    del store
    return text


PK = "https://w3id.org/peerkg/"
PKID = PK + "id/"
CHANGES, CONCLUSIONS, OTHER = PK + "graph/changes", PK + "graph/conclusions", ""


def in_graphs(nquads: str) -> dict[str, list[str]]:
    """The lines of a dump in the change log's graph, in the conclusions' graph, and in any OTHER graph."""
    parts: dict[str, list[str]] = {CHANGES: [], CONCLUSIONS: [], OTHER: []}
    for line in nquads.splitlines():
        graph = next((g for g in (CHANGES, CONCLUSIONS) if line.endswith(f" <{g}> .")), OTHER)
        parts[graph].append(line)
    return parts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- validate -------------------------------------------------------------------------------------------

def test_a_conforming_entry_exits_0(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(VALID), "--store", str(built.store))
    assert code == 0 and err == ""
    assert out.strip() == "1 file, 1 entry: 0 problem(s) to fix, 0 warning(s): conforms"


def test_the_report_speaks_the_curators_language(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    file = INVALID / "ci-inverted.yaml"
    code, out, _ = run(capsys, "validate", str(file), "--store", str(built.store))
    assert code == 1
    line = next(ln for ln in out.splitlines() if "inverted" in ln)
    # the line of ci_lower in the file, found here independently of the loader
    number = next(n for n, text in enumerate(file.read_text("utf-8").splitlines(), 1) if "ci_lower: 0.46" in text)
    assert line.startswith(f"{file}:{number}, entry new-2023, field findings[1].effect.ci_lower: violation: ")
    assert line.endswith("[rule EffectEstimate-ci-lower-not-above-ci-upper]")


def test_json_and_ttl_give_the_same_results(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    file = str(INVALID / "ci-inverted.yaml")
    code, out, _ = run(capsys, "validate", file, "--store", str(built.store), "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["conforms"] is False and report["entries"] == ["new-2023"]
    code, out, _ = run(capsys, "validate", file, "--store", str(built.store), "--format", "ttl")
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    node = next(graph.subjects(None, SH.ValidationReport))
    assert str(graph.value(node, SH.conforms)) == "false"
    shapes = sorted(str(graph.value(r, SH.sourceShape)) for r in graph.objects(node, SH.result))
    assert shapes == sorted(i["shape"] for i in report["issues"])
    # 0.46 as the lower bound, 0.29 the estimate, 0.12 the upper bound: all three orderings are broken
    assert {s.rsplit("/", 1)[-1] for s in shapes} == {"EffectEstimate-ci-lower-not-above-ci-upper",
                                                        "EffectEstimate-ci-lower-not-above-estimate",
                                                        "EffectEstimate-estimate-not-above-ci-upper"}


def test_without_a_store_entries_are_checked_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PEERKG_STORE", str(tmp_path / "none"))
    code, out, err = run(capsys, "validate", str(VALID))
    assert code == 0 and "conforms" in out
    assert "checked alone" in err
    # alone, a link to a review of the graph cannot be resolved: the same shape that reports an unknown link
    code, out, _ = run(capsys, "validate", str(DATA / "cooper-2024.yaml"), "--no-store", "--format", "json")
    assert code == 1
    assert {i["rule"] for i in json.loads(out)["issues"]} == {"ImplementationFactor-supportedBy",
                                                               "ExperienceFinding-supportedBy"}


def test_a_store_named_but_missing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(VALID), "--store", str(tmp_path / "none"))
    assert code == 2 and out == "" and "no store at" in err


def test_a_batch_is_checked_together(built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two new entries with the same reference number, and one citing the other: checked as one batch."""
    other = tmp_path / "other-2024.yaml"
    other.write_text(VALID.read_text("utf-8").replace("id: new-2023", "id: other-2024")
                     .replace("id: new-2023-report", "id: other-2024-report"), "utf-8")
    shutil.copy(VALID.parent / "new-review-report.txt", tmp_path)  # its document's text copy, beside it
    code, out, _ = run(capsys, "validate", str(VALID), str(other), "--store", str(built.store), "--format", "json")
    issues = json.loads(out)["issues"]
    assert code == 1
    assert sorted((i["entry"], i["rule"], i["field"]) for i in issues) == [
        ("new-2023", "Inclusion-referenceNumber-unique", "included_in[1].references"),
        ("other-2024", "Inclusion-referenceNumber-unique", "included_in[1].references"),
    ]


# -- add ------------------------------------------------------------------------------------------------

def test_add_merges_the_entry_and_says_what_it_added(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = dump(store)
    code, out, _ = run(capsys, "add", str(VALID), "--store", str(store))
    assert code == 0
    entry = load_entry(VALID)
    assert out == f"added review new-2023 from {VALID}: {len(entry.graph)} triples (1 paper, 2 findings)\n"
    after = dump(store)
    added = [line for line in after.splitlines() if line.endswith(f"<{entry_graph_name('new-2023')}> .")]
    assert len(added) == len(entry.graph)
    # besides the entry's own graph, an add changes only the two graphs derived from the entries: the change
    # log (graph/changes gains this add, keeping every earlier record) and the conclusions (graph/conclusions,
    # drawn again from the store with the entry)
    old, new = in_graphs(before), in_graphs(after)
    assert sorted(set(new[OTHER]) - set(added)) == sorted(old[OTHER])
    assert set(old[CHANGES]) < set(new[CHANGES])
    logged = set(new[CHANGES]) - set(old[CHANGES])
    assert any(line.endswith(f"<{PK}Addition> <{CHANGES}> .") for line in logged)
    assert any(f"<{PK}aboutEntry> <{PKID}new-2023> <{CHANGES}> ." in line for line in logged)
    assert new[CONCLUSIONS]
    # the same entry again: its id is taken, and nothing changes
    code, out, err = run(capsys, "add", str(VALID), "--store", str(store))
    assert code == 1 and out == "" and "[rule duplicate-id]" in err
    assert dump(store) == after


def test_a_curator_fixes_a_broken_entry_and_adds_it(store: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "new-2023.yaml"
    shutil.copy(INVALID / "ci-inverted.yaml", broken)
    code, out, _ = run(capsys, "validate", str(broken), "--store", str(store), "--format", "json")
    issue = next(i for i in json.loads(out)["issues"] if i["rule"] == "EffectEstimate-ci-lower-not-above-ci-upper")
    lines = broken.read_text("utf-8").splitlines()
    assert issue["field"] == "findings[1].effect.ci_lower" and "ci_lower: 0.46" in lines[issue["line"] - 1]
    lines[issue["line"] - 1] = lines[issue["line"] - 1].replace("ci_lower: 0.46, ci_upper: 0.12",
                                                                "ci_lower: 0.12, ci_upper: 0.46")
    broken.write_text("\n".join(lines) + "\n", "utf-8")
    assert run(capsys, "validate", str(broken), "--store", str(store))[0] == 0
    code, out, _ = run(capsys, "add", str(broken), "--store", str(store))
    assert code == 0 and out.startswith("added review new-2023")


def test_a_curator_fixes_a_workbook_and_adds_it(store: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "extraction.xlsx"
    shutil.copy(INVALID / "xlsx-ci-inverted.xlsx", book)
    code, out, _ = run(capsys, "validate", str(book), "--store", str(store), "--format", "json")
    issue = next(i for i in json.loads(out)["issues"] if i["rule"] == "EffectEstimate-ci-lower-not-above-ci-upper")
    assert issue["field"] == "sheet 'findings', row 2, column 'effect.ci_lower' (V2)"
    workbook = load_workbook(book)
    sheet = workbook["findings"]
    sheet["V2"], sheet["W2"] = sheet["W2"].value, sheet["V2"].value
    workbook.save(book)
    code, out, _ = run(capsys, "add", str(book), "--store", str(store))
    assert code == 0 and out.startswith(f"added review new-2023 from {book}")
    entry, = read_entries([book]).entries
    assert set(entry.graph) == set(load_entry(VALID).graph)


def test_a_kill_during_a_large_add_leaves_the_store_as_it_was(store: Path, tmp_path: Path) -> None:
    """`kill -9` while the entries are being written: the store opens afterwards with exactly its old content."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import write_new_entries

    files = write_new_entries(tmp_path / "batch", 150)
    before = dump(store)
    process = subprocess.Popen([sys.executable, "-m", "peerkg.cli", "add", *map(str, files), "--store", str(store)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert process.stderr is not None and process.stdout is not None
    writing = ""
    for line in process.stderr:
        if line.startswith("writing"):
            writing = line
            break
    # printed right before the one Store.load of the batch, which takes a few tenths of a second here: 150
    # copies of data/lloyd-evans-2014.yaml, the largest review, of 401 triples each (398 before its AMSTAR 2
    # rating and reference number moved into an inclusion, which adds the inclusion's type, umbrella review and
    # included review: 3 triples)
    assert writing.startswith("writing 60,150 triples of 150 entries"), writing
    time.sleep(0.05)
    assert process.poll() is None, "the add finished before the kill: the batch is too small to test a crash"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    assert process.stdout.read() == ""
    after = dump(store)
    assert "new-0-2025" not in after or after == before, "the kill came after the commit: nothing was tested"
    assert after == before


# -- the extraction workbook ------------------------------------------------------------------------------

def vocabulary_slugs(scheme: str) -> list[str]:
    """The slugs of a scheme, read here from ontology/vocab/ directly."""
    graph = Graph()
    for file in (REPO / "ontology" / "vocab").glob("*.ttl"):
        graph.parse(file)
    iri = URIRef(f"https://w3id.org/peerkg/vocab/{scheme}")
    return sorted(str(c).rsplit("/", 1)[-1] for c in graph.subjects(SKOS.inScheme, iri))


def test_the_blank_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "blank.xlsx"
    code, out, err = run(capsys, "template", str(path))
    assert code == 0 and out == "" and str(path) in err
    book = load_workbook(path)
    assert book.sheetnames[0] == "README" and book["lists"].sheet_state == "hidden"
    assert set(book.sheetnames) >= {"reviews", "findings", "implementation factors", "experience themes"}
    for name, sheet in layout().sheets.items():
        assert [c.value for c in book[name][1]] == list(sheet.columns)
    readme = "\n".join(str(c.value) for row in book["README"].iter_rows() for c in row if c.value)
    assert "not reported" in readme and "peerkg validate" in readme
    lists = book["lists"]

    def allowed(sheet: str, column: str) -> list[str]:
        ws = book[sheet]
        letter = next(c.column_letter for c in ws[1] if c.value == column)
        validation = next(v for v in ws.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2"))
        cells = validation.formula1.split("!")[1].replace("$", "")
        return [c.value for row in lists[cells] for c in row]

    assert allowed("reviews", "review_type") == vocabulary_slugs("review-type")
    absent = ["not reported", "not available", "not applicable"]
    assert allowed("reviews", "populations") == [*vocabulary_slugs("population"), *absent]
    assert allowed("findings", "outcome") == vocabulary_slugs("outcome")
    assert allowed("implementation factors", "cfir_domain") == vocabulary_slugs("cfir")
    assert allowed("experience themes", "perspective") == vocabulary_slugs("perspective")
    assert allowed("reviews", "grade") == ["true", "false", *absent]
    again = tmp_path / "again.xlsx"
    run(capsys, "template", str(again))
    assert again.read_bytes() == path.read_bytes()


REVIEWS = sorted(p for p in DATA.glob("*.yaml") if "record: umbrella-review" not in p.read_text("utf-8"))


@pytest.mark.parametrize("entry", REVIEWS, ids=[p.stem for p in REVIEWS])
def test_a_curated_review_round_trips_through_the_workbook(entry: Path, tmp_path: Path) -> None:
    write_template(tmp_path / "review.xlsx", [entry])
    loaded, = read_entries([tmp_path / "review.xlsx"]).entries
    assert sorted(set(loaded.graph)) == sorted(set(load_entry(entry).graph))


def test_a_curated_review_round_trips_through_csv_files(tmp_path: Path) -> None:
    entry = DATA / "lloyd-evans-2014.yaml"
    write_template(tmp_path / "csv", [entry])
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(s.csv for s in layout().sheets.values())
    loaded, = read_entries([tmp_path / "csv"]).entries
    assert set(loaded.graph) == set(load_entry(entry).graph)


def test_factors_and_themes_round_trip_through_the_workbook(tmp_path: Path) -> None:
    """The umbrella review's factors and themes; its key findings, claims, overlap and weakness counts and
    eligibility criteria are YAML-only (the workbook refuses them, see below)."""
    data: dict[str, Any] = yaml.safe_load((DATA / "cooper-2024.yaml").read_text("utf-8"))
    for key in ("overlap", "amstar2_weaknesses", "key_findings", "claims", "eligibility", "verdict_claims"):
        data.pop(key, None)
        data["provenance"].pop(key, None)
    umbrella = tmp_path / "cooper-2024.yaml"
    umbrella.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    write_template(tmp_path / "umbrella.xlsx", [umbrella])
    book = load_workbook(tmp_path / "umbrella.xlsx")
    assert book["implementation factors"].max_row - 1 == len(data["implementation_factors"])
    loaded, = read_entries([tmp_path / "umbrella.xlsx"]).entries
    assert set(loaded.graph) == set(load_entry(umbrella).graph)


def test_the_template_refuses_what_the_workbook_cannot_hold(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "template", str(tmp_path / "x.xlsx"), "--entry", str(DATA / "cooper-2024.yaml"))
    assert code == 2 and out == ""
    assert "the workbook cannot hold 'claims'" in err and not (tmp_path / "x.xlsx").exists()


# -- incremental validation agrees with a full one ---------------------------------------------------------

def verdict(results: list[Any], report: Graph, nodes: set[Any]) -> set[tuple[str, str, str, str]]:
    def step(path: Any) -> str:
        if path is None or isinstance(path, URIRef):
            return str(path)
        alternatives = report.value(path, SH.alternativePath)
        items = list(Collection(report, alternatives if alternatives is not None else path))
        return step(items[0]) if items else ""

    return {(r.rule, str(r.focus), step(r.path), str(r.value)) for r in results if r.focus in nodes}


@pytest.fixture(scope="module")
def curated_graph() -> Graph:
    """The whole curated graph, from the files (the store keeps integer subtypes only as xsd:integer)."""
    from peerkg.commands.build import entry_files, load_entries
    from peerkg.ontology import artifact_graphs

    graph = Graph()
    for _, part in artifact_graphs():
        graph += part
    for entry in load_entries(entry_files()):
        graph += entry.graph
    return graph


SHAPE_CASES = sorted(name for name, case in yaml.safe_load((INVALID / "cases.yaml").read_text("utf-8")).items()
                     if case["rule"][0].isupper())


@pytest.mark.parametrize("name", SHAPE_CASES)
def test_incremental_validation_equals_full_validation(name: str, built: Built, curated_graph: Graph) -> None:
    """A broken entry validated on its own graph plus the store's facts (incremental) gets exactly the results a
    validation of the whole graph with the entry in it gives for the entry's nodes."""
    from peerkg.validation import validate_entry
    from peerkg.validation.context import entry_nodes
    from peerkg.validation.shapes import run_shapes

    loaded = read_entries([INVALID / name])
    assert len(loaded.entries) == 1  # (a loader problem of the same file, if any, is not the shapes' business)
    entry = loaded.entries[0]
    nodes = entry_nodes(entry)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(built.store))
    incremental, report = validate_entry(entry, [store])
    full_graph = Graph()
    full_graph += curated_graph
    full_graph += entry.graph
    full, full_report = run_shapes(full_graph)
    assert verdict(incremental, report, nodes) == verdict(full, full_report, nodes)
    assert incremental  # the case breaks a shape: the two verdicts agree on something


def test_incremental_validation_of_every_curated_entry_equals_the_full_one(built: Built,
                                                                           curated_graph: Graph) -> None:
    import pyoxigraph as ox

    from peerkg.commands.build import entry_files, load_entries
    from peerkg.validation import validate_entry
    from peerkg.validation.context import entry_nodes
    from peerkg.validation.shapes import run_shapes

    full, full_report = run_shapes(curated_graph)
    store = ox.Store.read_only(str(built.store))
    for entry in load_entries(entry_files()):
        incremental, report = validate_entry(entry, [store])
        nodes = entry_nodes(entry)
        assert verdict(incremental, report, nodes) == verdict(full, full_report, nodes) == set(), entry.id
