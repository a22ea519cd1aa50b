"""`peerkg push`: the built graph uploaded to a triple store, each named graph replaced all or nothing.

Every named graph of the store (ontology, import module, vocabularies, sources, each entry, the query
catalogue) is first uploaded through the SPARQL 1.1 Graph Store HTTP Protocol (PUT, as Turtle: N-Triples,
which every store reads) into a staging graph of its own, `urn:peerkg:staging:RUN:N`. Only when all of them are
there does one SPARQL Update request move them into place (`MOVE <staging> TO <graph>`; one request is one
transaction on Oxigraph, Virtuoso and Fuseki), so an interruption before that leaves the remote graphs as
they were; the staged copies it leaves are dropped by the next push. Afterwards the remote triple count of
every graph is checked against the store's.

Credentials come from the environment only: PEERKG_PUSH_USER and PEERKG_PUSH_PASSWORD (HTTP digest or
basic authentication, whichever the server asks for).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerkg.errors import EndpointError, StoreError
from peerkg.namespaces import graph_name

STAGING = "urn:peerkg:staging:"
TIMEOUT_SECONDS = 300
USER_VARIABLE, PASSWORD_VARIABLE = "PEERKG_PUSH_USER", "PEERKG_PUSH_PASSWORD"
# Graph Store endpoint suffix -> (SPARQL Update endpoint suffix, SPARQL query endpoint suffix)
LAYOUTS = {
    "/store": ("/update", "/query"),                                   # Oxigraph
    "/sparql-graph-crud-auth": ("/sparql-auth", "/sparql-auth"),       # Virtuoso, authenticated
    "/sparql-graph-crud": ("/sparql", "/sparql"),                      # Virtuoso
    "/data": ("/update", "/query"),                                    # Fuseki (/DATASET/data)
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Endpoints:
    """The three URLs a push talks to."""

    graph_store: str
    update: str
    query: str


def endpoints(graph_store: str, update: str | None = None, query: str | None = None) -> Endpoints:
    """The update and query endpoints beside a Graph Store endpoint: given, or derived from the known layouts
    (LAYOUTS). Raises EndpointError for a URL that is not http(s) or a layout it cannot derive from."""
    for url in (graph_store, update, query):
        if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise EndpointError(f"{url!r} is not an http(s) URL")
    path = urllib.parse.urlsplit(graph_store).path.rstrip("/")
    for suffix, (update_suffix, query_suffix) in LAYOUTS.items():
        if path.endswith(suffix):
            base = graph_store.rstrip("/")[: -len(suffix)]
            return Endpoints(graph_store, update or base + update_suffix, query or base + query_suffix)
    if update and query:
        return Endpoints(graph_store, update, query)
    raise EndpointError(f"cannot tell the SPARQL Update and query endpoints that go with {graph_store}: pass "
                        "--update-endpoint and --query-endpoint")


class PreemptiveDigest(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that, once it has a challenge, answers it in advance on every later request:
    a server that rejects an unauthenticated upload closes the connection before reading the body, which
    a large PUT sees as a broken pipe."""

    challenge: dict[str, str] | None = None

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not req.has_header("Authorization"):
            authorization = self.get_authorization(req, self.challenge)
            if authorization:
                req.add_unredirected_header("Authorization", f"Digest {authorization}")
        return req

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _, _, challenge = auth.partition(" ")
        self.challenge = urllib.request.parse_keqv_list(
            [part for part in urllib.request.parse_http_list(challenge) if part])
        return super().retry_http_digest_auth(req, auth)


