"""Running SPARQL: stored queries with checked parameters (peerkg.queries.params), on the embedded store or
a remote endpoint, with results as plain Python data, a table or a standard results format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http.client import HTTPException
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from peerkg.errors import QueryError, StoreError
from peerkg.graph.store import open_store, to_rdflib
from peerkg.namespaces import expand
from peerkg.queries.catalogue import get
from peerkg.queries.params import algebra, bind
from peerkg.queries.results import Result, Term, plain_value

TIMEOUT_SECONDS = 120


# -- running ----------------------------------------------------------------------------------------

def _answer(text: str, store: Path | ox.Store | None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
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


def run_local(text: str, store: Path | ox.Store | None = None) -> Result:
    """Runs a query on the embedded store, its named graphs seen as one default graph."""
    answer = _answer(text, store)
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer]
        return Result(triples=triples)  # type: ignore[arg-type]
    variables = [v.value for v in answer.variables]
    rows = [{name: to_rdflib(solution[name]) for name in variables} for solution in answer]
    return Result(variables, rows)


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


def sparql(text: str, *, store: Path | ox.Store | None = None, endpoint: str | None = None) -> Result:
    """Runs any SPARQL query text on the embedded store, or on `endpoint` when given."""
    return run_remote(text, endpoint) if endpoint else run_local(text, store)


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
          endpoint: str | None = None) -> Result:
    """Runs a stored query by name with checked parameters (peerkg.queries.params.bind; on the embedded store
    without rdflib's re-parse, see there); on an endpoint, after `check_endpoint`.
    Raises QueryError (unknown query, bad parameter, endpoint without the graph) or StoreError."""
    text = bind(get(name), params, reparse=bool(endpoint))
    if endpoint:
        check_endpoint(endpoint)
    return sparql(text, store=store, endpoint=endpoint)


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
