"""`peerkg serve`: the SPARQL 1.1 Protocol endpoint, its limits, the stored queries by name and the OpenAPI
document, checked over HTTP against the real command on a free loopback port.

Expected values come from elsewhere than the endpoint: the release TriG parsed with rdflib (graph names and
triple counts), rdflib's own result parsers, the `#+ param:` lines of queries/*.rq read with a regular
expression, and queries/expected/*.csv."""

from __future__ import annotations

import http.client
import io
import json
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.query import Result as RdflibResult
from servers import free_port, peerkg_serve
from test_queries import EXPECTED_FILES, QUERY_FILES, differences, read_expected

TIME_LIMIT = 3.0
SD = "http://www.w3.org/ns/sparql-service-description#"
ONTOLOGY = "https://w3id.org/peerkg/"
GRAPHS = "https://w3id.org/peerkg/graph/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"   # 11k^3 rows to count
HUGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"                                # 11k^2 rows to write


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
          method: str | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()


def get(base: str, query: str, accept: str = "", **extra: str) -> tuple[int, str, bytes]:
    params = urllib.parse.urlencode({"query": query, **extra})
    return fetch(f"{base}/sparql?{params}", headers={"Accept": accept} if accept else {})


def form(base: str, **fields: str) -> tuple[int, str, bytes]:
    return fetch(f"{base}/sparql", urllib.parse.urlencode(fields).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"})


@pytest.fixture(scope="module")
def release(built: Any) -> Dataset:
    dataset = Dataset()
    dataset.parse(built.release / "peerkg.trig", format="trig")
    return dataset


@pytest.fixture(scope="module")
def graph_counts(release: Dataset) -> dict[str, int]:
    """Triples per named graph, from the release TriG (rdflib), not from the store."""
    return {str(g.identifier): len(g) for g in release.graphs() if len(g) and
            not str(g.identifier).startswith("urn:x-rdflib:")}


@pytest.fixture(scope="module")
def served_store(built: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(built.store, copy)
    return copy


@pytest.fixture(scope="module")
def base(served_store: Path) -> Iterator[str]:
    with peerkg_serve(served_store, "--time-limit", str(TIME_LIMIT), "--result-limit", "2",
                      "--workers", "3") as (url, _):
        yield url


def total(base: str) -> int:
    status, _, body = get(base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# -- the protocol ------------------------------------------------------------------------------------

def test_get_form_post_and_direct_post_give_the_triples_of_every_graph(base: str,
                                                                       graph_counts: dict[str, int]) -> None:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    answers = [get(base, query), form(base, query=query),
               fetch(f"{base}/sparql", query.encode(), {"Content-Type": "application/sparql-query"})]
    for status, media, body in answers:
        assert status == 200 and media.startswith("application/sparql-results+json")
        rows = json.loads(body)["results"]["bindings"]
        assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == graph_counts


def test_the_default_graph_is_the_union_of_the_named_graphs(base: str, release: Dataset) -> None:
    header = len({(p, o) for _, p, o, _ in release.quads((URIRef(ONTOLOGY), None, None, None))})
    ask = f"ASK {{ <{ONTOLOGY}> a <http://www.w3.org/2002/07/owl#Ontology> }}"
    assert json.loads(get(base, ask)[2])["boolean"] is True
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{ONTOLOGY}> ?p ?o }}"
    for graphs, expected in (([], header), ([GRAPHS + "ontology"], header), ([GRAPHS + "vocabularies"], 0)):
        params = "&".join(f"default-graph-uri={urllib.parse.quote(g)}" for g in graphs)
        status, _, body = fetch(f"{base}/sparql?query={urllib.parse.quote(count)}&{params}")
        assert status == 200
        assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected, graphs


@pytest.mark.parametrize("accept,fmt", [("application/sparql-results+json", "json"),
                                        ("application/sparql-results+xml", "xml"),
                                        ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_select_results_in_each_format(base: str, release: Dataset, accept: str, fmt: str) -> None:
    query = f"SELECT ?p ?o WHERE {{ <{ONTOLOGY}> ?p ?o }}"
    status, media, body = get(base, query, accept)
    assert status == 200 and media.startswith(accept)
    result = RdflibResult.parse(io.BytesIO(body), format=fmt)
    got = Counter((str(row[0]), str(row[1])) for row in result)   # type: ignore[index]
    expected = Counter((str(p), str(o)) for _, p, o, _ in release.quads((URIRef(ONTOLOGY), None, None, None)))
    assert got == expected


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_construct_results_by_content_negotiation(base: str, release: Dataset, accept: str, fmt: str) -> None:
    status, media, body = get(base, f"CONSTRUCT WHERE {{ <{ONTOLOGY}> ?p ?o }}", accept)
    assert status == 200 and media.startswith(accept)
    expected = Graph()
    for s, p, o, _ in release.quads((URIRef(ONTOLOGY), None, None, None)):
        expected.add((s, p, o))
    assert isomorphic(Graph().parse(data=body, format=fmt), expected)
    # DESCRIBE takes the same route
    status, media, body = get(base, f"DESCRIBE <{ONTOLOGY}>", accept)
    assert status == 200 and len(Graph().parse(data=body, format=fmt)) >= len(expected)


def test_an_accept_header_nothing_fits_is_answered_406(base: str) -> None:
    status, _, body = get(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


def test_the_service_description(base: str, graph_counts: dict[str, int]) -> None:
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        status, _, body = fetch(f"{base}/sparql", headers={"Accept": accept})
        assert status == 200
        graph = Graph().parse(data=body, format=fmt)
        [service] = graph.subjects(RDF.type, URIRef(SD + "Service"))
        assert graph.value(service, URIRef(SD + "endpoint")) == URIRef(base + "/sparql")
        assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in graph
        assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
        names = {str(o) for o in graph.objects(None, URIRef(SD + "name"))}
        assert names == set(graph_counts)


# -- read-only, no reaching out, bad requests ---------------------------------------------------------------

def listener() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    sock.settimeout(1.0)
    return sock, int(sock.getsockname()[1])


def nobody_called(sock: socket.socket) -> bool:
    try:
        connection, _ = sock.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


def test_updates_are_refused_with_403_and_change_nothing(base: str) -> None:
    before = total(base)
    sock, port = listener()
    try:
        answers = [
            form(base, update="DROP ALL"),
            fetch(f"{base}/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                  {"Content-Type": "application/sparql-update"}),
            form(base, query="PREFIX x: <urn:x> INSERT DATA { x:a x:b x:c }"),
            get(base, "CLEAR ALL"),
            form(base, query=f"LOAD <http://127.0.0.1:{port}/data.ttl>"),
        ]
        for status, _, body in answers:
            assert status == 403 and b"read-only" in body
        assert nobody_called(sock), "LOAD reached out"
    finally:
        sock.close()
    assert total(base) == before


@pytest.mark.parametrize("keyword", ["SERVICE", "service", r"SERV\u0049CE"])
def test_service_is_refused_and_never_reaches_out(base: str, keyword: str) -> None:
    sock, port = listener()
    try:
        status, _, body = form(base, query=f"SELECT * WHERE {{ {keyword} <http://127.0.0.1:{port}/sparql> "
                                           "{ ?s ?p ?o } }")
        assert status == 403 and b"SERVICE" in body
        assert nobody_called(sock)
    finally:
        sock.close()


def test_a_query_that_mentions_service_in_a_string_or_iri_runs(base: str) -> None:
    status, _, body = get(base, 'SELECT ?x WHERE { BIND("SERVICE <urn:x> {}" AS ?x) FILTER(?x != <urn:service>) }')
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "SERVICE <urn:x> {}"


def test_bad_requests_are_answered_with_the_reason(base: str) -> None:
    status, _, body = get(base, "SELEC ?s WHERE { ?s ?p ?o }")
    assert status == 400 and b"does not parse" in body
    status, _, body = fetch(f"{base}/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert status == 400 and b"more than one" in body
    status, _, _ = fetch(f"{base}/sparql", b"query=ASK{}", {"Content-Type": "text/plain"})
    assert status == 415
    status, _, _ = fetch(f"{base}/sparql", b"", method="PUT")
    assert status == 405
    assert fetch(f"{base}/nothing-here")[0] == 404


# -- limits -------------------------------------------------------------------------------------------------

def test_a_runaway_query_is_stopped_while_the_others_are_answered(base: str) -> None:
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["answer"] = form(base, query=RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = 0
    while thread.is_alive():
        started = time.monotonic()
        status, _, _ = fetch(f"{base}/queries/reviews", headers={"Accept": "text/csv"})
        assert status == 200 and time.monotonic() - started < TIME_LIMIT
        answered += 1
    thread.join()
    status, _, body = outcome["answer"]
    assert status == 503 and b"time limit" in body
    assert TIME_LIMIT <= outcome["seconds"] < TIME_LIMIT + 5
    assert answered >= 3
    assert total(base) > 0  # the killed worker was replaced


def test_a_result_past_the_size_limit_is_stopped(base: str) -> None:
    started = time.monotonic()
    status, _, body = form(base, query=HUGE)
    assert status == 507 and b"2,000,000 bytes" in body
    assert time.monotonic() - started < TIME_LIMIT


# -- stored queries by name, OpenAPI ---------------------------------------------------------------------

def declared_params(path: Path) -> dict[str, tuple[str, str]]:
    """`#+ param: NAME TYPE DEFAULT -- ...` lines of a query file: name -> (type, default)."""
    found = re.findall(r"^#\+\s*param:\s*(\S+)\s+(\S+)\s+(.*?)\s+--", path.read_text("utf-8"), re.M)
    return {name: (kind, default) for name, kind, default in found}


def names_of_files() -> list[str]:
    return [re.sub(r"^\d\d-", "", p.stem) for p in QUERY_FILES]


def test_the_catalogue_lists_every_stored_query(base: str) -> None:
    status, _, body = fetch(f"{base}/queries")
    assert status == 200
    listing = json.loads(body)
    assert [q["name"] for q in listing] == names_of_files()
    for query, path in zip(listing, QUERY_FILES, strict=True):
        assert query["text"] == path.read_text("utf-8")


@pytest.mark.parametrize("path", EXPECTED_FILES, ids=lambda p: p.stem)
def test_stored_queries_by_name_give_the_expected_results(base: str, path: Path) -> None:
    import csv

    expected = read_expected(path)
    url = f"{base}/queries/{expected.name}?" + urllib.parse.urlencode(expected.params)
    status, media, body = fetch(url, headers={"Accept": "text/csv"})
    assert status == 200 and media.startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    problems = differences(expected, table[0], table[1:])
    assert not problems, "\n".join(problems)


def test_a_bad_parameter_gets_400_with_the_reason(base: str) -> None:
    status, _, body = fetch(f"{base}/queries/evidence-for-outcome?outcome=hopee")
    assert status == 400 and b"'hopee' is not a concept of the outcome vocabulary" in body
    assert b"did you mean 'hope'" in body
    status, _, body = fetch(f"{base}/queries/evidence-for-outcome?colour=blue")
    assert status == 400 and b"no parameter 'colour'" in body
    status, _, body = fetch(f"{base}/queries/evidence-for-outcome?outcome=hope&outcome=anxiety")
    assert status == 400 and b"2 times" in body
    hostile = urllib.parse.quote('hope" } ; DROP ALL ; #')
    assert fetch(f"{base}/queries/evidence-for-outcome?outcome={hostile}")[0] == 400
    assert fetch(f"{base}/queries/no-such-query")[0] == 404


def test_openapi_describes_every_stored_query_and_its_parameters(base: str) -> None:
    status, media, body = fetch(f"{base}/openapi.json")
    assert status == 200 and media.startswith("application/json")
    document = json.loads(body)
    validate(document)  # the OpenAPI 3 schema, checked by openapi-spec-validator
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert set(paths) == {f"/queries/{n}" for n in names_of_files()} | {"/sparql"}
    for path, name in zip(QUERY_FILES, names_of_files(), strict=True):
        operation = paths[f"/queries/{name}"]["get"]
        # an optional parameter (declared default UNDEF) has no default in the schema
        params = {p["name"]: (p["x-peerkg-type"], str(p["schema"].get("default", "UNDEF")).lower())
                  for p in operation["parameters"]}
        assert params == {k: (t, d.lower()) for k, (t, d) in declared_params(path).items()}, name
        assert {"200", "400"} <= set(operation["responses"])
        assert "text/csv" in operation["responses"]["200"]["content"]


def test_an_openapi_operation_called_as_described(base: str) -> None:
    document = json.loads(fetch(f"{base}/openapi.json")[2])
    operation = document["paths"]["/queries/evidence-for-outcome"]["get"]
    [param] = [p for p in operation["parameters"] if p["name"] == "outcome"]
    status, _, body = fetch(f"{base}/queries/evidence-for-outcome?{param['name']}=quality%20of%20life")
    assert status == 200
    rows = json.loads(body)["results"]["bindings"]
    assert rows and all(Literal(r["finding_outcome"]["value"]) == Literal("quality of life") for r in rows)


# -- the command ------------------------------------------------------------------------------------------

def listening_addresses(port: int) -> set[str]:
    """The local addresses of the listening sockets on `port`, from /proc/net/tcp (IPv4, hex)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_serve_listens_on_loopback_only_by_default(base: str) -> None:
    from peerkg.cli import parser

    assert parser().parse_args(["serve"]).host == "127.0.0.1"
    assert listening_addresses(int(base.rsplit(":", 1)[1])) == {"127.0.0.1"}


def test_serve_without_a_store_or_on_a_taken_port_is_a_clear_error(served_store: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from peerkg.cli import main

    assert main(["serve", "--store", str(tmp_path / "none"), "--port", str(free_port())]) == 2
    assert "no store at" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--store", str(served_store), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "Traceback" not in err


def workers_of(store: Path) -> list[int]:
    """Process ids of the query workers serving `store` (from /proc: their command lines)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"peerkg.serving.worker" in command and str(store).encode() in command:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("how", ["kill", "terminate"])
def test_a_server_stopped_during_a_runaway_query_leaves_no_worker_behind(built: Any, tmp_path: Path,
                                                                         how: str) -> None:
    copy = tmp_path / "store"
    shutil.copytree(built.store, copy)
    with peerkg_serve(copy, "--time-limit", "600", "--workers", "2") as (url, process):
        cut: list[object] = []

        def runaway() -> None:
            try:
                status, _, _ = fetch(f"{url}/sparql?query={urllib.parse.quote(RUNAWAY)}")
                if status != 200:   # answered with an error as the server stopped (SIGTERM): also cut short
                    cut.append(status)
            except (OSError, http.client.HTTPException) as exc:   # the server went away: expected
                cut.append(exc)

        thread = threading.Thread(target=runaway, daemon=True)
        thread.start()
        time.sleep(0.5)
        assert len(workers_of(copy)) == 2
        getattr(process, how)()
        process.wait()
        deadline = time.monotonic() + 10
        while workers_of(copy) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers_of(copy) == []
        thread.join(timeout=10)
        assert cut, "the runaway query was answered with a result: it did not run while the server stopped"
