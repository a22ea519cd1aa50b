"""The declarative entry format (loaders/entry-format.yaml) and the vocabularies it points to."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml
from rdflib import URIRef

from peerkg import resources
from peerkg.namespaces import entity_base, expand
from peerkg.ontology import concept_iri, scheme_iri

VALUE_KINDS = ("datatype", "scheme", "record", "link", "sources", "provenance", "field_ref",
               "value_of", "identifier", "kind", "document")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    target: str = ""
    property: URIRef | None = None
    many: bool = False
    on: str = ""
    numbers_as_text: bool = False
    year_month: bool = False  # text like "2012-01"; a date cell of a workbook is read as its year and month
    percentage: bool = False  # a number of percent (I² 48 for 48%); a workbook cell formatted as % is read x100


@dataclass(frozen=True)
class SubNode:
    name: str
    property: URIRef
    cls: URIRef
    iri: str


@dataclass(frozen=True)
class Record:
    kind: str
    cls: URIRef
    iri: str
    fields: dict[str, Field]
    sub_nodes: dict[str, SubNode] = field(default_factory=dict)
    extra: dict[str, URIRef] = field(default_factory=dict)


@dataclass(frozen=True)
class EntryFormat:
    base: str  # the IRI base of entries (`pkid:`)
    not_reported_value: str
    terms: dict[str, URIRef]
    max_bytes: int
    max_nodes: int
    pending_document_base: str  # the placeholder IRI of a document another entry declares, until resolved
    entry_kinds: tuple[str, ...]
    default_kind: str
    records: dict[str, Record]

    def concept(self, scheme: str, slug: str) -> URIRef:
        return concept_iri(scheme, slug)

    def scheme_iri(self, scheme: str) -> URIRef:
        return scheme_iri(scheme)


def _field(name: str, spec: dict[str, Any]) -> Field:
    kinds = [k for k in VALUE_KINDS if k in spec]
    if len(kinds) != 1:
        raise ValueError(f"entry-format.yaml: field {name!r} needs exactly one value type, has {kinds}")
    kind = kinds[0]
    target = spec[kind]
    return Field(
        name=name,
        kind=kind,
        target=target if isinstance(target, str) else "",
        property=expand(spec["property"]) if "property" in spec else None,
        many=bool(spec.get("many", False)),
        on=str(spec.get("holder", "")),
        numbers_as_text=bool(spec.get("numbers_as_text", False)),
        year_month=bool(spec.get("year_month", False)),
        percentage=bool(spec.get("percentage", False)),
    )


@cache
def entry_format() -> EntryFormat:
    """The field map of loaders/entry-format.yaml, read once per process. Raises ValueError (a bug of the
    shipped file, not of an entry) when a field does not declare exactly one value type."""
    raw = yaml.safe_load(resources.path("loaders", "entry-format.yaml").read_text("utf-8"))
    records = {}
    for kind, spec in raw["records"].items():
        extra = {k: expand(v) for k, v in spec.items() if k.endswith("_property")}
        records[kind] = Record(
            kind=kind,
            cls=expand(spec["class"]),
            iri=spec["iri"],
            fields={name: _field(name, f) for name, f in spec["fields"].items()},
            sub_nodes={
                name: SubNode(name, expand(s["property"]), expand(s["class"]), s["iri"])
                for name, s in spec.get("sub_nodes", {}).items()
            },
            extra=extra,
        )
    return EntryFormat(
        base=entity_base(),
        not_reported_value=raw["not_reported_value"],
        terms={k: expand(v) for k, v in raw["terms"].items()},
        max_bytes=int(raw["limits"]["max_bytes"]),
        max_nodes=int(raw["limits"]["max_nodes"]),
        pending_document_base=str(raw["pending_document_base"]),
        entry_kinds=tuple(raw["entry_kinds"]),
        default_kind=raw["default_kind"],
        records=records,
    )
