"""The loader contract: YAML, Turtle and JSON-LD entries give the same triples; bad entries report every problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from peerkg.commands.export import export_entry
from peerkg.errors import Problem
from peerkg.loaders import load_entry, read_entries

VALID = REPO / "tests" / "valid" / "minimal-review.yaml"
PK = "https://w3id.org/peerkg/"
ID = PK + "id/example-2024"


def triples(graph: Graph) -> set[tuple[object, object, object]]:
    return set(graph)


def test_yaml_entry_becomes_the_declared_triples() -> None:
    graph = load_entry(VALID).graph
    review = URIRef(ID)
    assert (review, URIRef(PK + "reviewType"), URIRef(PK + "vocab/review-type/sr-with-meta-analysis")) in graph
    # a review no umbrella review includes has no inclusion (and no AMSTAR 2 rating of an umbrella's)
    assert not list(graph.subjects(URIRef(PK + "includedReview"), review))
    # the umbrella's appraisal sits on the review's inclusion, which points back to the review
    included = load_entry(REPO / "tests" / "valid" / "new-review.yaml").graph
    inclusion = URIRef(PK + "id/new-2023/inclusion/1")
    assert (inclusion, URIRef(PK + "includedReview"), URIRef(PK + "id/new-2023")) in included
    assert (inclusion, URIRef(PK + "umbrellaReview"), URIRef(PK + "id/cooper-2024")) in included
    assert set(included.objects(inclusion, URIRef(PK + "referenceNumber"))) == {
        Literal(98, datatype=XSD.positiveInteger)}
    # partial knowledge: one concept, broader than the two possible ratings
    ratings = set(included.objects(inclusion, URIRef(PK + "amstar2Rating")))
    assert ratings == {URIRef(PK + "vocab/amstar2/low-or-critically-low")}
    field_source = URIRef(PK + "id/new-2023/inclusion/1/source/amstar2/1")
    assert (field_source, URIRef(PK + "supportsField"), URIRef(PK + "amstar2Rating")) in included
    # "not reported" is explicit, on the node that would hold the value
    assert (review, URIRef(PK + "notReported"), URIRef(PK + "numberOfParticipants")) in graph
    assert (URIRef(ID + "/intervention"), URIRef(PK + "notReported"), URIRef(PK + "payment")) in graph
    assert (URIRef(ID + "/intervention"), URIRef(PK + "format"), URIRef(PK + "vocab/format/group")) in graph
    effect = URIRef(ID + "/finding/1/effect")
    assert (effect, URIRef(PK + "estimate"), Literal("-0.24", datatype=XSD.decimal)) in graph
    source = URIRef(ID + "/finding/1/source/1")
    assert (source, URIRef("http://www.w3.org/ns/prov#value"), Literal("−0.24 (−0.39, −0.09)")) in graph
    # the entry's only document: its quotes need not name it
    assert (source, URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"),
            URIRef(ID + "/document/example-2024-report")) in graph


def test_no_blank_nodes_and_the_same_input_gives_the_same_graph() -> None:
    first, second = load_entry(VALID).graph, load_entry(VALID).graph
    assert all(not isinstance(t, type(None)) and not str(t).startswith("_:") for triple in first for t in triple)
    nt = sorted(first.serialize(format="nt").splitlines())
    assert nt == sorted(second.serialize(format="nt").splitlines())
    assert not any(line.startswith("_:") or " _:" in line for line in nt)


@pytest.mark.parametrize(("fmt", "suffix"), [("ttl", ".ttl"), ("jsonld", ".jsonld")])
def test_turtle_and_jsonld_forms_load_to_the_same_triples(tmp_path: Path, fmt: str, suffix: str) -> None:
    rdf_file = tmp_path / f"example-2024{suffix}"
    rdf_file.write_text(export_entry(VALID, fmt), "utf-8")
    from_rdf = load_entry(rdf_file)
    from_yaml = load_entry(VALID)
    assert from_rdf.id == "example-2024"
    assert isomorphic(from_rdf.graph, from_yaml.graph)


def _issues(path: Path) -> list[Problem]:
    """Everything `peerkg validate --no-store` reports for one file: the loader's problems and the shapes'
    (a variant of VALID written elsewhere gets the text copy of its document beside it)."""
    import shutil

    from peerkg.validation import validate

    text_copy = VALID.parent / "minimal-review-report.txt"
    if not (path.parent / text_copy.name).exists():
        shutil.copy(text_copy, path.parent / text_copy.name)

    return [i.problem for i in validate(read_entries([path])).issues]


def test_every_problem_of_an_entry_is_reported_at_once(tmp_path: Path) -> None:
    """Loader problems (syntax, unknown keys, types) and rule breaks (shapes) come in one report."""
    text = VALID.read_text("utf-8")
    text = text.replace("review_type: sr-with-meta-analysis", "review_type: meta-analysis-review")
    text = text.replace("n_studies: 4", "n_studies: -4")
    text = text.replace("grade: false", "grade: maybe")
    text = text.replace("populations: [schizophrenia-or-similar]",
                        "populations: [schizophrenia-or-similar]\ncolour: blue")
    bad = tmp_path / "bad review.yaml"
    bad.write_text(text, "utf-8")
    problems = _issues(bad)
    found = {(p.field, p.rule) for p in problems}
    assert found == {("review_type", "Review-reviewType"), ("n_studies", "Review-numberOfStudies"),
                     ("grade", "wrong-datatype"), ("colour", "unknown-field")}
    for problem in problems:
        assert problem.file == str(bad) and problem.entry == "example-2024" and problem.line


def test_a_refused_value_is_not_reported_again_as_missing(tmp_path: Path) -> None:
    """`grade: maybe` is refused by the loader; the shape's "exactly one GRADE value" does not repeat it."""
    bad = tmp_path / "grade.yaml"
    bad.write_text(VALID.read_text("utf-8").replace("grade: false", "grade: maybe"), "utf-8")
    assert [(p.field, p.rule) for p in _issues(bad)] == [("grade", "wrong-datatype")]


def test_unknown_vocabulary_term_gets_a_hint(tmp_path: Path) -> None:
    bad = tmp_path / "typo.yaml"
    bad.write_text(VALID.read_text("utf-8").replace("outcome: recovery", "outcome: recovry"), "utf-8")
    [problem] = _issues(bad)
    assert (problem.field, problem.rule) == ("findings[1].outcome", "Finding-outcome")
    assert "'recovery'" in problem.hint
    assert problem.line == VALID.read_text("utf-8").splitlines().index("  - outcome: recovery") + 1


def test_missing_provenance_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "noprov.yaml"
    bad.write_text(VALID.read_text("utf-8").replace('  grade: [{section: "Results", quote: "GRADE"}]\n', ""),
                   "utf-8")
    assert [(p.field, p.rule) for p in _issues(bad)] == [("grade", "Review-usedGRADE-source")]
