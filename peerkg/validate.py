"""Validation of entries with the SHACL shapes of shapes/."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from peerkg import resources
from peerkg.errors import InputError, Problem


def shape_files() -> list[Path]:
    folder = resources.path("shapes")
    return sorted(p for p in folder.glob("*.ttl") if not p.name.startswith("ontology"))


def validate_build(graphs: list[tuple[str, Graph]]) -> None:
    """Raises InputError when the built graph breaks a shape of severity violation."""
    files = shape_files()
    if not files:
        return
    import pyshacl
    from rdflib.namespace import SH

    data = Graph()
    for _, graph in graphs:
        data += graph
    shapes = Graph()
    for file in files:
        shapes.parse(file)
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    if conforms:
        return
    problems = [
        Problem(str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultMessage)),
                field=str(results.value(r, SH.resultPath) or ""), rule=str(results.value(r, SH.sourceShape)))
        for r in results.subjects(SH.resultSeverity, SH.Violation)
    ]
    if problems:
        raise InputError(problems)
