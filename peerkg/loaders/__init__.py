"""Loaders: one module per entry format, one contract (a file in, an Entry out, or InputError)."""

from __future__ import annotations

from pathlib import Path

from peerkg.errors import InputError, Problem
from peerkg.loaders.base import Entry, Link
from peerkg.loaders.rdf_entry import load_rdf
from peerkg.loaders.yaml_entry import load_yaml

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}

__all__ = ["SUFFIXES", "Entry", "Link", "load_entry"]


def load_entry(path: Path) -> Entry:
    """Loads one entry file of any supported format."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError([Problem(str(path), f"unsupported file type {path.suffix or '(none)'!r}",
                                  hint="entries are .yaml, .ttl or .jsonld files", rule="file-type")])
    if kind == "yaml":
        return load_yaml(path)
    return load_rdf(path, kind)
