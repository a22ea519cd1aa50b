"""A wheel installed in a fresh virtual environment finds its ontology, shapes, loaders, queries and data."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install` of the wheel (not an editable install) into a new venv; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(REPO)],
                   check=True)
    [wheel] = (root / "dist").glob("peerkg-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / "bin"
    # The dependencies come from this interpreter's site-packages (a .pth file), so the test needs no network;
    # peerkg itself comes only from the wheel.
    [new_site] = list((env_dir / "lib").glob("python*/site-packages"))
    parents = [p for p in [*site.getsitepackages(), site.getusersitepackages()] if Path(p).is_dir()]
    (new_site / "parent-env.pth").write_text("\n".join(parents) + "\n", "utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q",
                    "--no-deps", "--ignore-installed", str(wheel)], check=True)
    return bin_dir


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PEERKG_STORE")}
    return subprocess.run([str(bin_dir / "peerkg"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_wheel_help_info_and_build(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "python"), "-c", "import peerkg, sys; print(peerkg.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    # peerkg comes from the new venv's own site-packages: not the checkout, not the parent environment
    assert Path(where.strip()).is_relative_to(installed.parent) and "site-packages" in where
    assert run(installed, "--help", cwd=tmp_path).returncode == 0
    info = run(installed, "info", cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    assert "peer support" in info.stdout and "vocabularies" in info.stdout
    built = run(installed, "build", "--quiet", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "reviews" in built.stdout and (tmp_path / ".peerkg" / "store").is_dir()
    assert [line.split() for line in built.stdout.splitlines() if line.startswith("reviews")] == [["reviews", "35"]]
