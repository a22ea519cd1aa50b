"""A validation report as a curator reads it (text), as a program reads it (json), or raw (SHACL, ttl)."""

from __future__ import annotations

import json

from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH

from peerkg.validation import Issue, Report

FORMATS = ("text", "json", "ttl")


def issue_line(issue: Issue) -> str:
    """One issue as a curator reads it: `FILE:LINE, entry E, field F: severity: message (hint: ...) [rule R]`."""
    problem = issue.problem
    text = f"{problem.where()}: {issue.severity}: {problem.message}"
    if problem.hint:
        text += f" (hint: {problem.hint})"
    if problem.rule:
        text += f" [rule {problem.rule}]"
    return text


def summary_line(report: Report) -> str:
    """The last line of a report: files, entries, problems to fix, warnings and the verdict."""
    verdict = "cannot be read" if report.unreadable else "conforms" if report.conforms else "does not conform"
    count = len(report.files)
    entries = f"{len(report.entries)} entr{'ies' if len(report.entries) != 1 else 'y'}"
    if not report.entries and report.issues:
        entries = "no entry could be read"  # not "0 entries": the file was read, its entry was not
    return (f"{count} file{'s' if count != 1 else ''}, {entries}: {len(report.violations)} problem(s) to fix, "
            f"{len(report.warnings)} warning(s): {verdict}")


def as_text(report: Report) -> str:
    """Every issue, one line each, in file/entry/line order, then the summary line."""
    lines = [issue_line(i) for i in _ordered(report.issues)]
    return "\n".join([*lines, summary_line(report)]) + "\n"


def as_json(report: Report) -> str:
    """The report as JSON: conforms, readable, files, entries, counts and every issue with its fields."""
    data = {
        "conforms": report.conforms and not report.unreadable,
        "readable": not report.unreadable,
        "files": report.files,
        "entries": [e.id for e in report.entries],
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "issues": [i.as_dict() for i in _ordered(report.issues)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def as_turtle(report: Report) -> str:
    """The raw SHACL validation report of every entry (problems found before SHACL, such as unreadable files
    or unknown YAML keys, have no SHACL form: the text and json formats give them)."""
    graph = Graph()
    for prefix, namespace in report.results.namespaces():
        graph.bind(prefix, namespace)
    graph += report.results
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms and not report.unreadable)))
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        graph.add((node, SH.result, result))
    return graph.serialize(format="turtle")


def format_report(report: Report, fmt: str) -> str:
    """The report as text, json or ttl (the raw SHACL results graph)."""
    if fmt == "json":
        return as_json(report)
    if fmt == "ttl":
        return as_turtle(report)
    return as_text(report)


def _ordered(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.problem.file, i.problem.entry, i.problem.line or 0, i.problem.field,
                                         i.problem.rule, i.problem.message))
