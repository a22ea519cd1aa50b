"""The change log: every `add` and `remove` recorded as a PROV-O activity, with the verdicts it moved.

Each change is a `prov:Activity` in the named graph `graph/changes`: when (`pk:changedAt`, UTC), which
entries (`pk:changedEntry`, a `pk:Addition` or `pk:Removal` with `pk:entryId` and `pk:aboutEntry` the entry's
IRI), from which file (`pk:fromFile`), from which sources (`prov:used`, the entry's source documents), by whom
when given (`prov:wasAssociatedWith` a `prov:Agent` with its `rdfs:label`), and each verdict it moved
(`pk:movedVerdict`: outcome, population, format, verdict before and after). Only PROV-O terms of the verified
list (ontology/imports/verified-terms.tsv) are used: the time and the entry link are peerkg's own terms. The
graph is rebuilt from files like every other: the log is kept as N-Quads in the workspace
(`entries/change-log.nq`), appended to by `add` and `remove` and loaded by `build`. The stored query `changes`
lists it (`peerkg diff --since DATE`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from peerkg.namespaces import entity_base, expand, graph_name, project_base

CHANGES_GRAPH = graph_name("changes")
LOG_FILE = "change-log.nq"
PK = project_base()
PROV = str(expand("prov:"))
RDF_TYPE = str(expand("rdf:type"))
RDFS_LABEL = str(expand("rdfs:label"))
XSD = str(expand("xsd:"))


@dataclass(frozen=True)
class Moved:
    """One verdict a change moved ("" for a conclusion that did not exist before or after)."""

    outcome: str
    population: str
    format: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    """One entry added, replaced or removed."""

    action: str  # "added", "replaced" or "removed"
    entry_id: str
    file: str
    sources: tuple[str, ...] = ()  # IRIs of the entry's source documents


def _literal(value: str, datatype: str = "") -> str:
    return str(ox.Literal(value, datatype=ox.NamedNode(datatype) if datatype else None))


def change_quads(changes: Iterable[Change], moved: Iterable[Moved], by: str | None = None,
                 at: datetime | None = None) -> str:
    """N-Quads (graph `graph/changes`) recording `changes`, made together at `at` (default: now, UTC) by `by`
    (a person or team, optional), which moved the verdicts `moved`."""
    at = (at or datetime.now(UTC)).astimezone(UTC)
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    graph = f"<{CHANGES_GRAPH}>"
    base = entity_base()
    changes, moved = list(changes), list(moved)
    digest = hashlib.sha256(repr((stamp, changes)).encode("utf-8")).hexdigest()[:12]
    activity = f"<{base}change/{stamp}-{digest}>"
    # whole seconds in the literal: engines write fractions of a second differently (Oxigraph 07:27:40.19033Z,
    # Virtuoso 07:27:40.190330Z), and the IRI already tells two changes of one second apart
    changed_at = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [f"{activity} <{RDF_TYPE}> <{PROV}Activity> {graph} .",
             f"{activity} <{PK}changedAt> {_literal(changed_at, XSD + 'dateTime')} {graph} ."]
    if by:
        agent = f"<{base}agent/{hashlib.sha256(by.encode('utf-8')).hexdigest()[:12]}>"
        lines += [f"{activity} <{PROV}wasAssociatedWith> {agent} {graph} .",
                  f"{agent} <{RDF_TYPE}> <{PROV}Agent> {graph} .",
                  f"{agent} <{RDFS_LABEL}> {_literal(by)} {graph} ."]
    for n, change in enumerate(changes, 1):
        node = f"<{base}change/{stamp}-{digest}/entry/{n}>"
        kind = "Removal" if change.action == "removed" else "Addition"
        lines += [f"{activity} <{PK}changedEntry> {node} {graph} .",
                  f"{node} <{RDF_TYPE}> <{PK}{kind}> {graph} .",
                  f"{node} <{PK}action> {_literal(change.action)} {graph} .",
                  f"{node} <{PK}entryId> {_literal(change.entry_id)} {graph} .",
                  f"{node} <{PK}aboutEntry> <{base}{change.entry_id}> {graph} .",
                  f"{node} <{PK}fromFile> {_literal(change.file)} {graph} ."]
        lines += [f"{node} <{PROV}used> <{source}> {graph} ." for source in change.sources]
    for n, verdict in enumerate(moved, 1):
        node = f"<{base}change/{stamp}-{digest}/verdict/{n}>"
        lines += [f"{activity} <{PK}movedVerdict> {node} {graph} .",
                  f"{node} <{PK}outcomeLabel> {_literal(verdict.outcome)} {graph} .",
                  f"{node} <{PK}populationLabel> {_literal(verdict.population)} {graph} .",
                  f"{node} <{PK}formatLabel> {_literal(verdict.format)} {graph} .",
                  f"{node} <{PK}verdictBefore> {_literal(verdict.before)} {graph} .",
                  f"{node} <{PK}verdictAfter> {_literal(verdict.after)} {graph} ."]
    return "".join(line + "\n" for line in lines)


def moved_verdicts(before: Iterable[dict[str, object]], after: Iterable[dict[str, object]]) -> list[Moved]:
    """The verdicts that differ between two answers of the stored query `conclusions`."""
    def table(rows: Iterable[dict[str, object]]) -> dict[tuple[str, str, str], str]:
        return {(str(r["outcome"]), str(r["population"] or ""), str(r["format"] or "")): str(r["verdict"])
                for r in rows}

    old, new = table(before), table(after)
    return [Moved(*key, old.get(key, ""), new.get(key, "")) for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)]


def log_file(workspace: Path) -> Path:
    """The change log kept in a workspace folder."""
    return workspace / LOG_FILE


def append_to_log(workspace: Path, quads: str) -> None:
    """Appends `quads` to the workspace's change log (created when missing). Raises OSError."""
    workspace.mkdir(parents=True, exist_ok=True)
    with log_file(workspace).open("a", encoding="utf-8") as log:
        log.write(quads)
