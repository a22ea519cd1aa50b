"""The benchmark runs and prints its one table (timing itself stays out of the tests), and a fresh `peerkg query`
imports only what running a stored query on the store needs (start-up time is what a command imports)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}

# what `peerkg query NAME` on the store never uses: SPARQL parsing in Python, remote endpoints, SHACL, the
# workbook, the reasoner, YAML
NOT_FOR_A_QUERY = ("rdflib.plugins.sparql", "pyparsing", "SPARQLWrapper", "pyshacl", "openpyxl", "owlready2",
                   "yaml", "peerkg.validation", "peerkg.loaders", "peerkg.commands")


def test_a_stored_query_imports_nothing_it_does_not_use(built: Any) -> None:
    probe = ("import io, runpy, sys, contextlib\n"
             f"sys.argv = ['peerkg', 'query', 'counts', '--store', {str(built.store)!r}]\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    try:\n"
             "        runpy.run_module('peerkg.cli', run_name='__main__')\n"
             "    except SystemExit as exc:\n"
             "        assert not exc.code, exc.code\n"
             "print('\\n'.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, check=True)
    modules = done.stdout.split()
    assert "pyoxigraph" in modules  # the probe did run the query
    assert [m for m in modules if m.startswith(NOT_FOR_A_QUERY)] == []


def test_the_benchmark_prints_its_table_at_the_curated_scale(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--scales", "1", "--timeout", "300",
                           "--serve-seconds", "1",
                           "--work", str(tmp_path)], capture_output=True, text=True, env=ENV, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    table = [line for line in lines if line.startswith("| ")]
    # one row per stored query at 1x with its defaults, and one more with the umbrella review bound where that
    # parameter is optional (`#+ param: umbrella entry UNDEF`), beside the other sections' rows
    files = sorted((REPO / "queries").glob("[0-9][0-9]-*.rq"))
    expected = sorted([p.name[3:-3] for p in files]
                      + [f"{p.name[3:-3]}, umbrella=cooper-2024-c0" for p in files
                         if "#+ param: umbrella entry UNDEF" in p.read_text("utf-8")])
    query_rows = sorted(line.split(" | ")[1] for line in table if line.startswith("| query | "))
    assert query_rows == expected
    for section in ("build", "entry", "export", "start-up", "reason", "serve"):
        assert any(line.startswith(f"| {section} | ") for line in table), section
    assert not any(">" in line.split(" | ")[3] for line in table[1:]), "a step ran past the time limit"
