"""Running SPARQL: stored queries with typed parameters, on the embedded store or a remote endpoint.

A parameter value is never pasted into the query as text. It is first checked against the declared
type and turned into one RDF term (an IRI of a known concept, a typed literal); that term, written in
N-Triples syntax by this module, becomes the single value of the query's `VALUES ?name { ... }` block.
The bound query is then parsed again (rdflib) and refused unless its algebra has the same shape as
the stored query and binds the parameter to exactly that term: a value cannot change the query.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import SKOS, XSD

from peerkg.errors import QueryError, StoreError
from peerkg.querycat import Param, StoredQuery, get, values_block
from peerkg.results import Result, Term

if TYPE_CHECKING:
    import pyoxigraph as ox

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INTEGER = re.compile(r"^[+-]?\d{1,18}$")
DECIMAL = re.compile(r"^[+-]?(\d{1,18}(\.\d{0,18})?|\.\d{1,18})$")
MAX_STRING = 500
TIMEOUT_SECONDS = 120


# -- parameters -----------------------------------------------------------------------------------

def _refuse(param: Param, value: str, why: str, hint: str = "") -> QueryError:
    message = f"parameter {param.name} ({param.type}): {value!r} {why}"
    return QueryError(message + (f" ({hint})" if hint else ""))


@cache
def _concepts(scheme: str) -> dict[str, URIRef]:
    """Every way to name a concept of one scheme (slug, IRI, preferred or alternative label) -> its IRI."""
    from peerkg.loaders.fieldmap import entry_format, vocabulary_graph

    fmt = entry_format()
    graph = vocabulary_graph()
    names: dict[str, URIRef] = {}
    for concept in graph.subjects(SKOS.inScheme, fmt.scheme_iri(scheme)):
        assert isinstance(concept, URIRef)
        names[str(concept)] = concept
        names[str(concept).rsplit("/", 1)[-1].lower()] = concept
        for label in (*graph.objects(concept, SKOS.prefLabel), *graph.objects(concept, SKOS.altLabel)):
            names[_fold(str(label))] = concept
    return names


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def bind_value(param: Param, value: str) -> URIRef | Literal:
    """The RDF term a parameter value stands for, or a QueryError saying why the value does not fit."""
    if not isinstance(value, str):
        raise QueryError(f"parameter {param.name}: expected text, got {type(value).__name__}")
    if param.scheme:
        names = _concepts(param.scheme)
        if not names:
            raise QueryError(f"parameter {param.name}: there is no vocabulary {param.scheme!r}")
        concept = names.get(value) or names.get(_fold(value))
        if concept is None:
            import difflib

            labels = sorted({k for k in names if "/" not in k})
            close = difflib.get_close_matches(_fold(value), labels, n=3)
            hint = ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else \
                f"`peerkg info` lists the {param.scheme} vocabulary"
            raise _refuse(param, value, f"is not a concept of the {param.scheme} vocabulary", hint)
        return concept
    if param.type == "iri":
        if not ABSOLUTE_IRI.match(value):
            raise _refuse(param, value, "is not an absolute IRI",
                          "no spaces, quotes, angle brackets, braces, backslashes")
        return URIRef(value)
    if param.type == "entry":
        from peerkg.loaders.fieldmap import entry_format

        base = entry_format().base
        ident = value[len(base):] if value.startswith(base) else value
        if not IDENTIFIER.match(ident):
            raise _refuse(param, value, "is not an entry id", "e.g. chien-2019")
        return URIRef(base + ident)
    if param.type == "integer":
        if not INTEGER.match(value.strip()):
            raise _refuse(param, value, "is not a whole number")
        return Literal(str(int(value)), datatype=XSD.integer)
    if param.type == "decimal":
        if not DECIMAL.match(value.strip()):
            raise _refuse(param, value, "is not a decimal number", "e.g. 0.5")
        return Literal(value.strip().lstrip("+"), datatype=XSD.decimal)
    if param.type == "boolean":
        if value.strip().lower() not in ("true", "false"):
            raise _refuse(param, value, "is not true or false")
        return Literal(value.strip().lower(), datatype=XSD.boolean)
    # string
    if len(value) > MAX_STRING:
        raise _refuse(param, value[:40] + "...", f"is longer than {MAX_STRING} characters")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise _refuse(param, value, "contains a control character (newline, tab, ...)")
    if re.search(r"\\[uU]", value):
        # SPARQL expands \u escapes before parsing, and engines differ in how: never let one through.
        raise _refuse(param, value, "contains a \\u escape")
    return Literal(value)


def term_syntax(term: URIRef | Literal) -> str:
    """N-Triples syntax of a checked term: an IRI in <>, a literal quoted with its datatype."""
    if isinstance(term, URIRef):
        if not ABSOLUTE_IRI.match(str(term)):
            raise QueryError(f"not an absolute IRI: {str(term)!r}")
        return f"<{term}>"
    lexical = str(term).replace("\\", "\\\\").replace('"', '\\"')
    if term.language:
        return f'"{lexical}"@{term.language}'
    if term.datatype is not None and term.datatype != XSD.string:
        return f'"{lexical}"^^<{term.datatype}>'
    return f'"{lexical}"'


def _algebra(text: str) -> Any:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return translateQuery(parseQuery(text)).algebra
    except (ParseException, ValueError, TypeError, KeyError) as exc:
        raise QueryError(f"the query does not parse: {exc}") from None
    except Exception as exc:  # narrowed below: rdflib raises a bare Exception for an unknown prefix
        if type(exc) is not Exception:
            raise
        raise QueryError(f"the query does not parse: {exc}") from None


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def _shape(algebra: Any) -> Counter[str]:
    return Counter(getattr(n, "name", type(n).__name__) for n in _walk(algebra)
                   if not isinstance(n, (URIRef, Literal, BNode, str)))


def _bound_values(algebra: Any, name: str) -> list[list[Any]]:
    """The values each `VALUES ?name {...}` block of the algebra gives the variable."""
    blocks = []
    for node in _walk(algebra):
        if getattr(node, "name", "") == "values" and isinstance(node.get("res"), list):
            rows = node["res"]
            if any(Variable(name) in row for row in rows):
                blocks.append([row.get(Variable(name)) for row in rows])
    return blocks


def bind(query: StoredQuery, params: Mapping[str, str] | None = None) -> str:
    """The query text with each given parameter bound to its checked term (defaults stay as stored)."""
    params = dict(params or {})
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        known = ", ".join(query.params) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
    bound = {name: bind_value(query.params[name], value) for name, value in params.items()}
    # Every block is located in the stored text first, then replaced from the end: one value can
    # never be taken for the block of another parameter.
    spans = []
    for name, term in bound.items():
        match = values_block(name).search(query.text)
        if match is None:
            raise QueryError(f"query {query.name!r} has no VALUES block for its parameter {name!r}")
        spans.append((match.start(), match.end(), f"VALUES ?{name} {{ {term_syntax(term)} }}"))
    text = query.text
    for start, end, block in sorted(spans, reverse=True):
        text = text[:start] + block + text[end:]
    if bound:
        before, after = _algebra(query.text), _algebra(text)
        same_shape = _shape(before) == _shape(after) and before.get("PV") == after.get("PV")
        for name, term in bound.items():
            if not same_shape or _bound_values(after, name) != [[term]]:
                raise QueryError(f"parameter {name}: the value could not be bound safely; nothing was run")
    return text


# -- running ----------------------------------------------------------------------------------------

def _read_only_store(path: Path | None) -> ox.Store:
    import pyoxigraph as ox

    from peerkg.store import default_store_path

    path = Path(path) if path is not None else default_store_path()
    if not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path}: run `peerkg build` first (or pass --store)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None


def _from_oxigraph(term: Any) -> Term | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = URIRef(term.datatype.value)
        return Literal(term.value, datatype=None if datatype == XSD.string else datatype, normalize=False)
    raise QueryError(f"unsupported term in the result: {term!r}")


def run_local(text: str, store: Path | ox.Store | None = None) -> Result:
    """Runs a query on the embedded store, its named graphs seen as one default graph."""
    import pyoxigraph as ox

    target = store if isinstance(store, ox.Store) else _read_only_store(store)
    try:
        answer = target.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"the query does not parse: {exc}") from None
    except OSError as exc:
        raise StoreError(f"the store could not answer: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result(boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        triples = [(_from_oxigraph(t.subject), _from_oxigraph(t.predicate), _from_oxigraph(t.object))
                   for t in answer]
        return Result(triples=triples)  # type: ignore[arg-type]
    variables = [v.value for v in answer.variables]
    rows = [{name: _from_oxigraph(solution[name]) for name in variables} for solution in answer]
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
    from http.client import HTTPException

    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not re.match(r"^https?://", endpoint):
        raise QueryError(f"endpoint {endpoint!r} is not an http(s) URL")
    algebra = _algebra(text)  # refuses updates and text that is no query, before anything is sent
    kind = getattr(algebra, "name", "")
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
        from rdflib import Graph

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
    from peerkg.namespaces import expand

    if run_remote(f"ASK {{ <{expand('pk:')}> a <{expand('owl:Ontology')}> }}", endpoint).boolean:
        return
    raise QueryError(f"the default graph of {endpoint} does not hold the peerkg graph (no ontology header "
                     f"<{expand('pk:')}>), so the stored queries would find nothing. peerkg keeps every entry in "
                     "its own named graph and queries the union of them as the default graph: load the graph "
                     "(`peerkg push`) and serve it with the union as default graph (`oxigraph serve "
                     "--union-default-graph`; Virtuoso does so by default; Fuseki: tdb2:unionDefaultGraph true)")


def query(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
          endpoint: str | None = None) -> Result:
    """Runs a stored query by name with checked parameters; on an endpoint, after `check_endpoint`."""
    text = bind(get(name), params)
    if endpoint:
        check_endpoint(endpoint)
    return sparql(text, store=store, endpoint=endpoint)


def rows(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
         endpoint: str | None = None) -> list[dict[str, Any]]:
    """A stored query's rows as plain Python data (one dict per row)."""
    return query(name, params, store=store, endpoint=endpoint).records()


def dataframe(name: str, params: Mapping[str, str] | None = None, *, store: Path | ox.Store | None = None,
              endpoint: str | None = None) -> Any:
    """A stored query's rows as a pandas DataFrame (needs pandas; typed Any so pandas stays optional)."""
    return query(name, params, store=store, endpoint=endpoint).dataframe()
