"""The stored queries on a real SPARQL server: an Oxigraph server (the `oxigraph` package's binary) on a free
loopback port, loaded with the build's N-Quads, answers every stored query through `--endpoint` exactly as the
embedded store does."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import free_port, oxigraph_binary, oxigraph_server
from test_queries import EXPECTED_FILES, QUERY_FILES, Expected, differences, read_expected


@pytest.fixture(scope="module")
def endpoint(store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server holding the built graph (every named graph; the default graph is their union)."""
    from peerkg.graph.store import sorted_nquads

    folder = tmp_path_factory.mktemp("oxigraph")
    dump = folder / "peerkg.nq"
    dump.write_text(sorted_nquads(store), "utf-8")
    binary = oxigraph_binary()
    subprocess.run([binary, "load", "--location", str(folder / "db"), "--file", str(dump)],
                   check=True, capture_output=True)
    with oxigraph_server(folder / "db", "--union-default-graph") as (url, _):
        yield url + "/query"


@pytest.fixture(scope="module")
def extended_endpoint(extended_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server holding the extended copy of the graph (conftest `extended`: where `changes` and
    `pairwise-overlap` answer too)."""
    from peerkg.graph.store import sorted_nquads

    folder = tmp_path_factory.mktemp("oxigraph-extended")
    dump = folder / "peerkg.nq"
    dump.write_text(sorted_nquads(extended_store), "utf-8")
    subprocess.run([oxigraph_binary(), "load", "--location", str(folder / "db"), "--file", str(dump)],
                   check=True, capture_output=True)
    with oxigraph_server(folder / "db", "--union-default-graph") as (url, _):
        yield url + "/query"


def count_quads(url: str) -> int:
    from peerkg.queries.run import sparql

    [row] = sparql("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", endpoint=url).records()
    return int(row["n"])


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_every_stored_query_gives_the_same_rows_on_the_server(path: Path, extended_endpoint: str,
                                                              extended_store: Any) -> None:
    from peerkg.queries.catalogue import parse_query_file
    from peerkg.queries.run import query

    name = parse_query_file(path).name
    embedded = query(name, store=extended_store)
    remote = query(name, endpoint=extended_endpoint)
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows  # the same terms, in the same order
    assert remote.rows, "an empty answer proves nothing"


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_the_server_gives_the_expected_results(path: Path, endpoint: str) -> None:
    from peerkg.queries.run import query

    expected: Expected = read_expected(path)
    result = query(expected.name, expected.params, endpoint=endpoint)
    problems = differences(expected, result.variables, result.texts())
    assert not problems, "\n".join(problems)


def test_peerkg_query_findings_as_csv_through_the_endpoint(endpoint: str, built: Any,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["query", "findings", "--format", "csv", "--endpoint", endpoint]) == 0
    remote = capsys.readouterr().out
    assert main(["query", "findings", "--format", "csv", "--store", str(built.store)]) == 0
    assert remote == capsys.readouterr().out
    assert remote.splitlines()[0] == ("review,first_author,year,refs,outcome,outcome_domain,synthesis,direction,"
                                      "timepoint,population,variant,effect_measure,estimate,ci_lower,ci_upper,i2,k,n,"
                                      "comparator,subgroup,polarity,pi_lower,pi_upper,certainty")


def test_hostile_parameters_do_not_reach_the_server(endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    before = count_quads(endpoint)
    for value in ['hope" } ; DROP ALL ; #', "} INSERT DATA { <urn:a> <urn:b> <urn:c> } #"]:
        assert main(["query", "evidence-for-outcome", "--endpoint", endpoint, "--param", f"outcome={value}"]) == 2
        assert "not a concept" in capsys.readouterr().err
    assert count_quads(endpoint) == before


@pytest.mark.parametrize("update", ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"])
def test_peerkg_sparql_sends_no_update_to_the_server(update: str, endpoint: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    before = count_quads(endpoint)
    file = tmp_path / "update.rq"
    file.write_text(update, "utf-8")
    assert main(["sparql", str(file), "--endpoint", endpoint]) == 2
    assert "does not parse" in capsys.readouterr().err
    assert count_quads(endpoint) == before


def test_an_unreachable_endpoint_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    url = f"http://127.0.0.1:{free_port()}/query"
    assert main(["query", "counts", "--endpoint", url]) == 2
    err = capsys.readouterr().err
    assert f"the endpoint {url} could not answer" in err and "Traceback" not in err
    assert main(["query", "counts", "--endpoint", "ftp://example.org/sparql"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
