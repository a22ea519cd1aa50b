"""Sources of their own (issue 10, item 1): every quote names its document, and `validate` checks each quote
against the document's local text copy; a team's own judgement is attributed, not quoted."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from peerkg.loaders import read_entries
from peerkg.validation import validate
from peerkg.validation.quotes import DocumentTexts, check_quotes

REPO = Path(__file__).resolve().parents[1]
VALID = REPO / "tests" / "valid" / "minimal-review.yaml"
PROV = "http://www.w3.org/ns/prov#"
PK = "https://w3id.org/peerkg/"


def _report(path: Path):  # type: ignore[no-untyped-def]
    return validate(read_entries([path]))


def test_a_quote_not_in_the_text_names_entry_field_and_the_closest_passage(tmp_path: Path) -> None:
    (tmp_path / "minimal-review-report.txt").write_bytes((VALID.parent / "minimal-review-report.txt").read_bytes())
    bad = tmp_path / "example-2024.yaml"
    text = VALID.read_text("utf-8")
    assert 'quote: "N = 4"' in text
    bad.write_text(text.replace('quote: "N = 4"', 'quote: "N = 5"'), "utf-8")
    report = _report(bad)
    [issue] = report.violations
    problem = issue.problem
    assert (problem.entry, problem.field, problem.rule) == ("example-2024", "provenance.n_studies[1].quote",
                                                            "quote-not-found")
    assert problem.line == text.splitlines().index(next(line for line in text.splitlines()
                                                        if 'quote: "N = 4"' in line)) + 1
    # the text copy says "Table 1: N = 4 studies."; the closest passage of three words holds "N = 4"
    assert "N = 4" in problem.hint and problem.hint.startswith("closest passage:")


def test_typographic_quotes_dashes_and_spaces_do_not_count(tmp_path: Path) -> None:
    (tmp_path / "minimal-review-report.txt").write_bytes((VALID.parent / "minimal-review-report.txt").read_bytes())
    entry = tmp_path / "example-2024.yaml"
    # the text has "−0.24 (−0.39, −0.09)" with minus signs: hyphens and a line break match it
    entry.write_text(VALID.read_text("utf-8").replace('quote: "−0.24 (−0.39, −0.09)"',
                                                      'quote: "-0.24\\n (-0.39, –0.09)"'), "utf-8")
    assert _report(entry).issues == []


def test_quotes_of_a_document_without_text_are_listed_as_unchecked(tmp_path: Path) -> None:
    entry = tmp_path / "example-2024.yaml"
    entry.write_text(VALID.read_text("utf-8").replace(
        "    text: minimal-review-report.txt       # a local plain-text copy: every quote is checked against it\n",
        ""), "utf-8")
    report = _report(entry)
    assert report.conforms and report.violations == []
    [issue] = report.issues
    # minimal-review.yaml holds 10 quotes, all of its one document
    assert (issue.severity, issue.problem.rule, issue.problem.entry) == ("info", "quote-unchecked", "example-2024")
    assert issue.problem.message.startswith("10 quote(s) of document example-2024-report not checked")


def test_a_quote_of_an_unknown_document_is_a_problem(tmp_path: Path) -> None:
    entry = tmp_path / "example-2024.yaml"
    entry.write_text(VALID.read_text("utf-8").replace('{section: "Results", quote: "GRADE"}',
                                                      '{document: nowhere-2020, section: "Results", quote: "GRADE"}'),
                     "utf-8")
    problems = [i.problem for i in _report(entry).violations]
    assert [(p.field, p.rule) for p in problems] == [("provenance.grade[1].document", "unknown-document")]


def test_the_891_curated_quotes_name_their_documents_and_are_all_found() -> None:
    loaded = read_entries(sorted((REPO / "data").glob("*.yaml")))
    assert loaded.problems == []
    quoted = [(s, d) for e in loaded.entries for s, d in e.graph.subject_objects(URIRef(PROV + "wasQuotedFrom"))]
    # the mappings with a `quote:` key in data/*.yaml: the 867 migrated with their documents, the 9 of the
    # umbrella's eligibility criteria and their caveats (`eligibility:`) and the 15 of the Discussion's verdicts
    # (`verdict_claims:`) of data/cooper-2024.yaml, added since
    assert len(quoted) == 891
    documents = {str(d).rsplit("/", 1)[1] for _, d in quoted}
    assert documents == {"cooper-2024-text", "cooper-2024-tables"}
    texts = DocumentTexts(loaded.entries)
    assert all(texts.text(d) is not None for _, d in quoted)  # both have a text copy: every quote is checked
    assert check_quotes(loaded.entries, texts) == []


def test_a_teams_judgement_is_attributed_not_quoted() -> None:
    shapes = REPO / "tests" / "shapes"
    loaded = read_entries([shapes / "review.yaml", shapes / "umbrella.yaml"])
    assert loaded.problems == []
    graph = loaded.entries[0].graph
    judgement = URIRef(PK + "id/test-2020/source/grade/2")
    agent = URIRef(PK + "id/test-2020/source/grade/2/agent")
    assert (judgement, RDF.type, URIRef(PK + "Judgement")) in graph
    assert (judgement, URIRef(PROV + "wasAttributedTo"), agent) in graph
    assert (agent, RDF.type, URIRef(PROV + "Agent")) in graph
    assert (agent, RDFS.label, Literal("Test review team")) in graph
    assert (judgement, URIRef(PROV + "generatedAtTime"), Literal("2025-01-31", datatype=XSD.date)) in graph
    assert (judgement, URIRef(PK + "supportsField"), URIRef(PK + "usedGRADE")) in graph
    assert graph.value(judgement, URIRef(PROV + "value")) is None
    assert graph.value(judgement, URIRef(PROV + "wasQuotedFrom")) is None


def test_an_added_entry_keeps_its_text_copy_for_build_and_remove_takes_it(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from peerkg.cli import main
    from peerkg.commands.build import load_entries
    from peerkg.commands.workspace import kept_files

    store = tmp_path / "ws" / "store"
    shutil.copytree(built.store, store, symlinks=True)
    new = REPO / "tests" / "valid" / "new-review.yaml"
    assert main(["add", "--quiet", "--store", str(store), str(new)]) == 0
    kept_text = tmp_path / "ws" / "entries" / "new-2023" / "new-review-report.txt"
    assert kept_text.read_bytes() == (new.parent / "new-review-report.txt").read_bytes()
    # build reads the kept entry and finds every one of its 13 quotes in the kept copy
    [kept] = [e for e in load_entries(kept_files(store)) if e.id == "new-2023"]
    texts = DocumentTexts([kept])
    assert texts.text(URIRef(PK + "id/new-2023/document/new-2023-report")) is not None
    assert check_quotes([kept], texts) == []
    assert main(["remove", "--quiet", "--store", str(store), "new-2023"]) == 0
    assert not kept_text.exists() and not kept_text.parent.exists()
