"""Every stored query (with the parameter values of queries/expected/) on several SPARQL engines, beside the
embedded store: which give the same rows, the same values in another form (13 and 13.0, true and 1), or
other rows.

    python benchmarks/compare_engines.py --store .peerkg/store --trig .peerkg/release/peerkg.trig \\
        --endpoint oxigraph=http://127.0.0.1:7878/query --endpoint virtuoso=http://127.0.0.1:8890/sparql

rdflib runs on the TriG release loaded into a Dataset whose default graph is the union of its graphs; an
endpoint must show the whole graph as its default graph (`oxigraph serve --union-default-graph`; Virtuoso
does by default). `--queries DIR` runs the .rq files of another folder (e.g. an older copy of queries/).
The exit code is 1 when an engine gives other rows than the embedded store (or fails), else 0.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD

from peerkg import resources
from peerkg.queries.catalogue import parse_query_file
from peerkg.queries.params import bind
from peerkg.queries.run import run_local, run_remote

NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                 "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                 "negativeInteger", "unsignedInt", "unsignedLong")}


def cases(folder: Path, expected: Path) -> list[tuple[str, str]]:
    """(label, query text) for every stored query, each parameter variant of queries/expected/, every QC query."""
    found = []
    variants: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for path in sorted(expected.glob("*.csv")):
        name, _, rest = path.name.partition(".")
        params = dict(re.findall(r"^#\s*param:\s*(\w+)=(.*?)\s*$", path.read_text("utf-8"), flags=re.M))
        variants.setdefault(name, []).append((rest.removesuffix("csv").rstrip("."), params))
    for path in sorted(folder.glob("*.rq")):
        query = parse_query_file(path)
        for variant, params in variants.get(query.name, [("", {})]):
            found.append((query.name + (f".{variant}" if variant else ""), bind(query, params)))
    for path in sorted((folder / "qc").glob("*.rq")):
        found.append(("qc/" + path.stem, path.read_text("utf-8")))
    return found


def value(term: Any) -> Any:
    """A cell compared as a value: numbers and booleans as numbers, IRIs and strings as text."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    datatype = str(term.datatype or "")
    if datatype == str(XSD.boolean):
        return ("number", Decimal(1 if str(term) in ("true", "1") else 0))
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(str(term)))
        except InvalidOperation:
            return ("text", str(term))
    return ("text", str(term), term.language)


def form(term: Any) -> Any:
    """A cell compared as written: lexical form and datatype."""
    if term is None or isinstance(term, BNode):
        return value(term)
    if isinstance(term, URIRef):
        return ("iri", str(term))
    return (str(term), str(term.datatype or ""), term.language)


def table_of(result: Any) -> tuple[list[str], list[list[Any]]]:
    return result.variables, [[row.get(v) for v in result.variables] for row in result.rows]


def _short(cell: Any) -> str:
    if isinstance(cell, tuple) and len(cell) == 3:
        return f"{cell[0]!r}^^{cell[1].rsplit('#', 1)[-1] or 'string'}"
    return repr(cell)


def on_rdflib(dataset: Dataset, text: str) -> tuple[list[str], list[list[Any]]]:
    answer = dataset.query(text)
    variables = [str(v) for v in answer.vars or []]
    return variables, [[row[v] for v in variables] for row in answer]  # type: ignore[index]


def compare(reference: tuple[list[str], list[list[Any]]], other: tuple[list[str], list[list[Any]]]) -> str:
    (ref_vars, ref_rows), (vars_, rows) = reference, other
    if ref_vars != vars_:
        return f"columns {vars_} != {ref_vars}"
    ref_values = [[value(c) for c in r] for r in ref_rows]
    values = [[value(c) for c in r] for r in rows]
    if values == ref_values:
        forms = Counter((form(a), form(b)) for r, q in zip(ref_rows, rows, strict=True)
                        for a, b in zip(r, q, strict=True) if form(a) != form(b))
        if not forms:
            return "same"
        shown = "; ".join(f"{_short(a)} as {_short(b)} ({n}x)" for (a, b), n in forms.most_common(3))
        return f"same values, other form: {shown}"
    if Counter(map(tuple, values)) == Counter(map(tuple, ref_values)):
        return "same rows, other order"
    missing = Counter(map(tuple, ref_values)) - Counter(map(tuple, values))
    extra = Counter(map(tuple, values)) - Counter(map(tuple, ref_values))
    return (f"DIFFERENT: {len(rows)} rows (embedded {len(ref_rows)}), {sum(missing.values())} missing, "
            f"{sum(extra.values())} extra; e.g. missing {next(iter(missing), None)} extra {next(iter(extra), None)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="the embedded store (peerkg build --store)")
    parser.add_argument("--trig", type=Path, help="the TriG release, for rdflib")
    parser.add_argument("--endpoint", action="append", default=[], help="NAME=URL of a SPARQL endpoint")
    parser.add_argument("--queries", type=Path, default=resources.path("queries"))
    parser.add_argument("--only", help="a regular expression the query labels must match")
    parser.add_argument("--csv", type=Path, help="also write the table as CSV")
    args = parser.parse_args(argv)

    engines: dict[str, Any] = {}
    if args.trig:
        dataset = Dataset(default_union=True)
        dataset.parse(args.trig, format="trig")
        engines["rdflib"] = lambda text: on_rdflib(dataset, text)
    for spec in args.endpoint:
        name, _, url = spec.partition("=")
        engines[name] = lambda text, url=url: table_of(run_remote(text, url))

    table = []
    failed = 0
    for label, text in cases(args.queries, resources.path("queries", "expected")):
        if args.only and not re.search(args.only, label):
            continue
        reference = table_of(run_local(text, args.store))
        for engine, run in engines.items():
            start = time.perf_counter()
            try:
                verdict = compare(reference, run(text))
            except Exception as exc:  # noqa: BLE001 -- any engine failure (its type printed) is a finding here
                verdict = f"ERROR: {type(exc).__name__}: {str(exc)[:300]}"
            seconds = time.perf_counter() - start
            failed += not verdict.startswith("same")
            table.append((label, engine, f"{seconds:.2f}", verdict))
            print(f"{label:40} {engine:10} {seconds:7.2f}s  {verdict}", flush=True)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows([("query", "engine", "seconds", "verdict"), *table])
    print(f"{failed} of {len(table)} runs differ from the embedded store", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
