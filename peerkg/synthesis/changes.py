"""What a new review changes: the verdicts it would move and the umbrella review's claims that would read
differently if that umbrella included it, worked out on an in-memory copy of the store, which is never written.

`what_changes(store, graphs)` returns plain data (`Changes`); its `lines()` are what `peerkg diff FILE...` and
`peerkg add --dry-run FILE...` print, e.g. "hope: mixed -> consistent evidence of improvement (meta-analyses
7 -> 8, improvement 4 -> 5; new: pfeiffer-2011)".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from peerkg.graph.store import dump_nquads, memory_store
from peerkg.namespaces import entity_base, expand, project_base
from peerkg.synthesis.conclusions import refresh_conclusions

Rows = Callable[[str, dict[str, str] | None, ox.Store], list[dict[str, Any]]]
COUNTED = ("reviews", "meta_analyses", "improvement", "no_effect", "mixed", "worsening", "against_active")
PK = project_base()
RDF_TYPE = str(expand("rdf:type"))


@dataclass
class VerdictChange:
    """One conclusion before and after (None: there was or will be none), with its counts."""

    outcome: str
    population: str
    format: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def label(self) -> str:
        return " / ".join(x for x in (self.outcome, self.population, self.format) if x)

    @property
    def moved(self) -> bool:
        """Whether the verdict itself changes (not only its counts)."""
        return (self.before or {}).get("verdict") != (self.after or {}).get("verdict")

    def line(self) -> str:
        before = self.before["verdict"] if self.before else "no conclusion"
        after = self.after["verdict"] if self.after else "no conclusion"
        counts = [f"{c.replace('_', ' ')} {(self.before or {}).get(c, 0)} -> {(self.after or {}).get(c, 0)}"
                  for c in COUNTED if (self.before or {}).get(c, 0) != (self.after or {}).get(c, 0)]
        arrow = f"{before} -> {after}" if before != after else f"{after} (unchanged)"
        return f"{self.label}: {arrow}" + (f" ({', '.join(counts)})" if counts else "")


@dataclass
class ClaimChange:
    """One claim of the umbrella review whose re-derived value would change."""

    claim: str
    statement: str
    stated: Any
    before: Any
    after: Any
    agrees_before: Any
    agrees_after: Any

    def line(self) -> str:
        verdict = ""
        if self.agrees_before != self.agrees_after:
            verdict = "; would " + ("agree" if self.agrees_after else "disagree") + f" with the stated {self.stated}"
        return f"{self.claim}: {self.before} -> {self.after}{verdict} (\"{self.statement}\")"


@dataclass
class Changes:
    """What adding the entries would change."""

    entries: list[str]
    umbrella: str
    verdicts: list[VerdictChange] = field(default_factory=list)
    claims: list[ClaimChange] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable lines: verdicts that move first, then conclusions whose counts change, then claims."""
        moved = [v for v in self.verdicts if v.moved]
        counted = [v for v in self.verdicts if not v.moved]
        out = [f"what adding {', '.join(self.entries)} would change (nothing was written):"]
        out.append(f"verdicts that would move ({len(moved)}):")
        out += [f"  {v.line()}" for v in moved] or ["  none"]
        out.append(f"conclusions whose counts would change, verdict unchanged ({len(counted)}):")
        out += [f"  {v.line()}" for v in counted] or ["  none"]
        out.append(f"claims of {self.umbrella} that would read differently if it included "
                   f"{'them' if len(self.entries) > 1 else 'it'} ({len(self.claims)}):")
        out += [f"  {c.line()}" for c in self.claims] or ["  none"]
        return out


def _conclusions(rows: Rows, store: ox.Store) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["outcome"], r["population"], r["format"]): r for r in rows("conclusions", None, store)}


def _claims(rows: Rows, store: ox.Store, umbrella: str) -> dict[str, dict[str, Any]]:
    return {r["claim"]: r for r in rows("claims", {"umbrella": umbrella}, store)}


def _included_by(umbrella: str, reviews: list[str]) -> str:
    """N-Quads that make `umbrella` include each review (a hypothetical inclusion, for the claims)."""
    base = entity_base()
    graph = f"<{PK}graph/what-if>"
    lines = []
    for review in reviews:
        node = f"<{base}{review}/inclusion/{umbrella}/what-if>"
        lines += [f"{node} <{RDF_TYPE}> <{PK}Inclusion> {graph} .",
                  f"{node} <{PK}umbrellaReview> <{base}{umbrella}> {graph} .",
                  f"{node} <{PK}includedReview> <{base}{review}> {graph} ."]
    return "\n".join(lines) + "\n"


def what_changes(store: ox.Store, entries_nquads: str, entry_ids: list[str], reviews: list[str], rows: Rows,
                 umbrella: str = "cooper-2024", replaced_graphs: frozenset[str] = frozenset()) -> Changes:
    """Compares the conclusions of `store` with those of a copy holding also `entries_nquads` (the new entries'
    graphs; `replaced_graphs` are left out of the copy), and the claims of `umbrella` with those of a copy
    where it also includes `reviews`. `rows(name, params, store)` runs a stored query. The store is only read.
    Raises StoreError (a damaged store) or QueryError."""
    whole = dump_nquads(store)
    before, after = memory_store(whole), memory_store(whole)
    for name in replaced_graphs:
        for copy in (before, after):
            copy.remove_graph(ox.NamedNode(name))
    after.load(entries_nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    refresh_conclusions(before)
    refresh_conclusions(after)
    changes = Changes(entry_ids, umbrella)
    old, new = _conclusions(rows, before), _conclusions(rows, after)
    for key in sorted(set(old) | set(new)):
        was, will = old.get(key), new.get(key)
        if was is None or will is None or any(was.get(c) != will.get(c) for c in (*COUNTED, "verdict")):
            changes.verdicts.append(VerdictChange(*key, was, will))
    if reviews:
        claims_before = _claims(rows, before, umbrella)
        after.load(_included_by(umbrella, reviews).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        claims_after = _claims(rows, after, umbrella)
        for claim, was_row in claims_before.items():
            will_row = claims_after.get(claim, {})
            if was_row.get("graph_value") != will_row.get("graph_value"):
                changes.claims.append(ClaimChange(claim, was_row["statement"], was_row["stated_value"],
                                                  was_row.get("graph_value"), will_row.get("graph_value"),
                                                  was_row.get("agrees"), will_row.get("agrees")))
    return changes
