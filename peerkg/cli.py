"""The `peerkg` command: a thin list of commands over library functions (peerkg.commands and friends).

Results go to stdout, diagnostics to stderr. Exit codes: 0 success (or: conforms),
1 does not conform, 2 bad input or usage. `--store` and `--quiet` are accepted before or after the
command name. Every command's module is imported inside its handler, so that `peerkg --help` and the
start of any command import only what that command uses (no rdflib, pySHACL or owlready2 up front).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_NONCONFORMING, EXIT_BAD_INPUT = 0, 1, 2
LOCAL_TIME_LIMIT = 5.0  # seconds; the same as peerkg.queries.run.LOCAL_TIME_LIMIT (not imported: start-up time)
DEFAULT_DOCS = Path(".peerkg/docs/index.html")
DEFAULT_MAP = Path(".peerkg/map/evidence-map.html")
DEFAULT_REPORT = Path(".peerkg/report")
DEFAULT_MAPPINGS = Path(".peerkg/release/peerkg.sssom.tsv")

EPILOG = """exit codes: 0 success or conforms, 1 does not conform (query, sparql: the result was cut by the time
limit), 2 bad input or usage.
The store defaults to .peerkg/store in the current folder (or $PEERKG_STORE)."""


def _shared_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """--store and --quiet, on the top parser and on every command; a command's own value wins, and one given
    before the command name is kept (SUPPRESS: an option not given on the command does not overwrite it)."""
    default: object = None if top else argparse.SUPPRESS
    parser.add_argument("--store", type=Path, default=default,
                        help="the embedded store folder (default: $PEERKG_STORE or .peerkg/store)")
    parser.add_argument("--quiet", action="store_true", default=False if top else argparse.SUPPRESS,
                        help="no progress on stderr")


class _ProgressLine:
    """One progress line on stderr that updates in place on a terminal; elsewhere (a log, a pipe) only the
    first message of each step is written, so a log gets one line per step, not one per entry."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.step = ""
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[K" + message[:150])
            sys.stderr.flush()
            self.shown = True
            return
        step = message.split(" ", 2)[:2]
        key = " ".join(w for w in step if not any(c.isdigit() for c in w))
        if key != self.step:
            self.step = key
            print(message, file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _progress(args: argparse.Namespace) -> Callable[[str], None]:
    if args.quiet:
        return lambda _: None
    line = _ProgressLine()
    _open_lines.append(line)
    return line


_open_lines: list[_ProgressLine] = []
_exit_stack = contextlib.ExitStack()  # what a command holds until it ends (a store's writer lock)


def _finish_progress() -> None:
    """Clears the progress line before results or errors are printed."""
    while _open_lines:
        _open_lines.pop().done()


def cmd_info(args: argparse.Namespace) -> int:
    from peerkg.commands.workspace import kept_files, workspace_folder
    from peerkg.ontology import summary
    from peerkg.resources import describe_root

    for line in summary():
        print(line)
    print(describe_root())
    print(f"entries added by review teams kept in {workspace_folder(args.store)} ({len(kept_files(args.store))} "
          "file(s)); `peerkg build` reads them after data/")
    return EXIT_OK


def cmd_entries(args: argparse.Namespace) -> int:
    from peerkg.commands.workspace import list_entries, workspace_folder

    kept = list_entries(args.store)
    for entry in kept:
        state = "in the store" if entry.in_store else "not in the store (run `peerkg build`)"
        print(f"{entry.id}\t{entry.kind}\t{entry.file}\t{state}")
    print(f"{len(kept)} added entr{'y' if len(kept) == 1 else 'ies'} in {workspace_folder(args.store)}",
          file=sys.stderr)
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from peerkg.commands.workspace import remove_entries

    for line in remove_entries(args.ids, args.store, args.by):
        print(line)
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from peerkg.commands.build import build
    from peerkg.graph.store import default_store_path

    store = args.store or default_store_path()
    release = None if args.no_release else args.release
    result = build(store, release, _progress(args))
    _finish_progress()
    for line in result.lines():
        print(line)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from peerkg.commands.export import export_store

    text = export_store(args.store, args.format, args.with_change_log)
    if args.output:
        args.output.write_text(text, "utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_export_entry(args: argparse.Namespace) -> int:
    from peerkg.commands.export import export_entry

    sys.stdout.write(export_entry(args.file, args.format))
    return EXIT_OK


def _write(text: str, output: Path | None) -> None:
    """To the file `output` (saying so on stderr), or to stdout when it is None or `-`."""
    if output is not None and str(output) != "-":
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, "utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_queries(args: argparse.Namespace) -> int:
    from peerkg.queries.catalogue import qc_queries, stored_queries
    from peerkg.queries.results import Result, format_result

    queries = {**stored_queries(), **(qc_queries() if args.all else {})}
    rows = [{"name": q.name, "research_question": q.research_question,
             "parameters": "; ".join(f"{p.name} ({p.type}, " + ("optional)" if p.optional else f"default {p.default})")
                                     for p in q.params.values()),
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


def _cut(result: object) -> int:
    """Says on stderr when the time limit cut a result; the exit code (1 when cut: the answer is incomplete)."""
    seconds = getattr(result, "cut_after", None)
    if seconds is None:
        return EXIT_OK
    print(f"peerkg: the query ran past its time limit ({seconds:.0f} s) and was stopped: the result was cut "
          "and holds only the rows found until then (raise it with --timeout)", file=sys.stderr)
    return EXIT_NONCONFORMING


def cmd_query(args: argparse.Namespace) -> int:
    from peerkg.queries.results import format_result
    from peerkg.queries.run import query

    result = query(args.name, _params(args.param), store=args.store, endpoint=args.endpoint,
                   time_limit=args.timeout or None)
    _write(format_result(result, args.format), args.output)
    return _cut(result)


def cmd_sparql(args: argparse.Namespace) -> int:
    from peerkg.errors import QueryError
    from peerkg.queries.results import format_result
    from peerkg.queries.run import sparql

    try:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{args.file}: cannot read the query: {exc}") from None
    result = sparql(text, store=args.store, endpoint=args.endpoint, time_limit=args.timeout or None)
    _write(format_result(result, args.format), args.output)
    return _cut(result)


def cmd_reason(args: argparse.Namespace) -> int:
    from peerkg.commands.reason import source_graphs, store_graphs, write_into_store
    from peerkg.ontology.reasoner import inferred_turtle, reason

    store = None
    if args.from_sources and args.into_store:
        print("peerkg reason: --into-store needs a store; it cannot be combined with --from-sources",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    progress = _progress(args)
    if args.from_sources:
        graphs = source_graphs(progress=progress)
    else:
        from peerkg.graph.store import open_store, writer_lock

        if args.into_store:  # a writer: peerkg's writer lock for the rest of the command
            _exit_stack.enter_context(writer_lock(args.store))
        store = open_store(args.store, read_only=not args.into_store)
        graphs = store_graphs(store, progress)
    result = reason(graphs, progress=progress)
    _finish_progress()
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
    from peerkg.ontology.mappings import mapping_graph, sssom_tsv

    _write(sssom_tsv(mapping_graph()), args.output)
    return EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    from peerkg.queries.run import rows
    from peerkg.synthesis.evidence_map import map_data, write_map

    data = map_data(lambda name: rows(name, store=args.store))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    print(f"wrote the evidence map ({len(data.cells)} cells, {sum(len(c.marks) for c in data.cells)} marks) to "
          f"{write_map(data, args.output)}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from peerkg.queries.run import rows
    from peerkg.synthesis.report import write_report

    report = write_report(lambda name, params=None: rows(name, params, store=args.store), args.output)
    print(f"wrote the report to {report}")
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from peerkg.ontology.docs import documentation

    _write(documentation(), args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from peerkg.commands.add import check_files, validation_store
    from peerkg.validation.report import format_report

    store, note = validation_store(args.store, not args.no_store)
    if note:
        print(note, file=sys.stderr)
    report = check_files(args.files, store)
    sys.stdout.write(format_report(report, args.format))
    if report.unreadable:
        return EXIT_BAD_INPUT
    return EXIT_OK if report.conforms else EXIT_NONCONFORMING


def cmd_diff(args: argparse.Namespace) -> int:
    from peerkg.commands.add import dry_run
    from peerkg.validation.report import issue_line, summary_line

    if getattr(args, "since", None):
        if args.files:
            print("peerkg diff: give entry files or --since, not both", file=sys.stderr)
            return EXIT_BAD_INPUT
        args.name, args.param, args.endpoint, args.timeout = "changes", [f"since={args.since}"], None, 0
        return cmd_query(args)
    if not args.files:
        print("peerkg diff: give entry files (what would they change?) or --since DATE (what changed?)",
              file=sys.stderr)
        return EXIT_BAD_INPUT

    report, changes = dry_run(args.files, args.store, args.umbrella, args.replace, _progress(args))
    _finish_progress()
    for issue in report.issues:
        print(issue_line(issue), file=sys.stderr)
    if changes is None:
        print(f"{summary_line(report)}; the entries would not be added", file=sys.stderr)
        return EXIT_BAD_INPUT if report.unreadable else EXIT_NONCONFORMING
    print("\n".join(changes.lines()))
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from peerkg.commands.add import add_files
    from peerkg.validation.report import issue_line, summary_line

    if args.dry_run:
        return cmd_diff(args)
    report, added = add_files(args.files, args.store, _progress(args), replace=args.replace, by=args.by)
    _finish_progress()
    for issue in report.issues:
        print(issue_line(issue), file=sys.stderr)
    if not added:
        print(f"{summary_line(report)}; nothing was added, the store is unchanged", file=sys.stderr)
        return EXIT_BAD_INPUT if report.unreadable else EXIT_NONCONFORMING
    for entry in added:
        print(entry.line())
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from peerkg.commands.template import write_template

    write_template(args.file, args.entry, args.force)
    print(f"wrote {args.file}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from peerkg.graph.store import default_store_path
    from peerkg.serving.endpoint import Settings, serve

    serve(Settings(args.store or default_store_path(), args.host, args.port, args.workers, args.time_limit,
                   int(args.result_limit * 1_000_000), args.log))
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from peerkg.graph.store import default_store_path
    from peerkg.serving.push import push_store

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
    "report": (cmd_report, "write a self-contained HTML report: counts and the claims check, the evidence map, the "
               "verdicts with the findings and quotes behind them, implementation factors, experience themes"),
    "map": (cmd_map, "draw the evidence map: outcomes x populations (marks coloured by direction, shaded by AMSTAR 2), "
            "CFIR domains x facilitator/barrier, experience themes x perspective (.html, .png or .svg)"),
    "validate": (cmd_validate, "check entries (YAML, Turtle, JSON-LD, or an extraction workbook) with the SHACL "
                 "shapes, alone and against the graph in the store"),
    "add": (cmd_add, "validate entries, then merge them into the store: all of them, or (on any problem) none"),
    "diff": (cmd_diff, "show what adding entries would change, without adding them: the verdicts they would move "
             "and the umbrella review's claims that would read differently if it included them"),
    "entries": (cmd_entries, "list the entries review teams added (kept in the workspace beside the store)"),
    "remove": (cmd_remove, "take added entries out of the store and the workspace, all of them or none"),
    "template": (cmd_template, "write a blank extraction workbook (.xlsx), or one filled with curated entries"),
    "serve": (cmd_serve, "serve the store read-only: a SPARQL endpoint (/sparql), a query page (/) and the stored "
              "queries by name (/queries/NAME, /openapi.json)"),
    "push": (cmd_push, "upload the built graph to a triple store through the SPARQL Graph Store Protocol, each "
             "named graph replaced all or nothing (credentials from $PEERKG_PUSH_USER, $PEERKG_PUSH_PASSWORD)"),
}


def parser() -> argparse.ArgumentParser:
    """The argument parser: every command with its options; --store and --quiet before or after the command."""
    top = argparse.ArgumentParser(
        prog="peerkg",
        description="peerkg: a knowledge graph of the evidence on peer support for mental health "
        "(reviews, findings, implementation factors and experiences, from Cooper et al. 2024).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from peerkg import __version__

    top.add_argument("--version", action="version", version=f"peerkg {__version__}")
    _shared_options(top, top=True)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    subs = {name: sub.add_parser(name, help=help_, description=help_, epilog=EPILOG)
            for name, (_, help_) in COMMANDS.items()}
    for command in subs.values():
        _shared_options(command, top=False)

    p = subs["build"]
    p.add_argument("--release", type=Path, default=Path(".peerkg/release"),
                   help="folder for the release files (default: .peerkg/release)")
    p.add_argument("--no-release", action="store_true", help="do not write release files")

    p = subs["export"]
    p.add_argument("--format", choices=["ttl", "nt", "jsonld", "trig"], default="ttl",
                   help="serialisation (default: ttl)")
    p.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    p.add_argument("--with-change-log", action="store_true",
                   help="also export the change log (graph/changes: what was added or removed, when, by whom)")

    p = subs["export-entry"]
    p.add_argument("file", type=Path, help="an entry file (.yaml, .ttl or .jsonld)")
    p.add_argument("--format", choices=["ttl", "nt", "jsonld"], default="ttl", help="serialisation")

    from peerkg.queries.formats import FORMATS

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
        p.add_argument("--endpoint", metavar="URL",
                       help="run on this SPARQL endpoint instead of the store (its default graph must hold "
                       "the whole graph, e.g. `oxigraph serve --union-default-graph`)")
        p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
        p.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
        p.add_argument("--timeout", type=float, default=LOCAL_TIME_LIMIT, metavar="SECONDS",
                       help=f"on the embedded store, stop the query after this many seconds and print the rows "
                       f"found until then, saying so (exit 1); 0 for no limit (default: {LOCAL_TIME_LIMIT:g})")

    p = subs["reason"]
    p.add_argument("--from-sources", action="store_true",
                   help="reason over ontology/ and data/ directly instead of a built store")
    p.add_argument("--output", "-o", type=Path, help="write the inferred class memberships to this Turtle file")
    p.add_argument("--into-store", action="store_true",
                   help="write the inferred class memberships into the store's graph "
                   "https://w3id.org/peerkg/graph/inferred (replacing it), where queries see them")
    for name, what, default in (("mappings", "SSSOM TSV", DEFAULT_MAPPINGS), ("docs", "HTML page", DEFAULT_DOCS)):
        subs[name].add_argument("--output", "-o", type=Path, default=default,
                                help=f"write the {what} to this file (default: {default}); - for stdout")

    subs["map"].add_argument("--out", "-o", dest="output", type=Path, default=DEFAULT_MAP,
                             help=f"the file to write: .html (self-contained, works offline), .png or .svg "
                             f"(default: {DEFAULT_MAP})")

    subs["report"].add_argument("--out", "-o", dest="output", type=Path, default=DEFAULT_REPORT,
                                help=f"the folder to write index.html into (default: {DEFAULT_REPORT})")

    entry_files = "entry files: .yaml, .ttl, .jsonld, an extraction workbook .xlsx, or a folder of its CSV files"
    p = subs["validate"]
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=entry_files)
    p.add_argument("--no-store", action="store_true", help="check the entries alone, not against the store")
    p.add_argument("--format", choices=["text", "json", "ttl"], default="text",
                   help="text (for curators), json, or ttl (the raw SHACL results graph); default: text")
    p = subs["add"]
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=entry_files)
    p.add_argument("--replace", action="store_true",
                   help="an entry whose id the workspace holds replaces it (validated without the old one)")
    p.add_argument("--dry-run", action="store_true",
                   help="change nothing: show the verdicts the entries would move and the claims that would read "
                   "differently (as `peerkg diff`)")
    for p in (subs["add"], subs["diff"]):
        p.add_argument("--umbrella", default="cooper-2024", metavar="ID",
                       help="the umbrella review whose claims are re-derived as if it included the new reviews "
                       "(default: cooper-2024)")
    p = subs["diff"]
    p.add_argument("files", type=Path, nargs="*", metavar="FILE", help=entry_files)
    p.add_argument("--since", metavar="DATE", help="instead: list what changed in the evidence and the verdicts "
                   "since DATE (ISO 8601, e.g. 2026-11-30), from the change log that add and remove keep")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format of --since (default: table)")
    p.add_argument("--output", "-o", type=Path, help="write the --since listing to this file instead of stdout")
    p.add_argument("--replace", action="store_true",
                   help="an entry whose id the workspace holds stands in for it")
    for p in (subs["add"], subs["remove"]):
        p.add_argument("--by", metavar="NAME", default=os.environ.get("PEERKG_CURATOR"),
                       help="who makes the change, for the change log (default: $PEERKG_CURATOR)")
    p = subs["remove"]
    p.add_argument("ids", nargs="+", metavar="ID", help="the id of an added entry (`peerkg entries` lists them)")
    p = subs["template"]
    p.add_argument("file", type=Path, help="the workbook to write (.xlsx), or a folder for its sheets as CSV files")
    p.add_argument("--entry", type=Path, action="append", default=[], metavar="ENTRY",
                   help="fill the workbook with this curated entry (.yaml; repeatable)")
    p.add_argument("--force", action="store_true", help="overwrite the workbook (or its CSV files) if it exists")
    _serving_args(subs["serve"], subs["push"])
    return top


def _serving_args(serve: argparse.ArgumentParser, push: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                       "machine only)")
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    serve.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS",
                       help="a query running longer is stopped, answered 503 (default: 30)")
    serve.add_argument("--result-limit", type=float, default=20.0, metavar="MB",
                       help="a result growing larger is stopped, answered 507 (default: 20 MB)")
    serve.add_argument("--workers", type=int, default=4, help="queries answered at once (default: 4)")
    serve.add_argument("--log", action="store_true", help="print a line per request on stderr")
    push.add_argument("--endpoint", required=True, metavar="URL",
                      help="the Graph Store endpoint, e.g. http://localhost:7878/store (Oxigraph), "
                      "http://localhost:8890/sparql-graph-crud-auth (Virtuoso), http://localhost:3030/ds/data "
                      "(Fuseki)")
    push.add_argument("--update-endpoint", metavar="URL",
                      help="the SPARQL Update endpoint that moves the staged graphs into place (default: "
                      "derived from --endpoint for Oxigraph, Virtuoso and Fuseki)")
    push.add_argument("--query-endpoint", metavar="URL",
                      help="the SPARQL query endpoint used to count the triples afterwards (default: derived)")


def main(argv: list[str] | None = None) -> int:
    """Runs one command line (default: sys.argv); returns the exit code 0, 1 or 2, never raises a PeerkgError."""
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help()
        return EXIT_BAD_INPUT
    from peerkg.errors import InputError, PeerkgError

    handler = COMMANDS[args.command][0]
    try:
        with _exit_stack:
            return handler(args)
    except InputError as exc:
        _finish_progress()
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was changed", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PeerkgError as exc:
        _finish_progress()
        print(f"peerkg: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader of stdout stopped early (e.g. `peerkg query findings | head`): not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
