"""The trust boundary (issue 11): one lock for every writer of a store, no text that breaks the store's
serialisation, entries that touch only themselves, nothing fetched, limits before parsing, safe output.

Each test asserts the exit code, the message (file, entry, field or subject, or the process holding the
store) and that the store is unchanged, or equal to one of the outcomes a race may have.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import yaml
from conftest import REPO, Built
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from peerkg.cli import main
from peerkg.commands.export import export_store
from peerkg.graph.store import open_store, to_nquads, to_rdflib
from peerkg.queries.results import escape_unseen, neutralise_cell

NEW = REPO / "tests" / "valid" / "new-review.yaml"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
TITLE = '    title: "Peer support for people with serious mental illness: a systematic review and meta-analysis"'


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


CHANGES = "https://w3id.org/peerkg/graph/changes"
CONCLUSIONS = "https://w3id.org/peerkg/graph/conclusions"
# a change record's IRI and time: when it was made (peerkg.synthesis.changelog), the same content at any time
_WHEN = re.compile(r'(/id/change/)[^/>]+|"[0-9T:.-]+Z"(\^\^<http://www.w3.org/2001/XMLSchema#dateTime>)')


def _undated(line: str) -> str:
    return _WHEN.sub(lambda m: m.group(1) + "WHEN" if m.group(1) else '"WHEN"' + m.group(2), line)


def fingerprint(path: Path) -> str:
    """The store's content, exactly, whatever labels Oxigraph gave its blank nodes: the quads without blank
    nodes as sorted lines, and the triples with them canonically relabelled (rdflib), graph by graph. In the
    change log (graph/changes) the time of each record (in its IRI and prov:startedAtTime) is left out: an add
    made at another moment leaves the same store otherwise."""
    store = open_store(path, read_only=True)
    try:
        plain: list[str] = []
        with_blanks: dict[str, Graph] = {}
        for quad in store:
            if any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object)):
                graph = with_blanks.setdefault(str(quad.graph_name), Graph())
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
            elif isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == CHANGES:
                plain.append(_undated(str(quad)))
            else:
                plain.append(str(quad))
    finally:
        del store
    canonical = [f"{name} {line}" for name, graph in sorted(with_blanks.items())
                 for line in sorted(to_canonical_graph(graph).serialize(format="nt").split("\n")) if line]
    return "\n".join(sorted(plain) + canonical)


def quads_outside(path: Path, graph: str) -> set[ox.Quad]:
    """The quads of the store outside the entry graph `graph` and the two graphs every add derives anew from
    the entries: the change log (graph/changes) and the conclusions (graph/conclusions)."""
    left_out = {graph, CHANGES, CONCLUSIONS}
    store = open_store(path, read_only=True)
    try:
        return {q for q in store if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in left_out)}
    finally:
        del store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def copy(built: Built, tmp_path: Path) -> Path:
    """A copy of the built store that a test may change."""
    path = tmp_path / "store"
    shutil.copytree(built.store, path)
    return path


@pytest.fixture(scope="module")
def expected(built: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The two outcomes a build-versus-add race may leave: the build alone, and the build then the add (made
    one after the other, in this process)."""
    path = tmp_path_factory.mktemp("outcome") / "store"
    shutil.copytree(built.store, path)
    alone = fingerprint(path)
    assert main(["add", str(NEW), "--store", str(path), "--quiet"]) == 0
    return {"build": alone, "build+add": fingerprint(path)}


