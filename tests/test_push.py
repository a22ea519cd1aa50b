"""`peerkg push` to two real engines, each started here on a free loopback port with a throwaway database:
an Oxigraph server and Virtuoso Open Source. After a push every stored query must give, on the server, the
values the embedded store gives (compared as values: 13 and 13.0, true and 1). Then the faults: an
unreachable, refusing or unauthorising server, and a push interrupted by the server's death."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from servers import free_port, oxigraph_binary, oxigraph_server, stop, virtuoso_server
from test_queries import QUERY_FILES

STAGING = "urn:peerkg:staging:"
MARKER = "<urn:peerkg-test:old> <urn:peerkg-test:state> \"before the interrupted push\""
ONTOLOGY_GRAPH = "https://w3id.org/peerkg/graph/ontology"


@contextmanager
def credentials(user: str | None, password: str | None) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("PEERKG_PUSH_USER", "PEERKG_PUSH_PASSWORD")}
    for key, value in zip(saved, (user, password), strict=True):
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def value(cell: Any) -> Any:
    """A cell as a value: numbers as Decimal (13 == 13.0), booleans as numbers (true == 1)."""
    if isinstance(cell, bool):
        return Decimal(int(cell))
    if isinstance(cell, (int, float, Decimal)):
        return Decimal(str(cell)).normalize()
    return cell


def values(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: value(v) for k, v in row.items()} for row in records]


def remote_counts(query_url: str) -> dict[str, int]:
    body = urllib.parse.urlencode({"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    request = urllib.request.Request(query_url, body.encode(), {"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def local_counts(store: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in store:
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    return counts


def update(url: str, text: str) -> None:
    request = urllib.request.Request(url, urllib.parse.urlencode({"update": text}).encode())
    with urllib.request.urlopen(request, timeout=60):
        pass


def names() -> list[str]:
    from peerkg.queries.catalogue import parse_query_file

    return [parse_query_file(p).name for p in QUERY_FILES]


def test_the_extended_copy_answers_changes_and_pairwise_overlap(extended_store: Any) -> None:
    from peerkg.queries.run import query

    changes = query("changes", store=extended_store).records()
    assert [(r["action"], r["entry"], r["by"]) for r in changes][:1] == [("added", "new-2023", "Push test")]
    assert [(r["action"], r["entry"]) for r in changes][-1] == ("removed", "new-2023")
    pairs = query("pairwise-overlap", store=extended_store).records()
    assert [(r["review_a"], r["review_b"], r["shared"], r["studies"], r["cca_percent"]) for r in pairs] == \
        [("chien-2019", "lloyd-evans-2014", 1, 2, Decimal(50))]


# -- Oxigraph ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph(extended: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server with the union default graph, the graph (`extended`) pushed into it; yields its base URL."""
    from peerkg.cli import main

    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-push") / "db", "--union-default-graph") as (url, _):
        assert main(["push", "--store", str(extended), "--endpoint", url + "/store", "--quiet"]) == 0
        yield url


def test_push_to_oxigraph_puts_every_graph_with_its_triples(oxigraph: str, extended_store: Any) -> None:
    assert remote_counts(oxigraph + "/query") == local_counts(extended_store)


@pytest.mark.parametrize("name", names())
def test_every_stored_query_gives_the_same_values_on_oxigraph(oxigraph: str, extended_store: Any, name: str) -> None:
    assert_same_values(name, extended_store, oxigraph + "/query")


def assert_same_values(name: str, store: Any, endpoint: str) -> None:
    """The stored query `name` gives the same variables and values (compared as values) on the endpoint as
    on the embedded store, which answers it with rows."""
    from peerkg.queries.run import query

    embedded = query(name, store=store)
    remote = query(name, endpoint=endpoint)
    assert remote.variables == embedded.variables
    assert values(remote.records()) == values(embedded.records())
    assert embedded.rows


def test_a_second_push_replaces_each_graph_and_leaves_no_staging(oxigraph: str, extended: Path, extended_store: Any,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    update(oxigraph + "/update", f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {MARKER} }} }}")
    assert main(["push", "--store", str(extended), "--endpoint", oxigraph + "/store"]) == 0
    captured = capsys.readouterr()
    assert "[1/" in captured.err and "moving" in captured.err       # progress, on stderr
    assert "the remote counts match" in captured.out
    assert remote_counts(oxigraph + "/query") == local_counts(extended_store)  # the marker is gone, nothing staged


