"""Turtle and JSON-LD entries: the RDF form of an entry, as `peerkg export-entry` writes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from peerkg.errors import InputError, Problem
from peerkg.loaders.base import Entry, Link, read_text
from peerkg.loaders.fieldmap import entry_format
from peerkg.loaders.lexical import ill_typed_literals, quiet_literal_casts
from peerkg.namespaces import curie


def _context_references(context: Any) -> list[str]:
    """The documents a @context value refers to: any string in it, however deeply nested in lists, and any
    @import or nested @context (a scoped context of a term definition) given by reference."""
    if isinstance(context, str):
        return [context]
    if isinstance(context, list):
        return [ref for item in context for ref in _context_references(item)]
    if isinstance(context, dict):
        found: list[str] = []
        for key, item in context.items():
            if key == "@import":
                found.extend(_context_references(item) or [repr(item)])
            elif key == "@context":
                found.extend(_context_references(item))
            elif isinstance(item, dict) and "@context" in item:
                found.extend(_context_references(item["@context"]))
        return found
    return []


def _remote_contexts(value: Any) -> list[str]:
    """Every @context (or @import) given by reference anywhere in a JSON-LD document: those would be fetched
    from the web or read from the file system, so they are refused."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("@context", "@import"):
                found.extend(_context_references(item if key == "@context" else {"@import": item}))
            found.extend(_remote_contexts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_remote_contexts(item))
    return found


def _parse(path: Path, rdf_format: str) -> Graph:
    fmt = entry_format()
    file = str(path)
    text = read_text(path, fmt.max_bytes)
    if rdf_format == "json-ld":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(file, f"not valid JSON: {exc.msg}", line=exc.lineno,
                                      rule="syntax")]) from None
        remote = _remote_contexts(document)
        if remote:
            raise InputError([Problem(file, f"@context {remote[0]!r} refers to a document elsewhere",
                                      field="@context", hint="inline the context; peerkg never fetches one",
                                      rule="remote-context")])
    graph = Graph()
    try:
        with quiet_literal_casts():
            graph.parse(data=text, format=rdf_format, publicID=fmt.base)
    # rdflib's parsers signal bad input with several exception types
    except (BadSyntax, SyntaxError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        line = getattr(exc, "lines", None) or getattr(exc, "line", None)
        raise InputError([Problem(file, f"not valid {rdf_format}: {str(exc).strip().splitlines()[-1]}",
                                  line=line if isinstance(line, int) else None, rule="syntax")]) from None
    return graph


def load_rdf(path: Path, rdf_format: str) -> Entry:
    """Reads one Turtle or JSON-LD entry (`rdf_format`: turtle or json-ld). Raises InputError when it cannot be
    parsed, fetches a context, or does not describe exactly one review under `pkid:`."""
    fmt = entry_format()
    graph = _parse(path, rdf_format)
    file = str(path)
    kinds = {fmt.records[k].cls: k for k in fmt.entry_kinds}
    tops = sorted({(s, kinds[o]) for s, o in graph.subject_objects(RDF.type)
                   if isinstance(o, URIRef) and o in kinds})
    if len(tops) != 1:
        raise InputError([Problem(file, f"an entry describes exactly one review; found {len(tops)}",
                                  hint="give one node of type pk:Review (or pk:UmbrellaReview)",
                                  rule="entry-count")])
    subject, kind = tops[0][0], tops[0][1]
    if not isinstance(subject, URIRef) or not str(subject).startswith(fmt.base):
        raise InputError([Problem(file, f"the review's IRI {subject} is not under {fmt.base}",
                                  rule="bad-identifier")])
    ident = str(subject)[len(fmt.base):]
    link_properties: dict[object, str] = {f.property: f.target for r in fmt.records.values() for f in r.fields.values()
                       if f.kind == "link"}
    links = [Link(o, link_properties[p], file, ident, str(p), None)
             for s, p, o in graph if p in link_properties and isinstance(o, URIRef)]
    problems, refused = _ill_typed(graph, file, ident, fmt.base)
    return Entry(id=ident, kind=kind, file=file, subject=subject, graph=graph, links=links, problems=problems,
                 refused=refused)


def _ill_typed(graph: Graph, file: str, ident: str,
               base: str) -> tuple[list[Problem], set[tuple[URIRef, URIRef | None]]]:
    """Takes every literal outside its datatype's lexical space out of `graph` (no shape ever sees one) and
    reports it as a problem of its field."""
    problems: list[Problem] = []
    refused: set[tuple[URIRef, URIRef | None]] = set()
    for bad in ill_typed_literals(graph):
        graph.remove((bad.subject, bad.property, bad.literal))
        node = str(bad.subject)[len(base):] if str(bad.subject).startswith(base) else str(bad.subject)
        problems.append(Problem(file, bad.message, ident, f"{node} {curie(bad.property)}", None, bad.hint,
                                "wrong-datatype"))
        if isinstance(bad.subject, URIRef):
            refused.add((bad.subject, bad.property))
    return problems, refused