def peerkg(*args: str, wait: float = 10) -> subprocess.Popen[str]:
    env = dict(os.environ, PEERKG_LOCK_WAIT=str(wait), PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "peerkg.cli", *args, "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)


def wait_until_locked(path: Path, process: subprocess.Popen[str], seconds: float = 30) -> None:
    """Until `process` holds peerkg's writer lock on the store (its pid in `<store>.lock`)."""
    lock = path.with_name(path.name + ".lock")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(process.pid):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the writer never took the lock")


# -- one lock for every writer -------------------------------------------------------------------------

def test_an_add_during_a_build_waits_for_it_and_is_kept(copy: Path, expected: dict[str, str]) -> None:
    """The race of the issue (13 of 13 corrupted): build, and an add while it runs. The add waits for the
    build's lock, then writes into the new store: both exit 0 and the store is the build then the add."""
    build = peerkg("build", "--store", str(copy), "--no-release")
    wait_until_locked(copy, build)
    add = peerkg("add", str(NEW), "--store", str(copy), wait=60)
    assert build.wait(120) == 0, build.communicate()
    assert add.wait(120) == 0, add.communicate()
    assert fingerprint(copy) == expected["build+add"]


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from peerkg.graph.store import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_an_add_that_cannot_wait_is_refused_naming_the_writer(copy: Path, expected: dict[str, str]) -> None:
    """A writer (a long build, here a process that holds the writer lock) and an add that may wait 0.2 s:
    the add is refused naming the writer's process, and the store is unchanged."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(copy)], stdout=subprocess.PIPE, text=True,
                              env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        add = peerkg("add", str(NEW), "--store", str(copy), wait=0.2)
        _, err = add.communicate(timeout=120)
        assert add.returncode == 2
        assert f"the store at {copy} is in use by process {holder.pid}" in err
        assert "nothing was" in err or "set PEERKG_LOCK_WAIT" in err
    finally:
        holder.kill()
        holder.wait()
    assert fingerprint(copy) == expected["build"]


def test_two_builds_leave_one_build(copy: Path, expected: dict[str, str]) -> None:
    first, second = (peerkg("build", "--store", str(copy), "--no-release", wait=60) for _ in range(2))
    assert first.wait(180) == 0, first.communicate()
    assert second.wait(180) == 0, second.communicate()
    assert fingerprint(copy) == expected["build"]
    assert not copy.with_name("store.new").exists() and not copy.with_name("store.old").exists()


@pytest.fixture()
def server(copy: Path, request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[bytes]]:
    """`oxigraph serve` (or serve-read-only) on the copy, on a free loopback port, stopped afterwards."""
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), request.param, "--location", str(copy), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield process
    process.terminate()
    process.wait(10)


@pytest.mark.parametrize("server", ["serve", "serve-read-only"], indirect=True)
def test_a_build_never_swaps_a_folder_a_server_holds(copy: Path, server: subprocess.Popen[bytes],
                                                      expected: dict[str, str]) -> None:
    """A running `oxigraph serve` holds RocksDB's lock, `serve-read-only` has the files open: the build
    refuses, naming the server's process, and the store stays as it was (and readers still work)."""
    build = peerkg("build", "--store", str(copy), "--no-release", wait=0.5)
    _, err = build.communicate(timeout=120)
    assert build.returncode == 2
    assert f"the store at {copy} is in use by process {server.pid}" in err
    assert fingerprint(copy) == expected["build"]
    export = peerkg("export", "--store", str(copy), "--format", "nt")
    out, err = export.communicate(timeout=60)
    assert export.returncode == 0, err
    assert "<https://w3id.org/peerkg/id/chien-2019>" in out


@pytest.mark.parametrize("server", ["serve"], indirect=True)
def test_an_add_is_refused_while_a_server_holds_the_store(copy: Path, server: subprocess.Popen[bytes],
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          expected: dict[str, str]) -> None:
    monkeypatch.setenv("PEERKG_LOCK_WAIT", "0.3")
    code, out, err = run(capsys, "add", str(NEW), "--store", str(copy))
    assert code == 2 and out == ""
    assert f"the store at {copy} is in use by process {server.pid}" in err
    assert fingerprint(copy) == expected["build"]


# -- no text can break the store's serialisation ------------------------------------------------------

def test_a_line_separator_cannot_inject_a_quad(copy: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's attack: U+2028, a whole N-Quads line giving chien-2019 a second rating, U+2029. The text
    is kept exactly, in its own entry's graph; no other graph changes."""
    line = ("<https://w3id.org/peerkg/id/chien-2019> <https://w3id.org/peerkg/amstar2Rating> "
            "<https://w3id.org/peerkg/vocab/amstar2/critically-low> <https://w3id.org/peerkg/graph/entry/chien-2019> .")
    entry = tmp_path / "new-2023.yaml"
    attack = "Peer support\u2028" + line + "\u2029 and more"
    entry.write_text(NEW.read_text("utf-8").replace(TITLE, "    title: " + json.dumps(attack)), "utf-8")
    graph = "https://w3id.org/peerkg/graph/entry/new-2023"
    before = quads_outside(copy, graph)
    code, out, err = run(capsys, "add", str(entry), "--store", str(copy))
    assert code == 0, err
    assert quads_outside(copy, graph) == before
    code, out, _ = run(capsys, "export", "--store", str(copy), "--format", "nt")
    assert code == 0
    exported = Graph().parse(data=out, format="nt")
    assert (URIRef("https://w3id.org/peerkg/id/new-2023/paper/1"), URIRef("http://purl.org/dc/terms/title"),
            Literal(attack)) in exported
    assert not set(exported.objects(URIRef("https://w3id.org/peerkg/id/chien-2019"),
                                    URIRef("https://w3id.org/peerkg/amstar2Rating")))
    ratings = set(exported.objects(URIRef("https://w3id.org/peerkg/id/chien-2019/inclusion/1"),
                                   URIRef("https://w3id.org/peerkg/amstar2Rating")))
    assert ratings == {URIRef("https://w3id.org/peerkg/vocab/amstar2/high")}  # Cooper's rating, on the inclusion


def test_to_nquads_keeps_every_line_separator_inside_its_line() -> None:
    graph = Graph()
    text = "a\u2028b\u2029c\x85d\x0ce\x0bf\x1cg\x1dh\x1ei\rj\nk"
    graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(text)))
    nquads = to_nquads([("https://example.org/g", graph)])
    assert nquads.count("\n") == 1
    store = ox.Store()
    store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    (quad,) = list(store)
    assert quad.object == ox.Literal(text)