def test_query_endpoint_stops_when_the_default_graph_is_not_the_union(built: Any, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    with oxigraph_server(tmp_path / "db") as (url, _):   # no --union-default-graph
        assert main(["push", "--store", str(built.store), "--endpoint", url + "/store", "--quiet"]) == 0
        capsys.readouterr()
        assert main(["query", "counts", "--endpoint", url + "/query"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""                                   # no rows of zeros
        assert "does not hold the peerkg graph" in captured.err and "union" in captured.err


# -- faults -----------------------------------------------------------------------------------------------

def test_an_unreachable_server_is_a_clear_error(built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    url = f"http://127.0.0.1:{free_port()}/store"
    assert main(["push", "--store", str(built.store), "--endpoint", url]) == 2
    err = capsys.readouterr().err
    assert "cannot reach" in err and "Connection refused" in err and "Traceback" not in err
    assert main(["push", "--store", str(built.store), "--endpoint", "http://127.0.0.1:1/unknown"]) == 2
    assert "--update-endpoint" in capsys.readouterr().err


def test_a_refusing_server_is_a_clear_error(built: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    (tmp_path / "one.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", "utf-8")
    subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "db"), "--file",
                    str(tmp_path / "one.nq")], check=True, capture_output=True)
    with oxigraph_server(tmp_path / "db", command="serve-read-only") as (url, _):
        assert main(["push", "--store", str(built.store), "--endpoint", url + "/store", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "unchanged" in err and "Traceback" not in err


def test_a_push_interrupted_by_the_server_dying_leaves_the_graphs_as_they_were(
        built: Any, store: Any, tmp_path: Path) -> None:
    from peerkg.errors import EndpointError
    from peerkg.serving.push import push_store

    folder, port = tmp_path / "db", free_port()
    with oxigraph_server(folder, "--union-default-graph", port=port) as (url, _):
        push_store(built.store, url + "/store")
        update(url + "/update", f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {MARKER} }} }}")
        before = remote_counts(url + "/query")
    assert before[ONTOLOGY_GRAPH] == local_counts(store)[ONTOLOGY_GRAPH] + 1

    with oxigraph_server(folder, "--union-default-graph", port=port) as (url, process):
        def kill_midway(message: str) -> None:
            if message.startswith("[10/"):
                process.kill()
                process.wait()

        with pytest.raises(EndpointError) as caught:
            push_store(built.store, url + "/store", progress=kill_midway)
        message = str(caught.value)
        assert "unchanged" in message and "cannot reach" in message
        stop(process)

    with oxigraph_server(folder, "--union-default-graph", port=port) as (url, _):
        after = remote_counts(url + "/query")
        assert {g: n for g, n in after.items() if not g.startswith(STAGING)} == before
        assert any(g.startswith(STAGING) for g in after)            # the staged copies the run left
        lines = push_store(built.store, url + "/store")              # the re-run completes
        assert lines[-1].endswith("the remote counts match")
        assert remote_counts(url + "/query") == local_counts(store)  # staged copies dropped, marker gone


# -- Virtuoso ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(extended: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Virtuoso Open Source on a new database, the graph (`extended`) pushed into it with digest auth; yields its
    base URL."""
    from peerkg.cli import main

    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url, credentials("dba", "dba"):
        assert main(["push", "--store", str(extended), "--endpoint", url + "/sparql-graph-crud-auth",
                     "--quiet"]) == 0
        yield url


def test_push_to_virtuoso_puts_every_graph_with_its_triples(virtuoso: str, extended_store: Any) -> None:
    counts = remote_counts(virtuoso + "/sparql")
    assert {g: counts.get(g) for g in local_counts(extended_store)} == local_counts(extended_store)


@pytest.mark.parametrize("name", names())
def test_every_stored_query_gives_the_same_values_on_virtuoso(virtuoso: str, extended_store: Any, name: str) -> None:
    assert_same_values(name, extended_store, virtuoso + "/sparql")


def test_virtuoso_without_or_with_wrong_credentials_is_a_clear_error(virtuoso: str, built: Any,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    command = ["push", "--store", str(built.store), "--endpoint", virtuoso + "/sparql-graph-crud-auth"]
    with credentials(None, None):
        assert main(command) == 2
    err = capsys.readouterr().err
    assert "401 Unauthorized" in err and "PEERKG_PUSH_USER" in err and "Traceback" not in err
    with credentials("dba", "not-the-password"):
        assert main(command) == 2
    assert "were refused" in capsys.readouterr().err
    with credentials("dba", None):
        assert main(command) == 2
    assert "set both" in capsys.readouterr().err
