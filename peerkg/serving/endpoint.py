"""`peerkg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store, with a query page.

Routes:
    GET  /                   the query page (YASGUI, served from this package: works offline)
    GET  /static/FILE        the page's scripts and styles
    GET|POST /sparql         SPARQL 1.1 Protocol (query by GET, form POST or direct POST); without a query,
                             the SPARQL Service Description; updates and SERVICE are refused with 403
    GET  /queries            the stored queries as JSON (name, summary, parameters, text)
    GET  /queries/NAME       a stored query run with its parameters from the query string
    GET  /openapi.json       the OpenAPI document of the stored queries

Queries run in worker subprocesses (`pool.py`) under a time limit and a result-size limit. The default
graph is the union of the named graphs, unless the request names graphs with `default-graph-uri`.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from peerkg import __version__
from peerkg.errors import EndpointError, QueryError
from peerkg.graph.store import graph_names, open_store
from peerkg.queries.catalogue import stored_queries
from peerkg.queries.params import bind
from peerkg.serving.formats import GRAPH_TYPES, SOLUTION_TYPES, negotiate
from peerkg.serving.pool import TEXT, Answer, Pool
from peerkg.serving.sparqltext import is_update, uses_service

PAGE = Path(__file__).resolve().parent / "page"
MAX_REQUEST_BYTES = 1 << 20
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8", ".md": "text/plain; charset=utf-8"}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON", "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV", "text/tab-separated-values": "SPARQL_Results_TSV", "text/turtle": "Turtle",
    "application/n-triples": "N-Triples", "application/ld+json": "JSON-LD", "application/rdf+xml": "RDF_XML",
}


@dataclass(frozen=True)
class Settings:
    """What `peerkg serve` is given: the store folder, where to listen, and the limits."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 7878
    workers: int = 4
    time_limit: float = 30.0
    max_bytes: int = 20_000_000
    log: bool = False