# -- nothing reaches out ------------------------------------------------------------------------------

class _Listener(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {}}')

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server on a free port that records every request (there must be none)."""
    seen: list[str] = []
    handler = type("Handler", (_Listener,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture()
def trap(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A file that must not be read: a FIFO whose writer notes when anyone opens it for reading."""
    path = tmp_path / "secret.jsonld"
    os.mkfifo(path)
    opened: list[str] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet
                time.sleep(0.02)
                continue
            opened.append("opened")
            os.write(fd, b'{"@context": {}}')
            os.close(fd)
            return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield path, opened
    done.set()
    thread.join(2)


def test_nothing_is_fetched_or_read_by_any_command(listener: tuple[str, list[str]], trap: tuple[Path, list[str]],
                                                   copy: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url, seen = listener
    secret, opened = trap
    node = {"@id": "https://w3id.org/peerkg/id/new-2023", "@type": "https://w3id.org/peerkg/Review"}
    entries = {
        "nested-context.jsonld": json.dumps({**node, "@context": [[f"{url}/ctx"]]}),
        "import.jsonld": json.dumps({**node, "@context": {"@import": f"{url}/import", "@version": 1.1}}),
        "scoped.jsonld": json.dumps({**node, "@context": {"@version": 1.1, "pk": {
            "@id": "https://w3id.org/peerkg/", "@context": f"{url}/scoped"}}}),
        "file-context.jsonld": json.dumps({**node, "@context": secret.as_uri()}),
        "graph-context.jsonld": json.dumps({"@graph": [{**node, "@context": {"@context": [f"{url}/deep"]}}]}),
        "imports.ttl": (Path(REPO / "tests" / "invalid" / "turtle-owl-imports.ttl").read_text("utf-8")
                        .replace("http://127.0.0.1:9/ontology.ttl", f"{url}/ontology.ttl")),
        "entity.rdf": f'<!DOCTYPE r [<!ENTITY e SYSTEM "{url}/entity">]><r>&e;</r>',
    }
    before = fingerprint(copy)
    for name, text in entries.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        for command in (["validate", str(path), "--store", str(copy)], ["add", str(path), "--store", str(copy)],
                        ["export-entry", str(path)]):
            code, _, err = run(capsys, *command)
            assert code in (1, 2), (name, command, err)
    queries = {
        "service.rq": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "service-silent.rq": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "from.rq": f"SELECT * FROM <{url}/data.ttl> FROM NAMED <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
        "load.rq": f"LOAD <{url}/data.ttl>",
    }
    for name, text in queries.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        code, _, err = run(capsys, "sparql", str(path), "--store", str(copy))
        assert code in (0, 2), (name, err)
        if "service" in name:
            assert code == 2 and "SERVICE is not allowed" in err
    time.sleep(0.3)
    assert seen == [] and opened == []
    assert fingerprint(copy) == before


# -- limits before parsing ----------------------------------------------------------------------------

def test_a_200_kb_nested_yaml_answers_within_a_second(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nested-2023.yaml"
    depth = 100_000
    path.write_text("id: nested-2023\nnotes: " + "[" * depth + "]" * depth + "\n", "utf-8")
    assert path.stat().st_size > 200_000
    started = time.monotonic()
    code, out, _ = run(capsys, "validate", str(path), "--no-store", "--format", "json")
    assert time.monotonic() - started < 1.0
    assert code == 2
    (issue,) = json.loads(out)["issues"]
    assert issue["rule"] == "too-deep" and f"nested {depth} deep" in issue["message"]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path, copy: Path) -> None:
    fifo = tmp_path / "pipe-2023.yaml"
    os.mkfifo(fifo)
    before = fingerprint(copy)
    add = peerkg("add", str(fifo), "--store", str(copy))
    _, err = add.communicate(timeout=60)
    assert add.returncode == 2
    assert f"{fifo}: error: not a regular file" in err and "[rule not-a-file]" in err
    assert fingerprint(copy) == before


def test_a_local_query_is_cut_at_its_time_limit_and_says_so(built: Built, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "cartesian.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "utf-8")
    started = time.monotonic()
    code, out, err = run(capsys, "sparql", str(query), "--store", str(built.store), "--timeout", "0.5")
    assert time.monotonic() - started < 3
    assert code == 1
    assert "ran past its time limit" in err and "the result was cut" in err
    assert "(cut: the query ran past its time limit" in out


# -- safe output --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "safe"), [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"), ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-0.29", "-0.29"), ("+3", "+3"), ("1e-3", "1e-3"), ("Chien", "Chien"), ("", ""),
])
def test_cells_that_spreadsheets_would_run_are_neutralised(cell: str, safe: str) -> None:
    assert neutralise_cell(cell) == safe


