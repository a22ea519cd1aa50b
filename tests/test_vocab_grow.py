"""Vocabularies that can grow (issue 10, item 5): an entry proposes a term (scheme, id, label, definition,
broader existing term) in YAML, Turtle, JSON-LD or the workbook; `validate` accepts it, warns when its label is
close to an existing one, and the entry's fields (and, as ENTRY/SLUG, other entries) may use it; the
ProposedTerm-* shapes check each proposal; a hint never suggests a term of another meaning.

The entries are tests/valid/new-review.yaml (an invented review that conforms) with proposals added, so they
follow whatever that fixture's sources look like; its text copy goes beside them, so their quotes are checked.
Like that fixture they are included in cooper-2024 (`included_in`), so they are validated against the built
curated graph, which holds the umbrella review (and, for a store a test adds to, against that store)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Built
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from peerkg.cli import main
from peerkg.loaders import load_entry
from peerkg.ontology.spelling import close_labels, distance, respelling, suggestions

NEW = REPO / "tests" / "valid" / "new-review.yaml"
PK = "https://w3id.org/peerkg/"
PKID = PK + "id/"
VOCAB = PK + "vocab/"

SELF_ADVOCACY = {"scheme": "outcome", "id": "self-advocacy", "label": "self-advocacy",
                 "definition": "Speaking up for oneself and one's rights in treatment and daily life.",
                 "broader": "empowerment"}
DEPRESSIVE_SYMPTOMS = {"scheme": "outcome", "id": "depressive-symptoms", "label": "self-rated depressive symptoms",
                       "definition": "Depressive symptoms as rated by participants on a questionnaire.",
                       "broader": "depression"}
DEPRESSION_POPULATION = {"scheme": "population", "id": "depression", "label": "people with depression",
                         "definition": "People with a diagnosis or symptoms of depression.",
                         "broader": "any-mental-health-condition"}


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def entry_data(ident: str = "grow-2024", proposals: list[dict[str, Any]] | None = None,
               outcomes: tuple[str, ...] = ("self-advocacy",), populations: list[str] | None = None) -> dict[str, Any]:
    """new-review.yaml as `ident`, proposing `proposals`, with one more finding per outcome of `outcomes` (a
    copy of its second, narrative finding, with its sources)."""
    data: dict[str, Any] = yaml.safe_load(NEW.read_text("utf-8"))
    data["id"] = ident
    if ident != "grow-2024":  # another review: another reference number in the umbrella review
        for inclusion in data.get("included_in", []):
            inclusion["references"] = [97]
    if proposals is not None:
        data["proposed_terms"] = proposals
    for outcome in outcomes:
        finding = dict(data["findings"][1], outcome=outcome)
        if populations:
            finding["populations"] = populations
        data["findings"].append(finding)
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "") -> Path:
    """Writes the entry `data` as YAML into `tmp_path`, with the text copies of its documents beside it."""
    for document in data.get("documents", []):
        if "text" in document and not (tmp_path / document["text"]).exists():
            shutil.copyfile(NEW.parent / document["text"], tmp_path / document["text"])
    path = tmp_path / f"{name or data['id']}.yaml"
    path.write_text(yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True), "utf-8")
    return path


Report = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture()
def report(built: Built, capsys: pytest.CaptureFixture[str]) -> Report:
    """`peerkg validate --format json` of the files given, against the built curated graph (or the store given
    as `store=`): exit code and report."""
    def run(*files: str, store: Path | None = None) -> tuple[int, dict[str, Any]]:
        capsys.readouterr()
        code = main(["validate", "--format", "json", "--store", str(store or built.store), *files])
        return code, json.loads(capsys.readouterr().out)

    return run


def rules(data: dict[str, Any], severity: str = "violation") -> list[tuple[str, str]]:
    return sorted((i["rule"], i["field"]) for i in data["issues"] if i["severity"] == severity)


# -- hints: another spelling or a typo, never another meaning ---------------------------------------------

def test_edit_distance_counts_a_swap_as_one() -> None:
    assert distance("anxeity", "anxiety") == 1          # one swap of neighbours
    assert distance("recovry", "recovery") == 1         # one letter left out
    assert distance("advocacy", "efficacy") == 4        # a, d, v, o -> e, f, f, i


@pytest.mark.parametrize(("given", "name", "edits"), [
    ("Quality-of-life", "quality of life", 0),          # the same words written otherwise
    ("self_efficacy", "self-efficacy", 0),
    ("recovry", "recovery", 1),                         # typos
    ("hospitalization", "hospitalisation", 1),          # spelling variant
    ("empowerement", "empowerment", 1),
    ("self-advocacy", "self-efficacy", None),           # another meaning (difflib: 77% alike)
    ("care", "cure", None),                             # short words: only a swap of neighbours
    ("hoep", "hope", 1),
    ("hops", "hope", None),
    ("treatment engagement", "engagement", None),       # other words
    ("social functioning", "social inclusion", None),
])
def test_respellings(given: str, name: str, edits: int | None) -> None:
    assert respelling(given, name) == edits


def test_suggestions_name_the_term_not_the_label() -> None:
    names = {"self-efficacy": "self-efficacy", "recovery": "recovery", "personal recovery": "personal-recovery"}
    assert suggestions("self-advocacy", names) == []
    assert suggestions("Recovry", names) == ["recovery"]
    assert suggestions("personal-recovry", names) == ["personal-recovery"]


def test_an_unknown_outcome_of_another_meaning_gets_no_suggestion_but_how_to_propose(
        tmp_path: Path, report: Report) -> None:
    code, data = report(str(write(tmp_path, entry_data(outcomes=("self-advocacy", "recovry")))))
    assert code == 1
    issues = {i["value"].rsplit("/", 1)[-1]: i for i in data["issues"] if i["rule"] == "Finding-outcome"}
    assert sorted(issues) == ["recovry", "self-advocacy"]
    assert "self-efficacy" not in issues["self-advocacy"]["hint"].split("allowed:")[0]
    assert "did you mean" not in issues["self-advocacy"]["hint"]
    assert "proposed_terms: [{scheme: outcome, id: self-advocacy" in issues["self-advocacy"]["hint"]
    assert issues["recovry"]["hint"] == "did you mean 'recovery'?"


def test_a_query_parameter_gets_no_suggestion_of_another_meaning() -> None:
    from peerkg.errors import QueryError
    from peerkg.queries.catalogue import get
    from peerkg.queries.params import bind_value

    param = get("evidence-for-outcome").params["outcome"]
    with pytest.raises(QueryError) as refused:
        bind_value(param, "self-advocacy")
    assert "self-efficacy" not in str(refused.value)
    with pytest.raises(QueryError) as typo:
        bind_value(param, "empowerement")
    assert "did you mean 'empowerment'?" in str(typo.value)


# -- a proposal is accepted, used, and checked ------------------------------------------------------------

def test_a_proposed_term_is_accepted_and_used_by_the_entrys_fields(tmp_path: Path,
                                                                  report: Report) -> None:
    path = write(tmp_path, entry_data(proposals=[SELF_ADVOCACY, DEPRESSION_POPULATION],
                                      populations=["depression"]))
    code, data = report(str(path))
    assert (code, data["violations"], data["warnings"]) == (0, 0, 0)
    graph = load_entry(path).graph
    term = URIRef(PKID + "grow-2024/term/self-advocacy")
    assert graph.value(term, SKOS.inScheme) == URIRef(VOCAB + "outcome")
    assert graph.value(term, SKOS.broader) == URIRef(VOCAB + "outcome/empowerment")
    assert graph.value(term, SKOS.prefLabel) == Literal("self-advocacy")
    assert graph.value(term, SKOS.definition) == Literal(SELF_ADVOCACY["definition"])
    assert graph.value(term, URIRef(PK + "proposedBy")) == URIRef(PKID + "grow-2024")
    finding = URIRef(PKID + "grow-2024/finding/3")
    assert graph.value(finding, URIRef(PK + "outcome")) == term
    assert graph.value(finding, URIRef(PK + "population")) == URIRef(PKID + "grow-2024/term/depression")


def test_the_same_proposal_in_turtle_json_ld_and_the_workbook(tmp_path: Path,
                                                             report: Report) -> None:
    from peerkg.commands.export import export_entry
    from peerkg.commands.template import write_template

    path = write(tmp_path, entry_data(proposals=[SELF_ADVOCACY]))
    graph = load_entry(path).graph
    for fmt, suffix in (("ttl", ".ttl"), ("jsonld", ".jsonld")):
        other = tmp_path / "rdf" / f"grow-2024{suffix}"
        other.parent.mkdir(exist_ok=True)
        other.write_text(export_entry(path, fmt), "utf-8")
        code, data = report(str(other))
        assert (code, data["violations"]) == (0, 0), fmt
        assert isomorphic(load_entry(other).graph, graph), fmt
        other.unlink()
    write_template(tmp_path / "book.xlsx", [path])
    assert isomorphic(load_entry(tmp_path / "book.xlsx").graph, graph)
    write_template(tmp_path / "csv", [path])
    rows = (tmp_path / "csv" / "proposed-terms.csv").read_text("utf-8").splitlines()
    assert rows[1] == ("grow-2024,1,outcome,self-advocacy,self-advocacy,,"
                       "Speaking up for oneself and one's rights in treatment and daily life.,empowerment,")


def test_a_label_close_to_an_existing_label_is_a_warning(tmp_path: Path,
                                                         report: Report) -> None:
    near = dict(SELF_ADVOCACY, id="hopefulness", label="Hope", broader="hope")
    code, data = report(str(write(tmp_path, entry_data(proposals=[near], outcomes=()))))
    assert (code, data["violations"]) == (0, 0)
    [warning] = [i for i in data["issues"] if i["severity"] == "warning"]
    assert (warning["rule"], warning["field"]) == ("ProposedTerm-label-close", "proposed_terms[1].label")
    assert "'hope'" in warning["message"]


@pytest.mark.parametrize(("change", "expected"), [
    ({"label": None}, [("ProposedTerm-label", "proposed_terms[1].label")]),
    ({"definition": None}, [("ProposedTerm-definition", "proposed_terms[1].definition")]),
    ({"broader": None}, [("ProposedTerm-broader", "proposed_terms[1].broader")]),
    ({"broader": ["empowerment", "hope"]}, [("ProposedTerm-broader", "proposed_terms[1].broader")]),
    # a term of another scheme, and a term no scheme has
    ({"broader": "serious-mental-illness"}, [("ProposedTerm-broader-in-scheme", "proposed_terms[1].broader")]),
    ({"scheme": "outcomes"}, [("ProposedTerm-scheme", "proposed_terms[1].scheme")]),
    ({"id": "hope"}, [("ProposedTerm-new-slug", "proposed_terms[1]")]),
])
def test_each_proposal_rule(tmp_path: Path, report: Report, change: dict[str, Any],
                            expected: list[tuple[str, str]]) -> None:
    proposal = {k: v for k, v in dict(SELF_ADVOCACY, **change).items() if v is not None}
    code, data = report(str(write(tmp_path, entry_data(proposals=[proposal], outcomes=()))))
    assert code == 1
    assert rules(data) == expected


def test_the_broader_hint_is_a_typo_of_an_existing_term(tmp_path: Path, report: Report) -> None:
    proposal = dict(SELF_ADVOCACY, broader="empowermnt")
    _, data = report(str(write(tmp_path, entry_data(proposals=[proposal], outcomes=()))))
    [issue] = data["issues"]
    assert (issue["rule"], issue["hint"]) == ("ProposedTerm-broader-in-scheme", "did you mean 'empowerment'?")


# -- in the store: other entries use it, removing the entry removes it, queries use the hierarchy ----------

@pytest.fixture()
def store(built: Built, tmp_path: Path) -> Path:
    copy = tmp_path / "work" / "store"
    shutil.copytree(built.store, copy, symlinks=True)
    return copy


def _ask(store: Path, query: str) -> bool:
    from peerkg.queries.run import sparql

    result = sparql("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(*) AS ?n) WHERE { "
                    + query + " }", store=store)
    return int(str(result.rows[0]["n"])) > 0


def test_a_second_entry_uses_a_term_the_store_holds_and_removing_the_first_removes_it(
        store: Path, tmp_path: Path, report: Report) -> None:
    first = write(tmp_path, entry_data(proposals=[SELF_ADVOCACY]))
    second = write(tmp_path, entry_data("grow-2025", outcomes=("grow-2024/self-advocacy",)))
    term = f"<{PKID}grow-2024/term/self-advocacy>"
    # against the curated graph alone, the second entry names a term nothing defines
    code, data = report(str(second))
    assert code == 1 and rules(data) == [("Finding-outcome", "findings[3].outcome")]
    assert main(["add", "--quiet", "--store", str(store), str(first)]) == 0
    assert _ask(store, f"{term} skos:broader <{VOCAB}outcome/empowerment>")
    code, data = report(str(second), store=store)
    assert (code, data["violations"]) == (0, 0), data["issues"]
    # a third entry proposing the same term anew is told of the first one's (a warning: it may join)
    again = write(tmp_path, entry_data("grow-2026", proposals=[dict(SELF_ADVOCACY, id="advocacy-for-self",
                                                                    label="Self advocacy")], outcomes=()))
    code, data = report(str(again))                      # the curated graph has no such label
    assert (code, data["warnings"]) == (0, 0)
    code, data = report(str(again), store=store)
    assert (code, rules(data, "warning")) == (0, [("ProposedTerm-label-close", "proposed_terms[1].label")])
    assert "'self-advocacy'" in data["issues"][0]["message"]
    assert main(["remove", "--store", str(store), "grow-2024"]) == 0
    assert not _ask(store, f"{term} ?p ?o")
    code, data = report(str(second), store=store)
    assert code == 1 and rules(data) == [("Finding-outcome", "findings[3].outcome")]


def test_a_finding_on_a_proposed_narrower_term_of_depression_is_evidence_for_depression(
        store: Path, tmp_path: Path) -> None:
    """Needs the stored queries that see every review (helper C, issue 10 item 3)."""
    from peerkg.queries.run import query

    path = write(tmp_path, entry_data(proposals=[DEPRESSIVE_SYMPTOMS], outcomes=("depressive-symptoms",)))
    assert main(["add", "--quiet", "--store", str(store), str(path)]) == 0
    rows = query("evidence-for-outcome", {"outcome": "depression"}, store=store).records()
    assert [r["finding_outcome"] for r in rows if r["finding_outcome"] == DEPRESSIVE_SYMPTOMS["label"]] \
        == [DEPRESSIVE_SYMPTOMS["label"]]


def test_close_labels_are_looser_than_hints() -> None:
    assert close_labels("Hope", ["hope", "empowerment"]) == ["hope"]
    assert close_labels("self-stigmas", ["self-stigma", "stigma"]) == ["self-stigma"]
    assert close_labels("self-advocacy", ["self-efficacy"]) == []
