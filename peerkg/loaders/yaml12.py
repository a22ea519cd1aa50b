"""YAML read with the YAML 1.2 core schema, and the scalars whose YAML 1.1 reading would differ.

PyYAML resolves plain scalars by YAML 1.1: `012` is the octal number 10, `2_020` is 2020, `yes` is true,
`2020-01-01` is a date and `9e-4` is text. YAML 1.2 (core schema, §10.3 of the 1.2.2 spec) reads `012` as 12,
`2_020`, `yes` and `2020-01-01` as text and `9e-4` as a number. Entries are read by the 1.2 core schema, the
reading of the CSV and workbook paths (a cell "012" is 12); a plain scalar that a YAML 1.1 tool would read as
another value that is not text is refused by the loader (`yaml_11_reading`), so that an entry file means the
same to every YAML library. Numbers are constructed exactly: a float of the core schema becomes a Decimal
built from its text, never a binary float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"

# The core schema's implicit resolution (YAML 1.2.2, 10.3.2), as (tag, pattern, first characters).
CORE_SCHEMA: list[tuple[str, str, str]] = [
    (NULL, r"^(?:~|null|Null|NULL|)$", "~nN"),
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
]


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader with the YAML 1.2 core schema's implicit resolvers instead of YAML 1.1's (libyaml's
    parser when PyYAML was built with it, about 10x faster: the resolvers are applied in Python either way)."""


class Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper that quotes every text a YAML 1.1 *or* a YAML 1.2 reader would take for
    something else (`012`, `yes`, `1e5`, `0o7`), and writes a Decimal as a plain number."""


Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in CORE_SCHEMA:
    Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
    Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
# the empty plain scalar is null in the core schema
Loader.add_implicit_resolver(NULL, re.compile(r"^$"), [""])


def _decimal_representer(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar(FLOAT, format(value, "f"))


Dumper.add_representer(Decimal, _decimal_representer)


REFUSED = "!peerkg/refused"


@dataclass(frozen=True)
class Refused:
    """A value another loader (the workbook) could not take, carried into the YAML it makes so that the YAML
    loader reports it at its field, as a refused field: `!peerkg/refused {message, hint, rule}`."""

    message: str
    hint: str
    rule: str


def _refused_representer(dumper: yaml.SafeDumper, value: Refused) -> yaml.MappingNode:
    return dumper.represent_mapping(REFUSED, {"message": value.message, "hint": value.hint, "rule": value.rule})


Dumper.add_representer(Refused, _refused_representer)


def refused(node: yaml.Node) -> Refused | None:
    """The Refused value a node carries (see `Refused`), else None."""
    if node.tag != REFUSED or not isinstance(node, yaml.MappingNode):
        return None
    items = {k.value: v.value for k, v in node.value if isinstance(k, yaml.ScalarNode)
             and isinstance(v, yaml.ScalarNode)}
    return Refused(str(items.get("message", "")), str(items.get("hint", "")), str(items.get("rule", "")))


class Constructor(yaml.constructor.SafeConstructor):
    """Values of the core schema: integers in base 10 (or 0o, 0x), numbers with a point or an exponent as
    Decimal, true/false, null; every other plain scalar is text."""

    def construct_core_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_core_float(self, node: yaml.ScalarNode) -> Decimal:
        text = str(self.construct_scalar(node))
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return Decimal("-Infinity" if lowered.startswith("-") else "Infinity")
        if lowered == ".nan":
            return Decimal("NaN")
        return Decimal(text)


Constructor.add_constructor(INT, Constructor.construct_core_int)  # type: ignore[type-var]
Constructor.add_constructor(FLOAT, Constructor.construct_core_float)  # type: ignore[type-var]

_core = Constructor()
_resolver_11 = yaml.resolver.Resolver()
_constructor_11 = yaml.constructor.SafeConstructor()


def compose(text: str) -> yaml.Node | None:
    """The YAML document of `text` as nodes (with line numbers), tags resolved by the core schema."""
    return yaml.compose(text, Loader=Loader)


def value(node: yaml.Node) -> Any:
    """The value of a node composed by `compose`."""
    return _core.construct_object(node, deep=True)


def load(text: str) -> Any:
    """The YAML document of `text` as plain data, read by the core schema (refuses nothing)."""
    node = compose(text)
    return None if node is None else value(node)


def dump(data: Any) -> str:
    """`data` as YAML that YAML 1.1 and YAML 1.2 readers read alike (every ambiguous text quoted)."""
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=10_000)


def yaml_11_reading(node: yaml.ScalarNode) -> Any:
    """What a YAML 1.1 reader (PyYAML's safe_load) makes of a plain scalar, when that is a value other than
    text and differs from its core-schema reading (`012`: 10, not 12; `yes`: true, not 'yes'; `2_020`: 2020,
    not '2_020'; `2020-01-01`: a date); else None."""
    if node.style:  # quoted or block text is text in both (a plain scalar: None, or "" from libyaml)
        return None
    text = node.value
    tag_11 = _resolver_11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag_11 in (STR, NULL):
        return None
    try:
        reading_11 = _constructor_11.construct_object(yaml.ScalarNode(tag_11, text))
    except (yaml.YAMLError, ValueError):
        return None
    if tag_11 != node.tag:
        return reading_11
    if tag_11 == INT and reading_11 != value(node):
        return reading_11
    return None