def test_query_output_neutralises_formulas_and_escapes_control_characters(built: Built, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "cells.rq"
    query.write_text('SELECT ?x WHERE { VALUES ?x { "=HYPERLINK(\\"http://evil\\")" "-0.5" '
                     '"a\\u001B[2Jb" } } ORDER BY ?x', "utf-8")
    code, out, _ = run(capsys, "sparql", str(query), "--store", str(built.store), "--format", "csv")
    assert code == 0
    assert out.splitlines()[1:3] == ['-0.5', '"\'=HYPERLINK(""http://evil"")"']
    code, out, _ = run(capsys, "sparql", str(query), "--store", str(built.store), "--format", "tsv")
    assert "'=HYPERLINK" in out
    code, out, _ = run(capsys, "sparql", str(query), "--store", str(built.store))
    assert "\x1b" not in out and "a\\x1b[2Jb" in out
    assert escape_unseen("x\u202ey") == "x\\u202ey"


def test_the_template_csv_neutralises_formulas_and_reads_them_back(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    entry = tmp_path / "new-2023.yaml"
    entry.write_text(NEW.read_text("utf-8").replace('authors: "New A, Other B"',
                                                    'authors: "=HYPERLINK(\\"http://evil\\",\\"New A\\")"'), "utf-8")
    folder = tmp_path / "sheets"
    code, _, err = run(capsys, "template", str(folder), "--entry", str(entry))
    assert code == 0, err
    papers = (folder / "papers.csv").read_text("utf-8")
    assert "'=HYPERLINK" in papers and ",=HYPERLINK" not in papers
    code, out, _ = run(capsys, "export-entry", str(folder), "--format", "nt")
    assert code == 0
    assert '"=HYPERLINK(\\"http://evil\\",\\"New A\\")"' in out


def test_a_damaged_store_names_itself_and_how_to_rebuild(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for table in copy.glob("*.sst"):
        table.unlink()
    for command in (["export", "--format", "nt"], ["query", "reviews"]):
        code, _out, err = run(capsys, *command, "--store", str(copy))
        assert code == 2, (command, err)
        assert str(copy) in err and f"peerkg build --store {copy}" in err


# -- arbitrary text round-trips exactly and touches nothing else --------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\u2028\u2029 "),
               min_size=1, max_size=40).map(str.strip).filter(bool)
FIELDS = {"title": TITLE, "authors": '  - authors: "New A, Other B"', "journal": '    journal: "Test J"',
          "citation": '    citation: "Test J. 2023;4:1–12."'}
PROPERTIES = {"title": "http://purl.org/dc/terms/title", "authors": "https://w3id.org/peerkg/authors",
              "journal": "https://w3id.org/peerkg/journal", "citation": "http://purl.org/dc/terms/bibliographicCitation"}


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the ontology, vocabularies and sources without the curated entries: small, so that each
    example's export stays quick."""
    from peerkg.commands.build import build

    root = tmp_path_factory.mktemp("fuzz")
    (root / "data").mkdir()
    build(root / "store", None, data_dir=root / "data")
    return root / "store"


_counter = iter(range(10_000))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.fixed_dictionaries({name: TEXT for name in FIELDS}))
def test_any_unicode_text_round_trips_through_add_and_export(texts: dict[str, str], fuzz_store: Path,
                                                             tmp_path: Path) -> None:
    n = next(_counter)
    ident = f"fuzz-{n}-2023"
    source = NEW.read_text("utf-8").replace("id: new-2023", f"id: {ident}")
    # the small store holds no umbrella review for it to be included in: the entry is a review of its own
    source = re.sub(r"^included_in:\n(?:[ #].*\n)+", "", source, flags=re.MULTILINE)
    for name, line in FIELDS.items():
        assert line in source, line  # the fixture's line to fuzz
        source = source.replace(line, line.split(":", 1)[0] + ": " + json.dumps(texts[name], ensure_ascii=False))
    entry = tmp_path / f"{ident}.yaml"
    entry.write_text(source, "utf-8")
    assert yaml.safe_load(source)["papers"][0]["title"] == texts["title"]
    graph = f"https://w3id.org/peerkg/graph/entry/{ident}"
    before = quads_outside(fuzz_store, graph)
    assert main(["add", str(entry), "--store", str(fuzz_store), "--quiet"]) == 0
    assert quads_outside(fuzz_store, graph) == before
    exported = Graph().parse(data=export_store(fuzz_store, "nt"), format="nt")
    paper = URIRef(f"https://w3id.org/peerkg/id/{ident}/paper/1")
    for name, prop in PROPERTIES.items():
        assert set(exported.objects(paper, URIRef(prop))) == {Literal(texts[name])}, name
