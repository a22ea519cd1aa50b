"""Where the declarative artifacts live: beside the package in a checkout, inside it in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def root() -> Path:
    """The folder holding ontology/, shapes/, loaders/, queries/ and data/."""
    package = Path(__file__).resolve().parent
    bundled = package / "_artifacts"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = package.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        f"peerkg cannot find its ontology folder: looked in {bundled} and {checkout}"
    )


def path(*parts: str) -> Path:
    """A path under the artifacts root, e.g. `path("ontology", "peerkg.ttl")`."""
    return root().joinpath(*parts)
