"""Query results as plain data, and written as a table, CSV, TSV, JSON, SPARQL JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from peerkg.errors import QueryError
from peerkg.queries.formats import FORMATS

Term = URIRef | Literal | BNode
INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.negativeInteger,
                 XSD.nonPositiveInteger, XSD.long, XSD.int, XSD.short, XSD.byte, XSD.unsignedLong,
                 XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte}


@dataclass
class Result:
    """The answer to a query: a SELECT's variables and rows, an ASK's boolean, or a graph's triples."""

    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] | None = None

    def records(self) -> list[dict[str, Any]]:
        """Rows as plain Python values: int, Decimal, float, bool, str (IRIs as strings); None if unbound."""
        return [{v: plain(row.get(v)) for v in self.variables} for row in self.rows]

    def texts(self) -> list[list[str]]:
        """Rows as text cells: IRIs in full, literals in their lexical form, '' when unbound."""
        return [[text(row.get(v)) for v in self.variables] for row in self.rows]

    def dataframe(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas, an optional dependency: hence typed Any)."""
        try:
            import pandas
        except ImportError:
            raise QueryError("a DataFrame needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.records(), columns=self.variables)


def text(term: Term | None) -> str:
    """The lexical form of a result cell, or the empty string for an unbound one."""
    return "" if term is None else str(term)


def plain(term: Term | None) -> Any:
    """A result cell as plain Python data: int, Decimal, float, bool, str (IRIs as strings), or None."""
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = term.datatype
        lexical = str(term)
        if datatype in INTEGER_TYPES:
            return _or_text(int, lexical)
        if datatype == XSD.decimal:
            return _or_text(Decimal, lexical)
        if datatype in (XSD.double, XSD.float):
            return _or_text(float, lexical)
        if datatype == XSD.boolean:
            return lexical in ("true", "1")
        return lexical
    return str(term)


_INTEGER_IRIS = frozenset(str(t) for t in INTEGER_TYPES)
_DECIMAL, _BOOLEAN = str(XSD.decimal), str(XSD.boolean)
_FLOATS = frozenset((str(XSD.double), str(XSD.float)))


def plain_value(term: Any) -> Any:
    """A pyoxigraph term (NamedNode, BlankNode, Literal, or None) as the plain Python value `plain` gives for
    the same term in rdflib: int, Decimal, float, bool, str (IRIs and blank node ids as strings), or None."""
    if term is None:
        return None
    lexical = term.value
    datatype = getattr(term, "datatype", None)
    if datatype is None:  # an IRI or a blank node
        return lexical
    kind = datatype.value
    if kind in _INTEGER_IRIS:
        return _or_text(int, lexical)
    if kind == _DECIMAL:
        return _or_text(Decimal, lexical)
    if kind in _FLOATS:
        return _or_text(float, lexical)
    if kind == _BOOLEAN:
        return lexical in ("true", "1")
    return lexical


def _or_text(convert: Any, lexical: str) -> Any:
    try:
        return convert(lexical)
    except (ValueError, ArithmeticError):
        return lexical


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    return value


def sparql_json_term(term: Term) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON format ({'type': ..., 'value': ...})."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _delimited(result: Result, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.variables)
    writer.writerows(result.texts())
    return buffer.getvalue()


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _table(result: Result) -> str:
    cells = [[_one_line(c) for c in row] for row in result.texts()]
    widths = [max([len(v), *(len(row[i]) for row in cells)]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _markdown(result: Result) -> str:
    def cell(value: str) -> str:
        return _one_line(value).replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in result.texts()]
    return "\n".join(lines) + "\n"


def format_result(result: Result, fmt: str) -> str:
    """The result written in one of FORMATS (an ASK answer as true/false, triples as N-Triples)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if result.triples is not None:
        return "".join(sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in result.triples))
    if result.boolean is not None:
        if fmt in ("json", "sparql-json"):
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        return _delimited(result, ",")
    if fmt == "tsv":
        return _delimited(result, "\t")
    if fmt == "json":
        records = [{k: _json_value(v) for k, v in r.items()} for r in result.records()]
        return json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    if fmt == "sparql-json":
        bindings = [{v: sparql_json_term(t) for v in result.variables if (t := row.get(v)) is not None}
                    for row in result.rows]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(result)
    return _table(result)
