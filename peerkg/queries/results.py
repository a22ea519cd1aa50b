"""Query results as plain data, and written as a table, CSV, TSV, JSON, SPARQL JSON or Markdown.

Output never attacks its reader: a CSV or TSV cell that a spreadsheet would run as a formula is neutralised
(`neutralise_cell`, the OWASP "CSV injection" advice), and table and Markdown output show control and escape
characters escaped (`\x1b`), so stored text cannot move the cursor, clear the screen or hide rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
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
    cut_after: float | None = None  # seconds after which the query's time limit cut the result, if it did

    @property
    def cut(self) -> bool:
        """Whether the time limit stopped the query: the rows are those found until then."""
        return self.cut_after is not None

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


# A cell a spreadsheet reads as a formula (or as the start of one: tab and carriage return are used to hide
# it), and a plain number, which is no formula even when it starts with - or +.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def neutralise_cell(value: str) -> str:
    """A CSV/TSV cell made safe for spreadsheets: a cell starting with =, +, -, @, tab or carriage return is
    prefixed with a single quote, so Excel, LibreOffice and Google Sheets show it as text and never run it
    (OWASP, "CSV Injection"); numbers such as -0.5 are left as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def delimited(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV (or TSV with delimiter tab), every cell passed through `neutralise_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([neutralise_cell(c) for c in header])
    writer.writerows([[neutralise_cell(c) for c in row] for row in rows])
    return buffer.getvalue()


def _delimited(result: Result, delimiter: str) -> str:
    return delimited(result.variables, result.texts(), delimiter)


_UNSEEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def escape_unseen(value: str) -> str:
    """Text with every control, escape, bidirectional and invisible formatting character shown as an escape
    (\\x1b, \\u202e), so that printing it cannot drive the terminal or reorder what is shown."""
    return _UNSEEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", value)


def _one_line(value: str) -> str:
    return escape_unseen(" ".join(value.split()))


def _table(result: Result) -> str:
    cells = [[_one_line(c) for c in row] for row in result.texts()]
    widths = [max([len(v), *(len(row[i]) for row in cells)]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    if result.cut:
        lines.append(f"(cut: the query ran past its time limit of {result.cut_after:.0f} s; these are the rows "
                     "found until then)")
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
