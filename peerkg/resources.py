"""Where the declarative artifacts (ontology/, shapes/, loaders/, queries/, data/, sources/) are read from.

Run inside a clone of peerkg (the current folder or one above it holds peerkg's `pyproject.toml` and
`ontology/`), peerkg reads that clone's folders, so editing `data/` or `queries/` there takes effect even when
peerkg was installed with `pip install .`; elsewhere it reads the copy installed with the package. `peerkg
info` says which.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

PROJECT_NAME = "peerkg"


def _is_clone(folder: Path) -> bool:
    try:
        with (folder / "pyproject.toml").open("rb") as file:
            name = tomllib.load(file).get("project", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError):
        return False
    return name == PROJECT_NAME and (folder / "ontology").is_dir() and (folder / "data").is_dir()


def clone_around(start: Path | None = None) -> Path | None:
    """The peerkg clone holding `start` (default: the current folder), or None."""
    here = (start or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if _is_clone(folder)), None)


@cache
def root() -> Path:
    """The folder holding ontology/, shapes/, loaders/, queries/ and data/: the clone the current folder is in,
    else the copy installed with the package, else the checkout beside the package. Raises FileNotFoundError
    when there is none (a broken installation)."""
    clone = clone_around()
    if clone is not None:
        return clone
    package = Path(__file__).resolve().parent
    bundled = package / "_artifacts"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = package.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"peerkg cannot find its ontology folder: looked in {bundled} and {checkout}")


def describe_root() -> str:
    """Where the artifacts are read from, in words for `peerkg info`."""
    where = root()
    kind = "the installed package" if where.name == "_artifacts" else "a clone of peerkg"
    return f"artifacts (ontology, shapes, loaders, queries, data) read from {where} ({kind})"


def path(*parts: str) -> Path:
    """A path under the artifacts root, e.g. `path("ontology", "peerkg.ttl")`."""
    return root().joinpath(*parts)
