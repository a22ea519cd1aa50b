"""Shared fixtures: the source texts, and one build of the real graph per test session."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "sources"
TEXT_FILE = SEED / "cooper-2024-peer-support-umbrella-review.txt"
TABLES_FILE = SEED / "cooper-2024-tables-excerpt.md"

NEW_REVIEW = REPO / "tests" / "valid" / "new-review.yaml"
# Two curated reviews listing primary studies, for pairwise-overlap: the curated reviews list none (Cooper et al.'s
# study-by-review matrix is not in our copy), so these two illustrative studies are those of
# tests/examples/primary-studies-and-overlap.ttl (lloyd-evans-2014 includes a and b, chien-2019 includes a: they
# share 1 of 2 studies, a CCA of 50%). Loaded into a test graph of the extended copy only.
LISTED_GRAPH = "urn:peerkg-test:listed-studies"
LISTED = """@prefix pk: <https://w3id.org/peerkg/> . @prefix pkid: <https://w3id.org/peerkg/id/> .
pkid:lloyd-evans-2014 pk:includesStudy <https://w3id.org/peerkg/id/example/study/a> ,
    <https://w3id.org/peerkg/id/example/study/b> .
pkid:chien-2019 pk:includesStudy <https://w3id.org/peerkg/id/example/study/a> ."""


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


@pytest.fixture(scope="session")
def extended(built: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built store on which every stored query answers with rows: tests/valid/new-review.yaml added
    and removed again through `peerkg add` and `peerkg remove` (the evidence is as built; the change log, which
    a fresh build lacks, has two rows for `changes`), and two reviews that list primary studies (LISTED, for
    `pairwise-overlap`). tests/test_push.py and tests/test_endpoint.py give it to their servers and read the
    embedded answers from it."""
    import pyoxigraph as ox

    from peerkg.cli import main

    copy = tmp_path_factory.mktemp("extended") / "store"
    shutil.copytree(built.store, copy, symlinks=True)
    assert main(["--store", str(copy), "--quiet", "add", "--by", "Push test", str(NEW_REVIEW)]) == 0
    assert main(["--store", str(copy), "--quiet", "remove", "--by", "Push test", "new-2023"]) == 0
    writer = ox.Store(str(copy))
    writer.load(LISTED, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(LISTED_GRAPH))
    writer.flush()
    del writer
    return copy


@pytest.fixture(scope="session")
def extended_store(extended: Path) -> Any:
    """The extended copy, opened read-only."""
    from peerkg.graph.store import open_store

    return open_store(extended, read_only=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (installed by test_docs.install_chromium when missing), for
    the tests that open a page: the query page of `peerkg serve`, the map, the report."""
    from playwright.sync_api import sync_playwright
    from test_docs import CHROMIUM, CHROMIUM_FLAGS, install_chromium

    if not CHROMIUM.exists():
        install_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
