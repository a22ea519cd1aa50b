"""The trust boundary at the loader door: what every entry must respect, whatever its format.

`read_entries` (peerkg.loaders) applies these checks to every entry a loader returns, so that a YAML, Turtle,
JSON-LD or workbook entry meets the same rules under the same names:

- an entry owns a namespace and touches nothing else: every triple's subject is the entry's IRI
  (`pkid:<id>`), an IRI under it (`pkid:<id>/...`), or a blank node reachable from those (`foreign-subject`);
- its id is a lower-case ASCII slug (`bad-identifier`), and not a look-alike of an id already used (the same
  id once case, percent-encoding and Unicode confusables are undone: `lookalike-identifier`);
- it imports nothing (`owl:imports` is refused: `imports`);
- its text holds no control characters other than tab and newline (`control-character`): they cannot be seen,
  break terminals and spreadsheets, and some line splitters treat them as line ends.

These are loader rules (not shapes) because they are about what an entry may touch, not about the values of
a field; each names the entry and, where the loader knows it, the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import unquote

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from peerkg.errors import Problem
from peerkg.loaders.base import Entry, Place
from peerkg.loaders.fieldmap import entry_format
from peerkg.namespaces import curie, entity_base

IDENTIFIER = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Control characters (Unicode category Cc) refused in text: all but tab and newline.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Letters of other scripts that look like Latin ones (a small table after Unicode's confusables.txt, for
# the letters and digits an id may hold), and typographic dashes that look like the hyphen.
CONFUSABLES = str.maketrans({
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "к": "k", "м": "m", "н": "h", "т": "t", "в": "b", "г": "r",
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "κ": "k", "ι": "i", "τ": "t", "υ": "u", "χ": "x", "ε": "e",
    "ı": "i", "ℓ": "l", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-", "_": "-",
})

Lookup = Callable[[Entry], bool]


def skeleton(ident: str) -> str:
    """The id an identifier looks like: percent-encoding decoded, compatibility forms folded (NFKC), lower
    case, confusable letters of other scripts mapped to Latin, accents dropped."""
    text = unicodedata.normalize("NFKC", unquote(ident)).lower().translate(CONFUSABLES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


def _place(entry: Entry, node: Node, prop: Node | None) -> Place:
    place = entry.places.get((node, prop)) if isinstance(node, URIRef) else None  # type: ignore[arg-type]
    if place is None and isinstance(node, URIRef):
        place = entry.places.get((node, None))
        if place is not None and isinstance(prop, URIRef):
            return place.key(_local(prop))
    return place or Place("")


def _local(iri: URIRef) -> str:
    text = str(iri)
    return re.split(r"[/#:]", text)[-1]


def node_name(node: Node) -> str:
    """A node as validation reports name it: its IRI relative to `pkid:`, else the full IRI or blank node."""
    base = entity_base()
    text = str(node)
    if isinstance(node, URIRef):
        return text[len(base):] if text.startswith(base) else text
    return f"_:{text}"


def _field(entry: Entry, node: Node, prop: Node | None) -> tuple[str, int | None]:
    """The field as the curator wrote it (YAML key path, workbook cell), else node and property as the
    validation report names them (`new-2023 pk:title`)."""
    place = _place(entry, node, prop)
    if place.field:
        return place.field, place.line
    return node_name(node) + (f" {curie(prop)}" if prop is not None else ""), None


def owned_nodes(entry: Entry) -> tuple[set[Node], list[Node]]:
    """The subjects an entry may state facts about (its IRI, IRIs under it, blank nodes reachable from
    those), and the subjects it states facts about but does not own (sorted)."""
    prefix = str(entry.subject) + "/"
    subjects = set(entry.graph.subjects())
    owned: set[Node] = {s for s in subjects if isinstance(s, URIRef) and (s == entry.subject
                                                                           or str(s).startswith(prefix))}
    todo = list(owned)
    while todo:
        node = todo.pop()
        for obj in entry.graph.objects(node):
            if isinstance(obj, BNode) and obj not in owned:
                owned.add(obj)
                todo.append(obj)
    foreign = sorted((s for s in subjects if s not in owned), key=str)
    return owned, foreign


def check_entry(entry: Entry) -> list[Problem]:
    """What one entry breaks of the trust boundary on its own (see the module docstring)."""
    problems: list[Problem] = []
    rules = {p.rule for p in entry.problems}
    if entry.id and not IDENTIFIER.match(entry.id) and "bad-identifier" not in rules:
        place = entry.places.get((entry.subject, None), Place("")).key("id")
        problems.append(Problem(entry.file, f"identifier {entry.id!r} is not a lower-case ASCII slug", entry.id,
                                place.field or "id", place.line,
                                "use lower-case letters a-z, digits and single hyphens, e.g. chien-2019",
                                "bad-identifier"))
    _, foreign = owned_nodes(entry)
    for subject in foreign:
        what = "a blank node not reachable from the entry" if isinstance(subject, BNode) else str(subject)
        problems.append(Problem(entry.file, f"the entry states facts about {what}, which it does not own: an "
                                f"entry may describe only {entry.subject} and the nodes under it", entry.id,
                                node_name(subject), None, "describe other entries, vocabulary terms or the ontology "
                                "in their own files", "foreign-subject"))
    for s, p, o in entry.graph:
        if p == OWL.imports:
            field, line = _field(entry, s, p)
            problems.append(Problem(entry.file, f"owl:imports {o.n3()} is not allowed: peerkg never fetches "
                                    "another document", entry.id, field, line, "remove the import",
                                    "imports"))
        for term in (s, p, o):
            text = str(term) if isinstance(term, (Literal, URIRef)) else ""
            found = CONTROL.search(text)
            if found:
                field, line = _field(entry, s, p)
                problems.append(Problem(entry.file, f"text holds the control character U+{ord(found.group()):04X}"
                                        " (only tab and newline are allowed)", entry.id, field, line,
                                        "retype the text; control characters are invisible and break "
                                        "terminals and spreadsheets", "control-character"))
                break
    return problems


def lookalikes(entries: Iterable[Entry], holds: Lookup | None) -> list[Problem]:
    """Entries whose id is not a slug but looks like the id of another entry of the batch or of the graph
    (`holds`): refused as look-alikes, naming the id they imitate."""
    entries = list(entries)
    ids = {e.id for e in entries if IDENTIFIER.match(e.id)}
    base = entry_format().base
    problems: list[Problem] = []
    for entry in entries:
        if not entry.id or IDENTIFIER.match(entry.id):
            continue
        twin = skeleton(entry.id)
        if twin == entry.id or not IDENTIFIER.match(twin):
            continue
        known = twin in ids or (holds is not None and holds(replace(entry, id=twin,
                                                                    subject=URIRef(base + twin))))
        if known:
            place = entry.places.get((entry.subject, None), Place("")).key("id")
            problems.append(Problem(entry.file, f"identifier {entry.id!r} looks like the existing id {twin!r}",
                                    entry.id, place.field or "id", place.line,
                                    "an id differing only by case, accents, encoding or look-alike letters "
                                    "is refused", "lookalike-identifier"))
    return problems
