"""The command line: --help for every command, results on stdout, errors on stderr, documented exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from peerkg.cli import COMMANDS


def peerkg(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "peerkg.cli", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, input=stdin, timeout=600)


def test_top_level_help_lists_every_command() -> None:
    result = peerkg("--help")
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    result = peerkg(name, "--help")
    assert result.returncode == 0, result.stderr
    assert "exit codes" in result.stdout


def test_no_command_is_a_usage_error() -> None:
    assert peerkg().returncode == 2


def test_bad_entry_exits_2_with_file_and_field_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken-2020\nreview_type: [unclosed\n", "utf-8")
    result = peerkg("export-entry", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(bad) in result.stderr and "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    result = peerkg("export", "--store", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "peerkg build" in result.stderr


def test_start_up_does_not_import_the_slow_libraries() -> None:
    code = ("import sys, peerkg.cli; peerkg.cli.parser(); "
            "print(sorted(m for m in ('pyshacl', 'owlready2', 'rdflib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO).stdout
    assert out.strip() == "[]"