class Remote:
    """HTTP calls to one server, with the credentials of the environment; every failure is an EndpointError
    whose message says what the server did (unreachable, refused, unauthorised) and what state it is in."""

    def __init__(self, where: Endpoints) -> None:
        self.where = where
        user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
        if bool(user) != bool(password):
            raise EndpointError(f"set both {USER_VARIABLE} and {PASSWORD_VARIABLE}, or neither")
        handlers: list[urllib.request.BaseHandler] = []
        self.authenticated = bool(user)
        if user and password:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (where.graph_store, where.update, where.query):
                passwords.add_password(None, url, user, password)
            handlers += [PreemptiveDigest(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self.opener = urllib.request.build_opener(*handlers)
        self.state = "nothing was changed on the server"

    def call(self, method: str, url: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        """One request; the response body, or EndpointError (unreachable, refused, unauthorised, broken)."""
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"Content-Type": content_type, "Accept": accept})
        try:
            with self.opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read(600).decode("utf-8", "replace").split())[:300]
            if exc.code == 401:
                why = ("the credentials of $PEERKG_PUSH_USER were refused" if self.authenticated else
                       f"it asks for credentials: set {USER_VARIABLE} and {PASSWORD_VARIABLE}")
                raise EndpointError(f"{url} answered 401 Unauthorized: {why}; {self.state}") from None
            raise EndpointError(f"{url} refused {method} with {exc.code} {exc.reason}: {detail}; "
                                f"{self.state}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)):
                raise EndpointError(f"cannot reach {url}: {exc.reason}; {self.state}") from None
            raise EndpointError(f"the connection to {url} broke ({exc.reason}); {self.state}") from None
        except (http.client.HTTPException, OSError) as exc:
            raise EndpointError(f"the connection to {url} broke ({type(exc).__name__}: {exc}); "
                                f"{self.state}") from None

    def update(self, text: str) -> None:
        """Runs a SPARQL Update on the update endpoint."""
        self.call("POST", self.where.update, urllib.parse.urlencode({"update": text}).encode(),
                  "application/x-www-form-urlencoded")

    def select(self, text: str) -> list[dict[str, str]]:
        """A SELECT's bindings as {variable: value} (values as text)."""
        answer = self.call("POST", self.where.query, urllib.parse.urlencode({"query": text}).encode(),
                           "application/x-www-form-urlencoded", "application/sparql-results+json")
        try:
            bindings = json.loads(answer)["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise EndpointError(f"{self.where.query} did not answer in SPARQL JSON") from None
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    def put(self, graph: str, data: bytes) -> None:
        """Replaces the named graph `graph` with `data` (N-Triples, sent as Turtle) on the Graph Store."""
        url = self.where.graph_store + ("&" if "?" in self.where.graph_store else "?") + \
            urllib.parse.urlencode({"graph": graph})
        self.call("PUT", url, data, "text/turtle; charset=utf-8")


def remote_counts(remote: Remote) -> dict[str, int]:
    """Triples per named graph on the server."""
    rows = remote.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows if "g" in row and "n" in row}


def local_graphs(store_path: Path) -> dict[str, tuple[int, bytes]]:
    """Each named graph of the store: its triple count and its N-Triples. Raises StoreError."""
    import pyoxigraph as ox

    if not (store_path / "CURRENT").exists():
        raise StoreError(f"no store at {store_path}: run `peerkg build` first (or pass --store)")
    try:
        store = ox.Store.read_only(str(store_path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {store_path}: {exc}") from None
    graphs: dict[str, tuple[int, bytes]] = {}
    for graph in sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value):
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        graphs[graph.value] = (sum(1 for line in data.splitlines() if line.strip()), data)
    return graphs


def push_store(store_path: Path, graph_store: str, update: str | None = None, query: str | None = None,
               progress: Progress | None = None) -> list[str]:
    """Pushes every named graph of the store; returns the summary lines (one per graph, then the total).
    Raises EndpointError (unreachable, refused, unauthorised, counts that differ afterwards), StoreError."""
    say = progress or (lambda _: None)
    where = endpoints(graph_store, update, query)
    graphs = local_graphs(store_path)
    if not graphs:
        raise StoreError(f"the store at {store_path} holds no named graph: nothing to push")
    remote = Remote(where)
    leftovers = [g for g in remote_counts(remote) if g.startswith(STAGING)]
    if leftovers:
        say(f"dropping {len(leftovers)} staged graph(s) an interrupted push left")
        remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))
    run = secrets.token_hex(6)
    staged = {name: f"{STAGING}{run}:{n}" for n, name in enumerate(graphs)}
    remote.state = ("the graphs on the server are unchanged (staged copies under " + STAGING + run +
                    ": are dropped by the next push)")
    total_bytes = sum(len(data) for _, data in graphs.values())
    sent = 0
    for n, (name, (count, data)) in enumerate(graphs.items(), 1):
        remote.put(staged[name], data)
        sent += len(data)
        say(f"[{n}/{len(graphs)}] staged {_short(name)}: {count:,} triples "
            f"({sent / 1e6:.2f} of {total_bytes / 1e6:.2f} MB)")
    say(f"moving {len(graphs)} graphs into place in one update")
    remote.state = "the server may or may not have applied the move; run the push again"
    remote.update(" ;\n".join(f"MOVE <{staged[name]}> TO <{name}>" for name in graphs))
    remote.state = "the graphs were replaced"
    found = remote_counts(remote)
    wrong = [f"{name}: {count} here, {found.get(name, 0)} there" for name, (count, _) in graphs.items()
             if found.get(name, 0) != count]
    if wrong:
        raise EndpointError("the server holds other triple counts than the store after the push: "
                            + "; ".join(wrong[:5]) + (f" (and {len(wrong) - 5} more)" if len(wrong) > 5 else ""))
    triples = sum(count for count, _ in graphs.values())
    return [*(f"{name}\t{count}" for name, (count, _) in graphs.items()),
            f"pushed {len(graphs)} graphs, {triples:,} triples, to {graph_store}; the remote counts match"]


def _short(name: str) -> str:
    base = graph_name("")
    return name[len(base):] if name.startswith(base) else name
