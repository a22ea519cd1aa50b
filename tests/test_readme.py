"""The README's two set-up commands, as written: the first runs in a new virtual environment on a copy of the
clone and builds the graph; `.ci/run` runs exactly the second."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import REPO

README = REPO / "README.md"


def setup_commands() -> list[str]:
    """The shell blocks of the README's Quickstart section, in order."""
    text = README.read_text("utf-8")
    quickstart = text[text.index("## Quickstart"):]
    quickstart = quickstart[:quickstart.index("\n## ", 3)]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", quickstart, re.S)]


def test_the_readme_has_two_setup_commands_and_ci_runs_the_second() -> None:
    build, tests = setup_commands()
    assert build.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert build.endswith("&& peerkg build")
    assert tests.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert tests.endswith("python -m pytest")
    ci = [line for line in (REPO / ".ci" / "run").read_text("utf-8").splitlines()
          if line and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci == [tests]


def test_the_build_command_works_as_written_in_a_fresh_copy(tmp_path: Path) -> None:
    build, _ = setup_commands()
    clone = tmp_path / "clone"
    shutil.copytree(REPO, clone, symlinks=True, ignore=shutil.ignore_patterns(".git", ".venv", ".peerkg", "__pycache__",
                                                                "*.egg-info", ".mypy_cache", ".ruff_cache",
                                                                ".pytest_cache", ".hypothesis", "build", "dist"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PEERKG_STORE", "VIRTUAL_ENV")}
    done = subprocess.run(["bash", "-c", build], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    counts = dict(line.split()[:2] for line in done.stdout.splitlines() if line and line.split()[0] in
                  ("reviews", "papers", "findings"))
    # Cooper et al. 2024: 35 reviews in 36 papers; 102 findings is the curated count (tests/test_data.py)
    assert counts == {"reviews": "35", "papers": "36", "findings": "102"}
    assert (clone / ".peerkg" / "store" / "CURRENT").exists()
