"""The `peerkg` command: a thin list of commands over library functions.

Results go to stdout, diagnostics to stderr. Exit codes: 0 success (or: conforms),
1 does not conform, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_NONCONFORMING, EXIT_BAD_INPUT = 0, 1, 2

EPILOG = """exit codes: 0 success or conforms, 1 does not conform, 2 bad input or usage.
The store defaults to .peerkg/store in the current folder (or $PEERKG_STORE)."""


def _store_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=None,
                        help="the embedded store folder (default: $PEERKG_STORE or .peerkg/store)")


def cmd_info(args: argparse.Namespace) -> int:
    from peerkg.ontology import summary

    for line in summary():
        print(line)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from peerkg.build import build, stderr_progress
    from peerkg.store import default_store_path

    store = args.store or default_store_path()
    release = None if args.no_release else args.release
    result = build(store, release, stderr_progress if not args.quiet else (lambda _: None))
    for line in result.lines():
        print(line)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from peerkg.export import export_store

    text = export_store(args.store, args.format)
    if args.output:
        args.output.write_text(text, "utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export_entry(args: argparse.Namespace) -> int:
    from peerkg.export import export_entry

    sys.stdout.write(export_entry(args.file, args.format))
    return EXIT_OK


def _write(text: str, output: Path | None) -> None:
    if output:
        output.write_text(text, "utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_queries(args: argparse.Namespace) -> int:
    from peerkg.querycat import qc_queries, stored_queries
    from peerkg.results import Result, format_result

    queries = {**stored_queries(), **(qc_queries() if args.all else {})}
    rows = [{"name": q.name, "research_question": q.research_question,
             "parameters": "; ".join(f"{p.name} ({p.type}, default {p.default})" for p in q.params.values()),
             "summary": q.summary} for q in queries.values()]
    from rdflib import Literal

    result = Result(["name", "research_question", "parameters", "summary"],
                    [{k: Literal(v) if v else None for k, v in row.items()} for row in rows])
    sys.stdout.write(format_result(result, args.format))
    return EXIT_OK


def _params(pairs: list[str]) -> dict[str, str]:
    from peerkg.errors import QueryError

    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: write it as KEY=VALUE, e.g. --param outcome=hope")
        params[key.strip()] = value
    return params


def cmd_query(args: argparse.Namespace) -> int:
    from peerkg.query import query
    from peerkg.results import format_result

    result = query(args.name, _params(args.param), store=args.store, endpoint=args.endpoint)
    _write(format_result(result, args.format), args.output)
    return EXIT_OK


def cmd_sparql(args: argparse.Namespace) -> int:
    from peerkg.errors import QueryError
    from peerkg.query import sparql
    from peerkg.results import format_result

    try:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{args.file}: cannot read the query: {exc}") from None
    result = sparql(text, store=args.store, endpoint=args.endpoint)
    _write(format_result(result, args.format), args.output)
    return EXIT_OK


def cmd_reason(args: argparse.Namespace) -> int:
    from peerkg.reason import inferred_turtle, reason, source_graphs, store_graphs, write_into_store

    store = None
    if args.from_sources and args.into_store:
        print("peerkg reason: --into-store needs a store; it cannot be combined with --from-sources",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.from_sources:
        graphs = source_graphs()
    else:
        from peerkg.store import default_store_path, open_store

        store = open_store(args.store or default_store_path())
        graphs = store_graphs(store)
    result = reason(graphs)
    print(result.diagnostic(), file=sys.stderr)
    for datatype in result.unsupported_datatypes:
        print(f"warning: {datatype} is not in the OWL 2 datatype map (not OWL 2 DL); HermiT ignores its values",
              file=sys.stderr)
    for line in result.lines():
        print(line)
    if result.consistent and args.output:
        _write(inferred_turtle(result.inferred), args.output)
    if result.consistent and store is not None and args.into_store:
        write_into_store(result.inferred, store)
        print("wrote the inferred memberships into the graph https://w3id.org/peerkg/graph/inferred",
              file=sys.stderr)
    return EXIT_OK if result.conforms() else EXIT_NONCONFORMING


def cmd_mappings(args: argparse.Namespace) -> int:
    from peerkg.mappings import mapping_graph, sssom_tsv

    _write(sssom_tsv(mapping_graph()), args.output)
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from peerkg.docs import documentation

    _write(documentation(), args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from peerkg.report import format_report
    from peerkg.validate import open_validation_store, validate_files

    store, note = open_validation_store(args.store, not args.no_store)
    if note:
        print(note, file=sys.stderr)
    report = validate_files(args.files, store)
    sys.stdout.write(format_report(report, args.format))
    if report.unreadable:
        return EXIT_BAD_INPUT
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def cmd_add(args: argparse.Namespace) -> int:
    from peerkg.add import add_files
    from peerkg.build import stderr_progress
    from peerkg.report import issue_line, summary_line

    report, added = add_files(args.files, args.store, stderr_progress if not args.quiet else (lambda _: None))
    for issue in report.issues:
        print(issue_line(issue), file=sys.stderr)
    if not added:
        print(f"{summary_line(report)}; nothing was added, the store is unchanged", file=sys.stderr)
        return EXIT_BAD_INPUT if report.unreadable else EXIT_NONCONFORMING
    for entry in added:
        print(entry.line())
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from peerkg.template import write_template

    write_template(args.file, args.entry)
    print(f"wrote {args.file}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from peerkg.serving.endpoint import Settings, serve
    from peerkg.store import default_store_path

    serve(Settings(args.store or default_store_path(), args.host, args.port, args.workers, args.time_limit,
                   int(args.result_limit * 1_000_000), args.log))
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from peerkg.serving.push import push_store
    from peerkg.store import default_store_path

    report = push_store(args.store or default_store_path(), args.endpoint, args.update_endpoint,
                        args.query_endpoint, None if args.quiet else (lambda m: print(m, file=sys.stderr)))
    for line in report:
        print(line)
    return EXIT_OK


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "info": (cmd_info, "print what the ontology holds: classes, properties, vocabularies"),
    "build": (cmd_build, "build the graph: ontology, vocabularies and every entry in data/ into the store"),
    "export": (cmd_export, "write the built graph as Turtle, N-Triples, JSON-LD or TriG"),
    "export-entry": (cmd_export_entry, "write one entry file as RDF (the Turtle or JSON-LD form of a YAML entry)"),
    "queries": (cmd_queries, "list the stored queries of queries/ with their summaries and parameters"),
    "query": (cmd_query, "run a stored query (by name) on the store or a SPARQL endpoint"),
    "sparql": (cmd_sparql, "run any SPARQL query from a file (or - for stdin) on the store or an endpoint"),
    "reason": (cmd_reason, "check the graph with the OWL reasoner HermiT: consistency, unsatisfiable classes, "
               "inferred class memberships"),
    "mappings": (cmd_mappings, "write the ontology's alignments to external ontologies as an SSSOM mapping set"),
    "docs": (cmd_docs, "write the HTML documentation page of the ontology"),
    "validate": (cmd_validate, "check entries (YAML, Turtle, JSON-LD, or an extraction workbook) with the SHACL "
                 "shapes, alone and against the graph in the store"),
    "add": (cmd_add, "validate entries, then merge them into the store: all of them, or (on any problem) none"),
    "template": (cmd_template, "write a blank extraction workbook (.xlsx), or one filled with curated entries"),
    "serve": (cmd_serve, "serve the store read-only: a SPARQL endpoint (/sparql), a query page (/) and the stored "
              "queries by name (/queries/NAME, /openapi.json)"),
    "push": (cmd_push, "upload the built graph to a triple store through the SPARQL Graph Store Protocol, each "
             "named graph replaced all or nothing (credentials from $PEERKG_PUSH_USER, $PEERKG_PUSH_PASSWORD)"),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="peerkg",
        description="peerkg: a knowledge graph of the evidence on peer support for mental health "
        "(reviews, findings, implementation factors and experiences, from Cooper et al. 2024).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from peerkg import __version__

    top.add_argument("--version", action="version", version=f"peerkg {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    subs = {name: sub.add_parser(name, help=help_, description=help_, epilog=EPILOG)
            for name, (_, help_) in COMMANDS.items()}

    p = subs["build"]
    _store_arg(p)
    p.add_argument("--release", type=Path, default=Path(".peerkg/release"),
                   help="folder for the release files (default: .peerkg/release)")
    p.add_argument("--no-release", action="store_true", help="do not write release files")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = subs["export"]
    _store_arg(p)
    p.add_argument("--format", choices=["ttl", "nt", "jsonld", "trig"], default="ttl",
                   help="serialisation (default: ttl)")
    p.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")

    p = subs["export-entry"]
    p.add_argument("file", type=Path, help="an entry file (.yaml, .ttl or .jsonld)")
    p.add_argument("--format", choices=["ttl", "nt", "jsonld"], default="ttl", help="serialisation")

    from peerkg.formats import FORMATS

    p = subs["queries"]
    p.add_argument("--all", action="store_true", help="also list the quality-control queries of queries/qc/")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    for name in ("query", "sparql"):
        p = subs[name]
        if name == "query":
            p.add_argument("name", help="the name of a stored query (`peerkg queries` lists them)")
            p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                           help="a parameter of the query, checked against its declared type (repeatable)")
        else:
            p.add_argument("file", type=Path, help="a file holding a SPARQL query, or - to read stdin")
        _store_arg(p)
        p.add_argument("--endpoint", metavar="URL",
                       help="run on this SPARQL endpoint instead of the store (its default graph must hold "
                       "the whole graph, e.g. `oxigraph serve --union-default-graph`)")
        p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
        p.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")

    p = subs["reason"]
    _store_arg(p)
    p.add_argument("--from-sources", action="store_true",
                   help="reason over ontology/ and data/ directly instead of a built store")
    p.add_argument("--output", "-o", type=Path, help="write the inferred class memberships to this Turtle file")
    p.add_argument("--into-store", action="store_true",
                   help="write the inferred class memberships into the store's graph "
                   "https://w3id.org/peerkg/graph/inferred (replacing it), where queries see them")
    for name, what in (("mappings", "SSSOM TSV, e.g. mappings/peerkg.sssom.tsv"), ("docs", "HTML")):
        subs[name].add_argument("--output", "-o", type=Path, help=f"write the {what} to this file, not stdout")

    entry_files = "entry files: .yaml, .ttl, .jsonld, an extraction workbook .xlsx, or a folder of its CSV files"
    p = subs["validate"]
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=entry_files)
    _store_arg(p)
    p.add_argument("--no-store", action="store_true", help="check the entries alone, not against the store")
    p.add_argument("--format", choices=["text", "json", "ttl"], default="text",
                   help="text (for curators), json, or ttl (the raw SHACL results graph); default: text")
    p = subs["add"]
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=entry_files)
    _store_arg(p)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p = subs["template"]
    p.add_argument("file", type=Path, help="the workbook to write (.xlsx), or a folder for its sheets as CSV files")
    p.add_argument("--entry", type=Path, action="append", default=[], metavar="ENTRY",
                   help="fill the workbook with this curated entry (.yaml; repeatable)")
    _serving_args(subs["serve"], subs["push"])
    return top


def _serving_args(serve: argparse.ArgumentParser, push: argparse.ArgumentParser) -> None:
    _store_arg(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                       "machine only)")
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    serve.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS",
                       help="a query running longer is stopped, answered 503 (default: 30)")
    serve.add_argument("--result-limit", type=float, default=20.0, metavar="MB",
                       help="a result growing larger is stopped, answered 507 (default: 20 MB)")
    serve.add_argument("--workers", type=int, default=4, help="queries answered at once (default: 4)")
    serve.add_argument("--log", action="store_true", help="print a line per request on stderr")
    _store_arg(push)
    push.add_argument("--endpoint", required=True, metavar="URL",
                      help="the Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph), "
                      "http://localhost:8890/sparql-graph-crud-auth (Virtuoso), http://localhost:3030/ds/data "
                      "(Fuseki)")
    push.add_argument("--update-endpoint", metavar="URL",
                      help="the SPARQL Update endpoint that moves the staged graphs into place (default: "
                      "derived from --endpoint for Oxigraph, Virtuoso and Fuseki)")
    push.add_argument("--query-endpoint", metavar="URL",
                      help="the SPARQL query endpoint used to count the triples afterwards (default: derived)")
    push.add_argument("--quiet", action="store_true", help="no progress on stderr")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help()
        return EXIT_BAD_INPUT
    from peerkg.errors import InputError, PeerkgError

    handler = COMMANDS[args.command][0]
    try:
        return handler(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was changed", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PeerkgError as exc:
        print(f"peerkg: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader of stdout stopped early (e.g. `peerkg query findings | head`): not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
