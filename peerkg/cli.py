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


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "info": (cmd_info, "print what the ontology holds: classes, properties, vocabularies"),
    "build": (cmd_build, "build the graph: ontology, vocabularies and every entry in data/ into the store"),
    "export": (cmd_export, "write the built graph as Turtle, N-Triples, JSON-LD or TriG"),
    "export-entry": (cmd_export_entry, "write one entry file as RDF (the Turtle or JSON-LD form of a YAML entry)"),
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
    return top


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


if __name__ == "__main__":
    sys.exit(main())
