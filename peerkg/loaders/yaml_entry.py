"""YAML entries -> RDF, by the field map of loaders/entry-format.yaml.

The file is composed into YAML nodes (which keep their line numbers) and walked against the field map. The
walker does syntax (keys it does not know, a list where one value belongs, text where a number belongs) and
the mapping to RDF; every rule about values (required fields, vocabularies, ranges, provenance) is a shape
of shapes/, applied afterwards by peerkg.validation, so a YAML entry breaks the same rules under the same
names as a Turtle or JSON-LD one, and a curator sees every problem of the entry in one report.
"""

from __future__ import annotations

import datetime
import difflib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from peerkg.errors import InputError, Problem
from peerkg.loaders import yaml12
from peerkg.loaders.base import DocumentRef, Entry, Link, Place, read_text
from peerkg.loaders.fieldmap import EntryFormat, Field, Record, entry_format
from peerkg.loaders.lexical import invisible_hint, number_hint

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The lowest value of each integer datatype; a whole number below it is kept as an xsd:integer, so that the
# shape of the field (sh:datatype) reports it in the curator's words, not as an ill-typed literal.
INTEGER_TYPES = {
    XSD.integer: None,
    XSD.nonNegativeInteger: 0,
    XSD.positiveInteger: 1,
}
_constructor = yaml.constructor.SafeConstructor()
# libyaml's loader when PyYAML was built with it (about 10x faster; the same events and nodes), else Python's
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _scalar(node: yaml.Node) -> Any:
    return yaml12.value(node)


def _no_aliases(text: str, file: str) -> None:
    """Anchors and aliases are refused: entries never need them, and they make YAML bombs."""
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else None
            raise InputError([Problem(file, "YAML anchors and aliases are not allowed in entries",
                                      line=line, hint="write the value out in full", rule="yaml-alias")])


