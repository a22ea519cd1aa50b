"""Shared fixtures: the source texts, and one build of the real graph per test session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "sources"
TEXT_FILE = SEED / "cooper-2024-peer-support-umbrella-review.txt"
TABLES_FILE = SEED / "cooper-2024-tables-excerpt.md"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Built:
    store: Path
    release: Path
    counts: dict[str, int]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The whole curated graph, built once into a temporary store."""
    from peerkg.commands.build import build

    root = tmp_path_factory.mktemp("built")
    summary = build(root / "store", root / "release")
    return Built(root / "store", root / "release", summary.counts)


@pytest.fixture(scope="session")
def store(built: Built):  # type: ignore[no-untyped-def]
    from peerkg.graph.store import open_store

    return open_store(built.store)


@pytest.fixture(scope="session")
def source_text() -> str:
    return collapse(TEXT_FILE.read_text("utf-8"))


@pytest.fixture(scope="session")
def tables_text() -> str:
    return collapse(TABLES_FILE.read_text("utf-8"))