def _text(status: int, message: str) -> Answer:
    return Answer(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


class App:
    """The routes over a worker pool; `handle(method, target, headers, body)` -> Answer, no sockets here,
    so it can be tested and timed on its own."""

    def __init__(self, settings: Settings, pool: Pool, named_graphs: list[str], version: str,
                 stored: Callable[[], dict[str, Any]], bind: Callable[[Any, dict[str, str]], str]) -> None:
        self.settings, self.pool, self.named_graphs, self.version = settings, pool, named_graphs, version
        self.stored, self.bind = stored, bind
        # the bound texts kept: the same parameters repeat, and binding parses the query again (rdflib's parser
        # runs one parse at a time, peerkg.queries.params)
        self.bound: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        url = urlsplit(target)
        path = url.path
        if path == "/sparql":
            if method not in ("GET", "POST"):
                return _text(405, "the SPARQL endpoint takes GET and POST")
            return self.sparql(method, url.query, headers, body)
        if method != "GET":
            return _text(405, f"{path} takes GET")
        if path == "/":
            return self.static("index.html")
        if path.startswith("/static/"):
            return self.static(path[len("/static/"):])
        if path == "/openapi.json":
            from peerkg.serving.openapi import openapi_document

            document = openapi_document(self.stored(), self.version)
            return Answer(200, "application/json", json.dumps(document, indent=1).encode("utf-8"))
        if path in ("/queries", "/queries/"):
            return self.catalogue()
        if path.startswith("/queries/"):
            return self.stored_query(path[len("/queries/"):], url.query, headers)
        return _text(404, f"nothing at {path}: the endpoint is /sparql, the page /, the stored queries /queries")

    # -- SPARQL protocol ------------------------------------------------------------------------------

    def sparql(self, method: str, query_string: str, headers: dict[str, str], body: bytes) -> Answer:
        """The SPARQL 1.1 Protocol: the query from the URL, a form or the body; 403 for updates, 415 for a
        body of another type, 400 for none or two queries; the service description for a GET without one."""
        params = parse_qs(query_string, keep_blank_values=True)
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if method == "POST":
            if content_type == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                except UnicodeDecodeError:
                    return _text(400, "the form is not UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif content_type == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    return _text(400, "the query is not UTF-8")
            elif content_type == "application/sparql-update":
                return _text(403, "this endpoint is read-only: SPARQL updates are refused")
            else:
                return _text(415, "POST a query as application/x-www-form-urlencoded (query=...) or as "
                             "application/sparql-query")
        if "update" in params:
            return _text(403, "this endpoint is read-only: SPARQL updates are refused")
        queries = params.get("query", [])
        if not queries:
            if method == "GET":
                return self.service_description(headers)
            return _text(400, "no query: send it as the `query` parameter")
        if len(queries) > 1:
            return _text(400, "more than one `query` parameter")
        return self.run(queries[0], headers.get("accept"), params.get("default-graph-uri"),
                        params.get("named-graph-uri"))

    def run(self, query: str, accept: str | None, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None) -> Answer:
        """Runs a query in a worker after the lexical guards (403 for an update or SERVICE)."""
        if is_update(query):
            return _text(403, "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, DROP, ...) are "
                         "refused")
        if uses_service(query):
            return _text(403, "SERVICE is refused: this endpoint never calls other endpoints")
        return self.pool.run(query, accept, default_graphs, named_graphs)

    def service_description(self, headers: dict[str, str]) -> Answer:
        """The SPARQL 1.1 Service Description, in Turtle or another RDF format the client accepts."""
        import pyoxigraph as ox

        endpoint = f"http://{headers.get('host') or f'{self.settings.host}:{self.settings.port}'}/sparql"
        formats = " ,\n    ".join(f"<http://www.w3.org/ns/formats/{FORMAT_IRIS[m]}>"
                                  for m in (*SOLUTION_TYPES, *GRAPH_TYPES) if m in FORMAT_IRIS)
        graphs = "".join(f"\n    sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ] ;" for g in self.named_graphs)
        turtle = f"""@prefix sd: <{SD}> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}#service> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  dcterms:description "peerkg, read-only: updates and SERVICE are refused; each query may run \
{self.settings.time_limit:g} s and answer {self.settings.max_bytes:,} bytes at most" ;
  sd:resultFormat {formats} ;
  sd:defaultDataset [ a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ; dcterms:description "the union of the named graphs" ] ;{graphs}
  ] .
"""
        media = negotiate(headers.get("accept"), GRAPH_TYPES)
        if media is None:
            return _text(406, "the service description is sent as " + ", ".join(GRAPH_TYPES))
        if media == "text/turtle":
            return Answer(200, "text/turtle; charset=utf-8", turtle.encode("utf-8"))
        triples = ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        data = ox.serialize(triples, format=getattr(ox.RdfFormat, GRAPH_TYPES[media]))
        return Answer(200, media, data or b"")

    # -- stored queries and page ------------------------------------------------------------------------

    def catalogue(self) -> Answer:
        """The stored queries as a JSON list: name, summary, description, research questions, url,
        parameters (name, type, default, description) and the query text."""
        listing = [{"name": q.name, "summary": q.summary, "description": q.description,
                    "research_questions": list(q.research_questions), "url": f"/queries/{q.name}",
                    "parameters": [{"name": p.name, "type": p.type,
                                    "default": None if p.optional else p.default,
                                    "description": p.description} for p in q.params.values()],
                    "text": q.text} for q in self.stored().values()]
        return Answer(200, "application/json", json.dumps(listing, indent=1).encode("utf-8"))

    def stored_query(self, name: str, query_string: str, headers: dict[str, str]) -> Answer:
        """A stored query run with the parameters of the query string: 404 for an unknown name, 400 (with the
        reason from peerkg.queries.params.bind) for an unknown, repeated or ill-fitting parameter."""
        queries = self.stored()
        if name not in queries:
            return _text(404, f"no stored query named {name!r}; /queries lists them")
        params: dict[str, str] = {}
        for key, values in parse_qs(query_string, keep_blank_values=True).items():
            if len(values) > 1:
                return _text(400, f"parameter {key} is given {len(values)} times; give it once")
            params[key] = values[0]
        cache_key = (name, tuple(sorted(params.items())))
        text = self.bound.get(cache_key)
        if text is None:
            try:
                text = self.bind(queries[name], params)
            except QueryError as exc:
                return _text(400, str(exc))
            if len(self.bound) > 10_000:
                self.bound.clear()
            self.bound[cache_key] = text
        return self.pool.run(text, headers.get("accept"))

    def static(self, name: str) -> Answer:
        """A file of page/ (html, js, css, md), or 404: no other path can be named."""
        files = {p.relative_to(PAGE).as_posix(): p for p in PAGE.rglob("*") if p.suffix in STATIC_TYPES}
        if name not in files:
            return _text(404, f"no file {name} on this page")
        return Answer(200, STATIC_TYPES[files[name].suffix], files[name].read_bytes())


def _handler(app: App, log: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "peerkg"

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_REQUEST_BYTES:
                answer = _text(413, f"the request is larger than {MAX_REQUEST_BYTES:,} bytes")
                self.close_connection = True
            else:
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = app.handle(method, self.path, headers, body)
            self.send_response(answer.status, HTTPStatus(answer.status).phrase)
            self.send_header("Content-Type", answer.media_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if answer.status == 405:
                self.send_header("Allow", "GET, POST" if self.path.startswith("/sparql") else "GET")
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(answer.body)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def log_message(self, format: str, *args: Any) -> None:
            if log:
                super().log_message(format, *args)

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


@dataclass
class Running:
    """A started endpoint: its URL, and `stop()` to close the socket and the workers."""

    url: str
    server: Server
    pool: Pool
    thread: threading.Thread | None = None

    def stop(self) -> None:
        if self.thread is not None:
            self.server.shutdown()
        self.server.server_close()
        self.pool.close()
        if self.thread is not None:
            self.thread.join(timeout=10)


def start(settings: Settings, *, in_thread: bool = False) -> Running:
    """Opens the store, starts the workers and binds the socket (port 0 picks a free one). With
    `in_thread` the server answers from a daemon thread; otherwise call `server.serve_forever()`.
    Raises StoreError (no store, or one that cannot be opened) and EndpointError (the address is taken)."""
    store = open_store(settings.store, read_only=True)
    graphs = graph_names(store)
    del store
    stored_queries()  # a malformed stored query is an error now, not at the first request
    pool = Pool(settings.store, settings.workers, settings.time_limit, settings.max_bytes)
    try:
        app = App(settings, pool, graphs, __version__, stored_queries, bind)
        try:
            server = Server((settings.host, settings.port), _handler(app, settings.log))
        except OSError as exc:
            raise EndpointError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    except BaseException:
        pool.close()
        raise
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    running = Running(f"http://{shown}:{server.server_port}", server, pool)
    if in_thread:
        running.thread = threading.Thread(target=server.serve_forever, name="peerkg-serve", daemon=True)
        running.thread.start()
    return running


def serve(settings: Settings) -> None:
    """Serves until interrupted (Ctrl-C), then stops the workers. Errors as `start`."""
    running = start(settings)
    if settings.host not in LOOPBACK:
        print(f"warning: listening on {settings.host}, not only on this machine", file=sys.stderr)
    print(f"peerkg serve: {running.url}/ (the query page), {running.url}/sparql (SPARQL endpoint), "
          f"{running.url}/openapi.json; time limit {settings.time_limit:g} s, result limit "
          f"{settings.max_bytes:,} bytes, {settings.workers} workers; Ctrl-C stops", file=sys.stderr, flush=True)
    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)  # `kill PID` stops the workers too
    try:
        running.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.server.server_close()
        running.pool.close()
