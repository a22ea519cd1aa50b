"""Running SPARQL: stored queries with checked parameters (peerkg.queries.params), on the embedded store or
a remote endpoint, with results as plain Python data, a table or a standard results format.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from peerkg.errors import QueryError, StoreError
from peerkg.graph.store import default_store_path, open_store, to_rdflib
from peerkg.namespaces import expand
from peerkg.queries.catalogue import get
from peerkg.queries.params import algebra, bind
from peerkg.queries.results import Result, Term, plain_value

TIMEOUT_SECONDS = 120
# How long a query may run on the embedded store before its result is cut (`--timeout` of query and sparql).
LOCAL_TIME_LIMIT = 5.0

# The SERVICE keyword (federated query) outside IRIs, strings and comments: a local query never reaches out.
_SERVICE = re.compile(r"(?<![?$\w:.\-])SERVICE(?=[\s<?$])", re.IGNORECASE)
_NOT_CODE = re.compile(r"<[^<>\s]*>|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'"
                       r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def refuse_service(text: str) -> None:
    """Raises QueryError when a query holds SERVICE: the embedded store answers from its own data only, and
    a query must not make peerkg call another address."""
    if _SERVICE.search(_NOT_CODE.sub(" ", text)):
        raise QueryError("SERVICE is not allowed on the embedded store: a local query never calls another "
                         "address (run it on that endpoint with --endpoint instead)")


# -- running ----------------------------------------------------------------------------------------

def _answer(text: str, store: Path | ox.Store | None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    refuse_service(text)
    target = store if isinstance(store, ox.Store) else open_store(store, read_only=True)
    try:
        return target.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"the query does not parse: {exc}") from None
    except OSError as exc:
        raise StoreError(f"the store could not answer: {exc}") from None


def local_records(text: str, store: Path | ox.Store | None = None) -> list[dict[str, Any]]:
    """A SELECT query's rows on the embedded store as plain Python data, converted straight from pyoxigraph's
    terms (as `Result.records` gives them, without rdflib terms in between). Raises QueryError for a query
    that does not parse or is no SELECT, StoreError when the store cannot answer."""
    answer = _answer(text, store)
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError("only a SELECT query has rows")
    variables = [v.value for v in answer.variables]
    try:
        return [{name: plain_value(solution[name]) for name in variables} for solution in answer]
    except OSError as exc:
        raise StoreError(f"the store could not answer: {exc}") from None


def run_local(text: str, store: Path | ox.Store | None = None, time_limit: float | None = LOCAL_TIME_LIMIT,
              ) -> Result:
    """Runs a query on the embedded store, its named graphs seen as one default graph. The query runs in a
    worker thread (pyoxigraph releases the GIL); after `time_limit` seconds (None: no limit) the rows found
    so far are returned with `Result.cut` set. Raises QueryError (SERVICE, a query that does not parse) or
    StoreError (a store that cannot be read, naming it and how to rebuild it)."""
    refuse_service(text)
    path = None if isinstance(store, ox.Store) else (store or default_store_path())
    target = store if isinstance(store, ox.Store) else open_store(path, read_only=True)
    outcome: dict[str, Any] = {}
    collected: list[Any] = []
    stop = threading.Event()

    def work() -> None:
        # the whole query in the worker: pyoxigraph's answers may be used only by the thread that made them
        try:
            answer = target.query(text, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                outcome["boolean"] = bool(answer)
                return
            if isinstance(answer, ox.QuerySolutions):
                outcome["variables"] = [v.value for v in answer.variables]
            for item in answer:
                if stop.is_set():
                    return
                if isinstance(item, ox.QuerySolution):
                    collected.append([to_rdflib(item[n]) for n in outcome["variables"]])
                else:
                    collected.append((to_rdflib(item.subject), to_rdflib(item.predicate), to_rdflib(item.object)))
            outcome["triples"] = not isinstance(answer, ox.QuerySolutions)
        except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="peerkg-query", daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(time_limit)
    cut_after = time.monotonic() - started if worker.is_alive() else None
    stop.set()
    items = list(collected)
    error = outcome.get("error")
    if isinstance(error, SyntaxError):
        raise QueryError(f"the query does not parse: {error}")
    if error is not None:
        raise _unreadable(path, error)
    if "boolean" in outcome:
        return Result(boolean=outcome["boolean"])
    if "variables" not in outcome:  # a CONSTRUCT or DESCRIBE (or a query cut before it answered anything)
        if cut_after is None or "triples" in outcome or items:
            return Result(triples=items, cut_after=cut_after)
        return Result(cut_after=cut_after)
    variables: list[str] = outcome["variables"]
    rows = [dict(zip(variables, row, strict=True)) for row in items]
    return Result(variables, rows, cut_after=cut_after)


def _unreadable(path: Path | None, exc: BaseException) -> StoreError:
    where = f"the store at {path}" if path is not None else "the store"
    rebuild = f" --store {path}" if path is not None else ""
    return StoreError(f"{where} could not answer ({str(exc).splitlines()[0][:300] if str(exc) else exc!r}): "
                      f"if it is damaged, rebuild it with `peerkg build{rebuild}`")


def _from_json(binding: Mapping[str, str]) -> Term:
    kind, value = binding.get("type"), binding.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(value, datatype=URIRef(datatype), normalize=False)
    return Literal(value)


def run_remote(text: str, endpoint: str) -> Result:
    """Runs a query on a SPARQL endpoint through SPARQLWrapper (SELECT and ASK as JSON, graphs as N-Triples)."""
    # imported here: only a remote query needs SPARQLWrapper (start-up of local queries stays short)
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not re.match(r"^https?://", endpoint):
        raise QueryError(f"endpoint {endpoint!r} is not an http(s) URL")
    parsed = algebra(text)  # refuses updates and text that is no query, before anything is sent
    kind = getattr(parsed, "name", "")
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the query form from the first keyword-like word it finds, comments included ("added"
    # in a description reads as ADD, an update): set it from the parsed query, so a query is sent as a query
    wrapper.queryType = {"ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}.get(
        kind, "SELECT")
    wrapper.setMethod(POST)
    wrapper.setTimeout(TIMEOUT_SECONDS)
    graph_query = kind in ("ConstructQuery", "DescribeQuery")
    wrapper.setReturnFormat(N3 if graph_query else JSON)
    try:
        answer = wrapper.query().convert()
    except (SPARQLWrapperException, OSError, HTTPException, ValueError) as exc:
        raise QueryError(f"the endpoint {endpoint} could not answer: {type(exc).__name__}: {exc}") from None
    if graph_query:
        if isinstance(answer, (str, bytes)):
            answer = Graph().parse(data=answer, format="turtle")
        if not isinstance(answer, Graph):
            raise QueryError(f"the endpoint {endpoint} did not answer with RDF")
        return Result(triples=list(answer))  # type: ignore[arg-type]
    if not isinstance(answer, dict):
        raise QueryError(f"the endpoint {endpoint} did not answer in SPARQL JSON")
    if "boolean" in answer:
        return Result(boolean=bool(answer["boolean"]))
    variables = list(answer.get("head", {}).get("vars", []))
    rows = [{v: (_from_json(b[v]) if v in b else None) for v in variables}
            for b in answer.get("results", {}).get("bindings", [])]
    return Result(variables, rows)


def sparql(text: str, *, store: Path | ox.Store | None = None, endpoint: str | None = None,
           time_limit: float | None = LOCAL_TIME_LIMIT) -> Result:
    """Runs any SPARQL query text on the embedded store (cut after `time_limit` seconds), or on `endpoint`
    when given."""
    return run_remote(text, endpoint) if endpoint else run_local(text, store, time_limit)


def check_endpoint(endpoint: str) -> None:
    """Stops (QueryError) unless the endpoint's default graph holds the ontology header: a store that keeps
    the named graphs out of its default graph would answer every stored query with empty rows and zeros."""
    if run_remote(f"ASK {{ <{expand('pk:')}> a <{expand('owl:Ontology')}> }}", endpoint).boolean:
        return
    raise QueryError(f"the default graph of {endpoint} does not hold the peerkg graph (no ontology header "
                     f"<{expand('pk:')}>), so the stored queries would find nothing. peerkg keeps every entry in "
                     "its own named graph and queries the union of them as the default graph: load the graph "
                     "(`peerkg push`) and serve it with the union as default graph (`oxigraph serve "
                     "--union-default-graph`; Virtuoso does so by default; Fuseki: tdb2:unionDefaultGraph true)")


def query(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
          endpoint: str | None = None, time_limit: float | None = LOCAL_TIME_LIMIT) -> Result:
    """Runs a stored query by name with checked parameters (peerkg.queries.params.bind; on the embedded store
    without rdflib's re-parse, see there); on an endpoint, after `check_endpoint`; locally cut after
    `time_limit` seconds (see `run_local`). Raises QueryError (unknown query, bad parameter, endpoint without
    the graph) or StoreError."""
    text = bind(get(name), params, reparse=bool(endpoint))
    if endpoint:
        check_endpoint(endpoint)
    return sparql(text, store=store, endpoint=endpoint, time_limit=time_limit)


def rows(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
         endpoint: str | None = None) -> list[dict[str, Any]]:
    """A stored query's rows as plain Python data (one dict per row)."""
    if endpoint:
        return query(name, params, endpoint=endpoint).records()
    return local_records(bind(get(name), params, reparse=False), store)


def dataframe(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
              endpoint: str | None = None) -> Any:
    """A stored query's rows as a pandas DataFrame (needs pandas; typed Any so pandas stays optional)."""
    return query(name, params, store=store, endpoint=endpoint).dataframe()
