"""Parameters of stored queries: a value is checked against its declared type, turned into one RDF term,
and bound as the single value of the query's `VALUES ?name { ... }` block.

A parameter value is never pasted into the query as text. It is first checked against the declared
type and turned into one RDF term (an IRI of a known concept, a typed literal); that term, written in
N-Triples syntax by this module, becomes the single value of the query's `VALUES ?name { ... }` block.
Two checks make sure a value cannot change the query. Always: the written term must be exactly one
SPARQL term token (`ONE_TERM`, a strict subset of the SPARQL grammar's IRIREF and quoted literals), and the
bound text is the stored text with only the located VALUES blocks replaced. By default also: the bound
query is parsed again (rdflib) and refused unless its algebra has the same shape as the stored query and
binds the parameter to exactly that term. The stored queries of queries/ are run without that re-parse
(`reparse=False`): their VALUES blocks are checked once by the test suite, and rdflib's parser is slow
(60-270 ms a query) and not thread-safe.
"""


from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import SKOS, XSD

from peerkg.errors import QueryError
from peerkg.namespaces import entity_base
from peerkg.ontology import scheme_iri, vocabulary_graph
from peerkg.ontology.spelling import suggestions
from peerkg.queries.catalogue import Param, StoredQuery, values_block

ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")
IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INTEGER = re.compile(r"^[+-]?\d{1,18}$")
DECIMAL = re.compile(r"^[+-]?(\d{1,18}(\.\d{0,18})?|\.\d{1,18})$")
MAX_STRING = 500
# rdflib's SPARQL parser (pyparsing) keeps state between calls: one parse at a time, e.g. in `peerkg serve`
_PARSER_LOCK = threading.Lock()
# one IRI, or one quoted literal whose only escapes are \\ and \" (no \u: refused in values), optionally typed
_IRI_TOKEN = r'<[^\x00-\x20<>"{}|^`\\]*>'
ONE_TERM = re.compile("(?:" + _IRI_TOKEN + r'|"(?:[^"\\\x00-\x1f\x7f]|\\[\\"])*"(?:\^\^' + _IRI_TOKEN
                      + r"|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)")


# -- parameters -----------------------------------------------------------------------------------

def _refuse(param: Param, value: str, why: str, hint: str = "") -> QueryError:
    message = f"parameter {param.name} ({param.type}): {value!r} {why}"
    return QueryError(message + (f" ({hint})" if hint else ""))


@cache
def _concepts(scheme: str) -> dict[str, URIRef]:
    """Every way to name a concept of one scheme (slug, IRI, preferred or alternative label) -> its IRI."""
    graph = vocabulary_graph()
    names: dict[str, URIRef] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme_iri(scheme)):
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
            # only another spelling or a typo of a name, never a term of another meaning (spelling.py)
            labels = {k: k for k in names if "/" not in k}
            close = suggestions(value, labels)[:3]
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
        base = entity_base()
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


def algebra(text: str) -> Any:
    """rdflib's algebra of a query text (typed Any: rdflib's CompValue); raises QueryError when it does not parse."""
    # imported here: rdflib's SPARQL parser (and pyparsing) take 0.2 s to import, and running a stored query
    # on the store never needs them
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _PARSER_LOCK:
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


def bind(query: StoredQuery, params: Mapping[str, str] | None = None, *, reparse: bool = True) -> str:
    """The query text with each given parameter bound to its checked term (defaults stay as stored); a
    parameter's every `VALUES` block (a query may repeat it in sub-queries) gets the same term.
    `reparse=False` skips the rdflib re-parse check (for the stored queries, whose VALUES blocks the tests
    check); the one-term check always runs. Raises QueryError for an unknown parameter, a value that does not
    fit its type, or a binding that could change the query."""
    params = dict(params or {})
    unknown = sorted(set(params) - set(query.params))
    if unknown:
        known = ", ".join(query.params) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r} (its parameters: {known})")
    bound = {name: bind_value(query.params[name], value) for name, value in params.items()}
    # Every block is located in the stored text first, then replaced from the end: one value can
    # never be taken for the block of another parameter.
    spans: list[tuple[int, int, str]] = []
    blocks: dict[str, int] = {}
    for name, term in bound.items():
        matches = list(values_block(name).finditer(query.text))
        if not matches:
            raise QueryError(f"query {query.name!r} has no VALUES block for its parameter {name!r}")
        token = term_syntax(term)
        if not ONE_TERM.fullmatch(token):
            raise QueryError(f"parameter {name}: the value could not be bound safely; nothing was run")
        blocks[name] = len(matches)
        spans += [(match.start(), match.end(), f"VALUES ?{name} {{ {token} }}") for match in matches]
    text = query.text
    for start, end, block in sorted(spans, reverse=True):
        text = text[:start] + block + text[end:]
    if bound and reparse:
        before, after = algebra(query.text), algebra(text)
        same_shape = _shape(before) == _shape(after) and before.get("PV") == after.get("PV")
        for name, term in bound.items():
            if not same_shape or _bound_values(after, name) != [[term]] * blocks[name]:
                raise QueryError(f"parameter {name}: the value could not be bound safely; nothing was run")
    return text