class _Walker:
    def __init__(self, fmt: EntryFormat, file: str):
        self.fmt = fmt
        self.file = file
        self.entry = ""
        self.graph = Graph()
        self.problems: list[Problem] = []
        self.links: list[Link] = []
        self.refused: set[tuple[URIRef, URIRef | None]] = set()
        self.nodes = 0
        self.places: dict[tuple[URIRef, URIRef | None], Place] = {}
        self.documents: dict[str, URIRef] = {}  # the entry's own documents: id -> IRI
        self.pending: list[DocumentRef] = []  # quotes of documents other entries declare, resolved later

    def place(self, subject: URIRef, prop: URIRef | None, path: str, node: yaml.Node) -> None:
        """Remembers where a node or a field is written, for reports on the entry's RDF (SHACL results)."""
        self.places.setdefault((subject, prop), Place(path, node.start_mark.line + 1))

    def problem(self, path: str, node: yaml.Node | None, message: str, hint: str = "",
                rule: str = "") -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.file, message, self.entry, path, line, hint, rule))

    # -- records ---------------------------------------------------------------------------
    def record(self, record: Record, node: yaml.Node, path: str, iri_values: dict[str, str],
               iri: str = "") -> URIRef | None:
        self.nodes += 1
        if self.nodes > self.fmt.max_nodes:
            if self.nodes == self.fmt.max_nodes + 1:
                self.problem(path, node, f"entry has more than {self.fmt.max_nodes} records",
                             "split it into several entries", "too-large")
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(path, node, f"expected a {record.kind} (a mapping of keys to values)",
                         rule="wrong-type")
            return None
        items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if not isinstance(key, str):
                self.problem(path, key_node, f"key {key!r} is not text", rule="wrong-type")
                continue
            if key in items:
                self.problem(_join(path, key), key_node, f"key {key!r} appears twice", rule="duplicate-key")
            items[key] = (key_node, value_node)
        for key, (key_node, _) in items.items():
            if key not in record.fields:
                close = difflib.get_close_matches(key, record.fields, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "known keys: " + ", ".join(record.fields)
                self.problem(_join(path, key), key_node, f"unknown key {key!r} in a {record.kind}", hint,
                             "unknown-field")

        ident = ""
        id_field = record.fields.get("id")
        if "id" in items and id_field is not None and id_field.kind == "identifier":
            raw = _scalar(items["id"][1]) if isinstance(items["id"][1], yaml.ScalarNode) else None
            if not isinstance(raw, str) or not IDENTIFIER.fullmatch(raw):
                self.problem(_join(path, "id"), items["id"][1], f"identifier {raw!r} is not readable",
                             invisible_hint(str(raw))
                             or "use lower-case words and digits joined by hyphens, e.g. chien-2019",
                             "bad-identifier")
                return None
            ident = raw
        values = dict(iri_values, id=ident)
        subject = URIRef(self.fmt.base + (iri or record.iri.format(**values)))
        self.graph.add((subject, RDF.type, record.cls))
        self.place(subject, None, path, node)
        holders: dict[str, URIRef] = {}
        for name, sub in record.sub_nodes.items():
            holder = URIRef(self.fmt.base + sub.iri.format(parent=str(subject)[len(self.fmt.base):]))
            self.graph.add((subject, sub.property, holder))
            self.graph.add((holder, RDF.type, sub.cls))
            holders[name] = holder
            self.place(holder, None, path, node)

        provenance_node: tuple[str, yaml.Node] | None = None
        given: dict[str, Field] = {}
        for name, (_, value_node) in items.items():
            if name not in record.fields:
                continue
            spec = record.fields[name]
            field_path = _join(path, name)
            if spec.kind == "provenance":
                provenance_node = (field_path, value_node)
                continue
            holder = holders.get(spec.on, subject)
            # a refused value was reported already: its provenance is not reported again as unused
            if self.value(record, spec, value_node, field_path, subject, holder, items) \
                    or (holder, spec.property) in self.refused:
                given[name] = spec
        if provenance_node is not None:
            self.provenance(record, given, holders, subject, *provenance_node)
        return subject

    def value(self, record: Record, spec: Field, node: yaml.Node, path: str, subject: URIRef,
              holder: URIRef, siblings: dict[str, tuple[yaml.Node, yaml.Node]]) -> bool:
        """Adds the triples of one field; True when it gave a value that needs provenance."""
        if spec.kind in ("identifier", "kind", "value_of", "document"):
            return False
        self.place(holder, spec.property if spec.kind != "sources" else self.fmt.terms["derived_from"], path, node)
        if self.refuse(node, path):
            self.refused.add((holder, spec.property))
            return False
        if isinstance(node, yaml.ScalarNode) and _scalar(node) == self.fmt.not_reported_value:
            # whether this field may be `not reported` is a shape's rule (X-notReported)
            if spec.property is not None:
                self.graph.add((holder, self.fmt.terms["not_reported"], spec.property))
            return False
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if isinstance(node, yaml.SequenceNode) and not spec.many and spec.kind != "sources":
            self.problem(path, node, f"{spec.name!r} takes one value, not a list", rule="wrong-type")
            self.refused.add((holder, spec.property))
            return False
        if spec.kind == "sources":
            for n, item in enumerate(items, 1):
                self.source(item, f"{path}[{n}]", subject, f"{_rel(self.fmt, subject)}/source/{n}", None)
            return False
        gave = False
        for n, item in enumerate(items, 1):
            item_path = f"{path}[{n}]" if isinstance(node, yaml.SequenceNode) else path
            if spec.kind == "record":
                child = self.fmt.records[spec.target]
                sub_values = {"parent": _rel(self.fmt, subject), "n": str(n)}
                obj = self.record(child, item, item_path, sub_values)
                if obj is not None:
                    prop = spec.property
                    if child.extra.get("finding_property") and self._is_finding_criterion(item):
                        prop = child.extra["finding_property"]
                    if prop is not None:
                        self.graph.add((holder, prop, obj))
                    back = child.extra.get("parent_property")
                    if back is not None:  # the child points to its parent (an inclusion to its review)
                        self.graph.add((obj, back, holder))
                    if spec.target == "criterion":
                        self.criterion(child, item, item_path, obj)
                    gave = True
                continue
            if spec.kind == "field_ref":
                continue
            term = None if self.refuse(item, item_path) else self.term(spec, item, item_path)
            if term is None:
                self.refused.add((holder, spec.property))
            elif spec.property is not None:
                self.graph.add((holder, spec.property, term))
                gave = True
        return gave

    # -- values ----------------------------------------------------------------------------
    def term(self, spec: Field, node: yaml.Node, path: str) -> URIRef | Literal | None:
        if not isinstance(node, yaml.ScalarNode):
            self.problem(path, node, f"{spec.name!r} takes a plain value here, not a nested structure",
                         rule="wrong-type")
            return None
        value = _scalar(node)
        if self.ambiguous(spec, node, path):
            return None
        if spec.kind == "scheme":
            # any text names a concept (its slug, percent-encoded into the IRI); whether the vocabulary holds
            # it is the rule of the field's shape (sh:node pksh:Term-<scheme>)
            return self.fmt.concept(spec.target, quote(str(value).strip(), safe=""))
        if spec.kind == "link":
            if not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
                self.problem(path, node, f"{value!r} is not an entry id",
                             invisible_hint(str(value)) or "e.g. chien-2019", "bad-link")
                return None
            target = URIRef(self.fmt.base + value)
            self.links.append(Link(target, spec.target, self.file, self.entry, path, node.start_mark.line + 1))
            return target
        if spec.numbers_as_text and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        literal = self.literal(spec.target, value, node, path, spec.name)
        return literal

    def refuse(self, node: yaml.Node, path: str) -> bool:
        """Reports a value another loader refused (`yaml12.Refused`, e.g. a workbook cell holding a date
        where text belongs); True when it did."""
        value = yaml12.refused(node)
        if value is None:
            return False
        self.problem(path, node, value.message, value.hint, value.rule)
        return True

    def ambiguous(self, spec: Field, node: yaml.ScalarNode, path: str) -> bool:
        """Reports a plain scalar that YAML 1.1 reads as another value than YAML 1.2 does (`012`, `yes`,
        `2_020`, `2020-01-01`); True when it did."""
        reading = yaml12.yaml_11_reading(node)
        if reading is None:
            return False
        text = node.value
        current = _scalar(node)
        if spec.kind == "datatype" and spec.target in ("xsd:integer", "xsd:nonNegativeInteger",
                                                        "xsd:positiveInteger", "xsd:decimal") \
                and re.fullmatch(r"[+-]?[0-9][0-9_]*", text):
            write = str(int(text.replace("_", ""), 10))
        elif spec.kind == "datatype" and spec.target == "xsd:boolean" and isinstance(reading, bool):
            write = "true" if reading else "false"
        else:
            write = '"' + text + '"'
        self.problem(path, node, f"{text} reads as {reading!r} in YAML 1.1 and as {current!r} in YAML 1.2",
                     f"write {write}, which every YAML reader reads alike", "ambiguous-yaml")
        return True

    def literal(self, datatype: str, value: Any, node: yaml.Node, path: str, name: str) -> Literal | None:
        # xsd:anyURI becomes an IRI (dcterms:source <https://...>), every other datatype a literal
        dt = URIRef(str(XSD) + datatype.split(":", 1)[1])
        if dt == XSD.string:
            if not isinstance(value, str) or not value.strip():
                self.problem(path, node, f"{name!r} must be non-empty text, got {value!r}",
                             "put the value in double quotes", "wrong-datatype")
                return None
            return Literal(value)
        if dt == XSD.anyURI:
            if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
                self.problem(path, node, f"{name!r} must be a web address (http:// or https://), got {value!r}",
                             rule="wrong-datatype")
                return None
            return URIRef(value)  # type: ignore[return-value]
        if dt == XSD.date:
            try:
                day = datetime.date.fromisoformat(value) if isinstance(value, str) \
                    and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None
            except ValueError:
                day = None
            if day is None:
                self.problem(path, node, f"{name!r} must be a date written YYYY-MM-DD, got {value!r}",
                             'e.g. "2025-03-14", in double quotes', "wrong-datatype")
                return None
            return Literal(value, datatype=XSD.date)
        if dt == XSD.boolean:
            if not isinstance(value, bool):
                self.problem(path, node, f"{name!r} must be true or false, got {value!r}", rule="wrong-datatype")
                return None
            return Literal(value)
        if dt in INTEGER_TYPES:
            if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
                self.problem(path, node, f"{name!r} must be a whole number, got {node.value}",
                             f"write {int(value)}, without a decimal point", "wrong-datatype")
                return None
            if isinstance(value, bool) or not isinstance(value, int):
                shown = node.value if isinstance(node, yaml.ScalarNode) else repr(value)
                self.problem(path, node, f"{name!r} must be a whole number, got {shown!r}",
                             number_hint(str(shown), path, _quoted(node)) if isinstance(value, str) else "",
                             "wrong-datatype")
                return None
            low = INTEGER_TYPES[dt]
            return Literal(value, datatype=dt if low is None or value >= low else XSD.integer)
        if dt == XSD.decimal:
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
                self.problem(path, node, f"{name!r} must be a number, got {value!r}",
                             number_hint(value, path, _quoted(node)) if isinstance(value, str) else "",
                             "wrong-datatype")
                return None
            try:
                number = value if isinstance(value, Decimal) else Decimal(str(value))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                self.problem(path, node, f"{name!r} must be a finite number", rule="wrong-datatype")
                return None
            # the canonical lexical form of xsd:decimal: no trailing zeros ("9.30" -> "9.3", as rdflib reads
            # Turtle), and always a point (27 -> "27.0")
            lexical = format(number.normalize(), "f")
            return Literal(lexical if "." in lexical else lexical + ".0", datatype=XSD.decimal)
        raise ValueError(f"entry-format.yaml uses unsupported datatype {datatype}")

    # -- provenance ------------------------------------------------------------------------
    def source(self, node: yaml.Node, path: str, subject: URIRef, rel_iri: str,
               supports: URIRef | None) -> None:
        """One provenance item of `subject`: a quote of a document, or (with `judged_by`) a team's own
        judgement."""
        keys = {_scalar(k): v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}
        judgement = "judged_by" in keys
        src = self.record(self.fmt.records["judgement" if judgement else "source"], node, path, {}, iri=rel_iri)
        if src is None:
            return
        self.graph.add((subject, self.fmt.terms["derived_from"], src))
        if supports is not None:
            self.graph.add((src, self.fmt.terms["supports_field"], supports))
        if judgement:
            self.agent(src)
            return
        self.document(src, keys.get("document"), node, path)

    def agent(self, judgement: URIRef) -> None:
        """The team named by `judged_by` becomes a prov:Agent node labelled with its name."""
        prop = self.fmt.terms["attributed_to"]
        for name in list(self.graph.objects(judgement, prop)):
            agent = URIRef(f"{judgement}/agent")
            self.graph.remove((judgement, prop, name))
            self.graph.add((judgement, prop, agent))
            self.graph.add((agent, RDF.type, self.fmt.terms["agent"]))
            self.graph.add((agent, self.fmt.terms["label"], name))
            self.places[(agent, None)] = self.places.get((judgement, prop), Place(""))

    def document(self, src: URIRef, value: yaml.Node | None, node: yaml.Node, path: str) -> None:
        """prov:wasQuotedFrom the quote's document: one of the entry's own, else (resolved by the loader door
        against the batch and the graph) one another entry declares; left out, the entry's only one."""
        quoted = self.fmt.terms["quoted_from"]
        if value is None:
            if len(self.documents) == 1:
                self.graph.add((src, quoted, next(iter(self.documents.values()))))
            else:
                known = ", ".join(self.documents) or "none declared"
                self.problem(path, node, "the quote does not say which document it comes from",
                             f"add document: ID (the entry's documents: {known}; or a document of another entry,"
                             " e.g. cooper-2024-text)", "missing-document")
            return
        ident = _scalar(value) if isinstance(value, yaml.ScalarNode) else None
        place = Place(_join(path, "document"), value.start_mark.line + 1)
        if not isinstance(ident, str) or not IDENTIFIER.fullmatch(ident):
            self.problem(place.field, value, f"document {ident!r} is not a document id", "e.g. cooper-2024-text",
                         "bad-link")
            return
        self.places.setdefault((src, quoted), place)
        if ident in self.documents:
            self.graph.add((src, quoted, self.documents[ident]))
            return
        pending = URIRef(self.fmt.pending_document_base + ident)
        self.graph.add((src, quoted, pending))
        self.pending.append(DocumentRef(src, ident, place))

    def provenance(self, record: Record, given: dict[str, Field], holders: dict[str, URIRef],
                   subject: URIRef, path: str, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(path, node, "provenance must map each field to a list of sources", rule="wrong-type")
            return
        for key_node, value_node in node.value:
            name = _scalar(key_node)
            field_path = _join(path, str(name))
            spec = record.fields.get(name) if isinstance(name, str) else None
            if spec is None or spec.property is None:
                self.problem(field_path, key_node, f"provenance given for unknown field {name!r}",
                             rule="unknown-field")
                continue
            if name not in given:
                self.problem(field_path, key_node, f"provenance given for {name!r}, which has no value",
                             rule="unused-provenance")
                continue
            items = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            holder = holders.get(spec.on, subject)
            self.place(holder, self.fmt.terms["derived_from"], path, node)
            for n, item in enumerate(items, 1):
                rel = f"{_rel(self.fmt, subject)}/source/{name}/{n}"
                self.source(item, f"{field_path}[{n}]", holder, rel, spec.property)

    # -- claim criteria --------------------------------------------------------------------
    def _is_finding_criterion(self, node: yaml.Node) -> bool:
        if not isinstance(node, yaml.MappingNode):
            return False
        return any(_scalar(k) == "field" and str(_scalar(v)).startswith("finding.") for k, v in node.value)

    def criterion(self, record: Record, node: yaml.Node, path: str, subject: URIRef) -> None:
        assert isinstance(node, yaml.MappingNode)
        items = {_scalar(k): v for k, v in node.value}
        field_node = items.get("field")
        if field_node is None:
            return
        name = str(_scalar(field_node))
        kind, _, field_name = name.rpartition(".")
        target_record = self.fmt.records["finding" if kind == "finding" else "review"]
        target = target_record.fields.get(field_name)
        if target is None and not kind:  # a field of the review's inclusion (its AMSTAR 2 rating)
            target = self.fmt.records["inclusion"].fields.get(field_name)
        if kind not in ("", "finding") or target is None or target.property is None \
                or target.kind not in ("scheme", "datatype"):
            known = [f for f, s in self.fmt.records["review"].fields.items() if s.kind in ("scheme", "datatype")]
            self.problem(_join(path, "field"), field_node, f"{name!r} is not a field a claim can count by",
                         "one of " + ", ".join(known) + ", or finding.<field>", "unknown-field")
            return
        self.graph.add((subject, self.fmt.terms["on_field"], target.property))
        for key in ("value", "values"):
            if key not in items:
                continue
            value_node = items[key]
            values = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for n, item in enumerate(values, 1):
                term = self.term(target, item, f"{_join(path, key)}[{n}]")
                if term is None:
                    continue
                prop = record.extra["value_property" if isinstance(term, URIRef) else "literal_property"]
                self.graph.add((subject, prop, term))


def _quoted(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _rel(fmt: EntryFormat, iri: URIRef) -> str:
    return str(iri)[len(fmt.base):]


def _walk(fmt: EntryFormat, walker: _Walker, root: yaml.MappingNode, file: str,
          fallback_id: str) -> tuple[str, URIRef | None]:
    top = {_scalar(k): v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    kind = fmt.default_kind
    if "record" in top:
        kind = str(_scalar(top["record"]))
        if kind not in fmt.entry_kinds:
            raise InputError([Problem(file, f"unknown record kind {kind!r}", field="record",
                                      line=top["record"].start_mark.line + 1,
                                      hint="one of " + ", ".join(fmt.entry_kinds), rule="unknown-term")])
    ident = _scalar(top["id"]) if isinstance(top.get("id"), yaml.ScalarNode) else ""
    walker.entry = str(ident) if ident else fallback_id
    documents = top.get("documents")
    for item in documents.value if isinstance(documents, yaml.SequenceNode) else []:
        doc_id = next((_scalar(v) for k, v in item.value if _scalar(k) == "id"), None) \
            if isinstance(item, yaml.MappingNode) else None
        if isinstance(doc_id, str) and IDENTIFIER.fullmatch(doc_id):
            walker.documents[doc_id] = URIRef(f"{fmt.base}{walker.entry}/document/{doc_id}")
    return kind, walker.record(fmt.records[kind], root, "", {})


def load_yaml(path: Path) -> Entry:
    """Reads one YAML entry. Raises InputError when the file cannot be read as an entry (syntax, encoding,
    size, anchors); problems of single fields are returned in `Entry.problems`."""
    return load_yaml_text(read_text(path, entry_format().max_bytes), str(path), path.stem)


def load_yaml_text(text: str, file: str, fallback_id: str = "") -> Entry:
    """One YAML entry given as text (e.g. made from a row of the extraction workbook); as `load_yaml`."""
    fmt = entry_format()
    try:
        _no_aliases(text, file)
        root = yaml12.compose(text)
    except RecursionError:
        raise InputError([Problem(file, "the YAML is nested too deeply to be an entry", rule="syntax")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(file, f"not valid YAML: {exc.problem or exc}", line=line,
                                  rule="syntax")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, f"not valid YAML: {exc}", rule="syntax")]) from None
    if root is None:
        raise InputError([Problem(file, "the file is empty", rule="empty")])
    if not isinstance(root, yaml.MappingNode):
        raise InputError([Problem(file, "an entry must be a mapping of keys to values", line=1,
                                  rule="wrong-type")])
    walker = _Walker(fmt, file)
    walker.entry = fallback_id
    try:
        kind, subject = _walk(fmt, walker, root, file, fallback_id)
    except yaml.YAMLError as exc:  # a value with a tag the safe loader cannot construct, e.g. !!python/name
        raise InputError([Problem(file, f"not valid YAML for an entry: {exc}", walker.entry, rule="syntax")]) \
            from None
    if subject is None:  # the entry's own id could not be read: there is no entry to validate
        raise InputError(walker.problems)
    return Entry(id=walker.entry, kind=kind, file=file, subject=subject, graph=walker.graph, places=walker.places,
                 links=walker.links, problems=walker.problems, refused=walker.refused, documents=walker.pending)
