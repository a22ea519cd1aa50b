"""The stored queries of queries/: their `#+` metadata headers, and a catalogue of them as RDF.

A stored query is a plain SPARQL file that runs unchanged on any endpoint. Its header (grlc's `#+`
convention) gives a summary, a description, the research question it serves and its parameters:

    #+ summary: one line
    #+ description: more lines (repeated `#+ description:` lines are joined)
    #+ research_question: effectiveness, implementation
    #+ param: outcome concept:outcome empowerment -- the outcome, as a label, slug or IRI

A parameter is a variable the query body binds with a one-value `VALUES ?outcome { outcome:empowerment }`
block: the default, so the file still runs as it is. A query whose sub-queries each need the value repeats
the block (with the same default) in each. `peerkg query --param` replaces that value, in every block, with a
checked RDF term (peerkg/queries/params.py). An optional parameter has the default `UNDEF`
(`VALUES ?umbrella { UNDEF }`): left out, the variable is unbound and the query says what that means (e.g.
every review).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH

from peerkg import resources
from peerkg.errors import QueryError
from peerkg.namespaces import expand

HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
FILE_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.rq$")
QC_FILE_NAME = re.compile(r"^([a-z0-9-]+)-violation\.rq$")
CATALOGUE_BASE = "https://w3id.org/peerkg/query/"
PARAM_TYPES = ("string", "integer", "decimal", "boolean", "iri", "entry")
OPTIONAL_DEFAULT = "UNDEF"
RESEARCH_QUESTIONS = ("effectiveness", "implementation", "experiences")


def values_block(name: str) -> re.Pattern[str]:
    """The one-value `VALUES ?name { ... }` block that carries a parameter in the query body."""
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{([^{}]*)\}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str          # string | integer | decimal | boolean | iri | entry | concept:<scheme>
    default: str
    description: str = ""

    @property
    def optional(self) -> bool:
        """True for a parameter without a default value (`UNDEF`): left out, its variable is unbound."""
        return self.default == OPTIONAL_DEFAULT

    @property
    def scheme(self) -> str:
        return self.type.split(":", 1)[1] if self.type.startswith("concept:") else ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    research_questions: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def iri(self) -> URIRef:
        return URIRef(CATALOGUE_BASE + self.name)

    @property
    def research_question(self) -> str:
        return ", ".join(self.research_questions)


def _problem(path: Path, line: int, message: str) -> QueryError:
    return QueryError(f"{path}:{line}: {message}")


def parse_query_file(path: Path, name: str | None = None) -> StoredQuery:
    """Reads one .rq file and checks its header; a malformed header is a QueryError naming file and line."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read the query: {exc}") from None
    meta: dict[str, str] = {}
    params: dict[str, Param] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            spec, sep, description = value.partition(" -- ")
            words = spec.split()
            if not sep or len(words) < 3:
                raise _problem(path, number, "a parameter is `#+ param: NAME TYPE DEFAULT -- description`")
            pname, ptype, default = words[0], words[1], " ".join(words[2:])
            if ptype not in PARAM_TYPES and not re.fullmatch(r"concept:[a-z0-9-]+", ptype):
                raise _problem(path, number, f"parameter {pname!r} has unknown type {ptype!r} "
                               f"(one of {', '.join(PARAM_TYPES)}, concept:<scheme>)")
            blocks = values_block(pname).findall(text)
            if not blocks or len({" ".join(b.split()) for b in blocks}) != 1:
                raise _problem(path, number, f"parameter {pname!r} needs a `VALUES ?{pname} {{ default }}` "
                               f"block in the query (several only when they give the same default), found "
                               f"{len(blocks)}")
            params[pname] = Param(pname, ptype, default, description.strip())
        elif key in ("summary", "description", "research_question"):
            meta[key] = (meta[key] + " " + value.strip()) if key in meta else value.strip()
        else:
            raise _problem(path, number, f"unknown header key {key!r} (summary, description, "
                           "research_question, param)")
    if not meta.get("summary"):
        raise QueryError(f"{path}: the query has no `#+ summary:` line")
    questions = tuple(q.strip() for q in meta.get("research_question", "").split(",") if q.strip())
    for question in questions:
        if question not in (*RESEARCH_QUESTIONS, "all", "quality control"):
            raise QueryError(f"{path}: unknown research question {question!r} "
                             f"({', '.join(RESEARCH_QUESTIONS)}, all, quality control)")
    if name is None:
        match = FILE_NAME.match(path.name)
        if not match:
            raise QueryError(f"{path}: a stored query is named NN-slug.rq, e.g. 01-reviews.rq")
        name = match.group(2)
    return StoredQuery(name, path, text, meta["summary"], meta.get("description", ""), questions, params)


@cache
def stored_queries() -> dict[str, StoredQuery]:
    """The queries of queries/, by name, in file order."""
    queries: dict[str, StoredQuery] = {}
    for path in sorted(resources.path("queries").glob("*.rq")):
        query = parse_query_file(path)
        if query.name in queries:
            raise QueryError(f"{path}: the name {query.name!r} is used by {queries[query.name].path.name} too")
        queries[query.name] = query
    return queries


@cache
def qc_queries() -> dict[str, StoredQuery]:
    """The quality-control queries of queries/qc/: each must return no rows on the curated graph."""
    queries: dict[str, StoredQuery] = {}
    for path in sorted(resources.path("queries", "qc").glob("*.rq")):
        match = QC_FILE_NAME.match(path.name)
        if not match:
            raise QueryError(f"{path}: a QC query is named SLUG-violation.rq")
        queries["qc/" + match.group(1)] = parse_query_file(path, "qc/" + match.group(1))
    return queries


def get(name: str) -> StoredQuery:
    """A stored query (or `qc/NAME`) by name; an unknown name is an error that suggests the closest."""
    known = {**stored_queries(), **qc_queries()}
    if name in known:
        return known[name]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "`peerkg queries` lists them"
    raise QueryError(f"no stored query named {name!r} ({hint})")


def catalogue_graph() -> Graph:
    """Each stored query as an sh:SPARQLSelectExecutable (the SIB sparql-examples convention)."""
    graph = Graph()
    for query in stored_queries().values():
        graph.add((query.iri, RDF.type, SH.SPARQLExecutable))
        graph.add((query.iri, RDF.type, SH.SPARQLSelectExecutable))
        graph.add((query.iri, RDFS.label, Literal(query.name)))
        graph.add((query.iri, RDFS.comment, Literal(query.summary, lang="en")))
        if query.description:
            graph.add((query.iri, DCTERMS.description, Literal(query.description, lang="en")))
        for question in query.research_questions:
            if question in RESEARCH_QUESTIONS:
                graph.add((query.iri, expand("pk:researchQuestion"), expand("rq:" + question)))
        graph.add((query.iri, SH.select, Literal(query.text)))
    return graph
