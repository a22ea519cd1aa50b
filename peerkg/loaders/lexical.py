"""Lexical forms: which texts are numbers, which characters are invisible, and what to tell a curator
who pasted a value from a PDF or a spreadsheet.

Every loader uses these, so that a value refused in one format is refused, with the same hint, in every
other: `number_hint` for text where a number belongs, `ill_typed_literals` for the literals of a Turtle or
JSON-LD entry (checked against the lexical space of their XSD datatype before any shape runs: pySHACL
compares ill-typed literals with Python errors, not with results).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

# Lexical spaces of XML Schema 1.1 Part 2 (3.3.3 decimal, 3.4.13 integer, 3.3.2 boolean, 3.3.4/3.3.5 float
# and double, 3.4.20/3.4.25 the non-negative and positive integers), without the whitespace facet: an RDF
# literal's lexical form is matched as written (RDF 1.1 Concepts, 3.3).
_INTEGER = r"[+-]?[0-9]+"
LEXICAL: dict[URIRef, re.Pattern[str]] = {
    XSD.decimal: re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    XSD.integer: re.compile(_INTEGER),
    XSD.nonNegativeInteger: re.compile(r"(?:\+?[0-9]+|-0+)"),
    XSD.positiveInteger: re.compile(r"\+?0*[1-9][0-9]*"),
    XSD.boolean: re.compile(r"true|false|1|0"),
    XSD.double: re.compile(r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"),
    XSD.float: re.compile(r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)"),
    XSD.gYear: re.compile(r"-?[0-9]{4,}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
    XSD.date: re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
}

# Characters that look like a minus sign but are not the hyphen-minus every number format expects.
MINUS_LOOKALIKES = "\u2212\u2012\u2013\u2014\u2010\u2011\ufe63\uff0d"


def invisible(text: str) -> list[str]:
    """The characters of `text` a reader cannot see or tell from a space: format characters (zero-width
    spaces and joiners, bidirectional controls, the soft hyphen, the byte order mark), controls other than
    the line break and tab, and spaces other than U+0020; each as `U+200B ZERO WIDTH SPACE`, in order,
    without repeats."""
    found: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cf", "Zl", "Zp") or (category == "Cc" and char not in "\n\t") \
                or (category == "Zs" and char != " "):
            name = f"U+{ord(char):04X} {unicodedata.name(char, 'a control character')}"
            if name not in found:
                found.append(name)
    return found


def invisible_hint(text: str) -> str:
    """`it holds U+200B ZERO WIDTH SPACE, invisible: retype it` when `text` holds such characters, else ""."""
    chars = invisible(text)
    if not chars:
        return ""
    return f"it holds {', '.join(chars)}, which cannot be seen: delete and retype the value"


def number_hint(text: str, field: str = "", quoted: bool = False) -> str:
    """What to do about text given where a number belongs, in the words of what is wrong with it: a minus
    sign that is not a hyphen-minus (pasted from a PDF), an invisible character, a p-value bound written as
    '<0.001', a percent sign, a decimal comma, quotes around a number."""
    stripped = text.strip()
    for char in stripped:
        if char in MINUS_LOOKALIKES:
            return f"it uses U+{ord(char):04X} {unicodedata.name(char)} (pasted from a PDF?): type a hyphen-minus " \
                   f"(-) instead, e.g. {stripped.replace(char, '-')}"
    hidden = invisible_hint(stripped)
    if hidden:
        return hidden
    if re.fullmatch(r"[<≤]\s*=?\s*[0-9.]+", stripped):
        bound = re.sub(r"[<≤=\s]", "", stripped)
        if field.rsplit(".", 1)[-1] in ("p", "pValue"):
            return f"a bound is not a p-value: write p_below: {bound} instead of p"
        return "a bound is not a value: give the number as printed"
    if stripped.endswith("%"):
        return f"write the number without the percent sign, e.g. {stripped[:-1].strip()}"
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]+", stripped):
        return f"use a point as the decimal mark: {stripped.replace(',', '.')}"
    if re.fullmatch(r"[+-]?[0-9][0-9_]*(\.[0-9_]*)?", stripped) and "_" in stripped:
        return f"write it without underscores: {stripped.replace('_', '')}"
    if any(c.isdigit() and not "0" <= c <= "9" for c in stripped):
        return "type the digits 0-9 (the value uses digits of another script or full-width digits)"
    if quoted and LEXICAL[XSD.decimal].fullmatch(stripped):
        return "write it without quotes"
    if re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", stripped):
        return "write it without an exponent, e.g. 0.0009"
    return "write one number as printed, e.g. -0.24"


@dataclass(frozen=True)
class IllTyped:
    """A literal whose text is not in the lexical space of its datatype."""

    subject: Node
    property: URIRef
    literal: Literal
    message: str
    hint: str


def lexical_problem(literal: Literal) -> tuple[str, str] | None:
    """(message, hint) when the literal's text is not a lexical form of its XSD datatype, else None. Only
    the datatypes of LEXICAL are checked; a language-tagged or plain literal is text."""
    datatype = literal.datatype
    pattern = LEXICAL.get(datatype) if datatype is not None else None
    if pattern is None:
        return None
    text = str(literal)
    if pattern.fullmatch(text):
        return None
    name = "xsd:" + str(datatype)[len(str(XSD)):]
    message = f"{text!r} is not an {name}"
    if text != text.strip() and pattern.fullmatch(text.strip()):
        return message, "remove the spaces around the value"
    if datatype == XSD.decimal and LEXICAL[XSD.double].fullmatch(text):
        return message, "an xsd:decimal has no exponent: write the number out (in JSON-LD, give it as a string, " \
                        "\"0.0009\": JSON numbers become the exponent form of xsd:double)"
    if datatype in (XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger) \
            and LEXICAL[XSD.decimal].fullmatch(text):
        return message, "a whole number has no decimal point"
    if datatype == XSD.nonNegativeInteger and LEXICAL[XSD.integer].fullmatch(text):
        return message, "the value must be 0 or more"
    if datatype == XSD.positiveInteger and LEXICAL[XSD.integer].fullmatch(text):
        return message, "the value must be 1 or more"
    if datatype == XSD.boolean:
        return message, "write true or false"
    return message, number_hint(text)


def ill_typed_literals(graph: Graph) -> list[IllTyped]:
    """Every triple of `graph` whose object is a literal outside its datatype's lexical space, sorted."""
    found = []
    for s, p, o in graph:
        if isinstance(o, Literal) and isinstance(p, URIRef):
            problem = lexical_problem(o)
            if problem is not None:
                found.append(IllTyped(s, p, o, *problem))
    return sorted(found, key=lambda i: (str(i.subject), str(i.property), str(i.literal)))


@contextmanager
def quiet_literal_casts() -> Iterator[None]:
    """rdflib logs a warning with a traceback for every ill-typed literal it parses; those literals are
    reported by `ill_typed_literals` in the curator's words, so the log is silenced while parsing."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
