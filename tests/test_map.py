"""`peerkg map` (issue 15, item 3): the evidence map shows one mark per review, direction and synthesis in each
outcome x population cell of the `findings` query, and nothing else; the HTML works offline in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Built

from peerkg.cli import main
from peerkg.queries.run import rows

ARTIFACTS = REPO / "tests" / "artifacts"
MARK_ID = re.compile(r'id="(mark\|[^"]*)"')


def expected_marks(store: Path) -> set[str]:
    """What the map must show, read from the `findings` rows: a finding stands in every population it names."""
    marks = set()
    for row in rows("findings", store=store):
        review = row.get("review") or row["refs"]
        for population in (row["population"] or "not stated").split(";"):
            marks.add("|".join(("mark", row["outcome"], population, review, row["direction"] or "",
                                row["synthesis"] or "")))
    return marks


@pytest.fixture(scope="module")
def drawn(built: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("map")
    written = {}
    for suffix in ("html", "svg", "png"):
        out = folder / f"evidence-map.{suffix}"
        assert main(["--store", str(built.store), "--quiet", "map", "--out", str(out)]) == 0
        written[suffix] = out
    return written


def test_the_map_shows_every_finding_in_its_cell_and_nothing_else(built: Built, drawn: dict[str, Path]) -> None:
    expected = expected_marks(built.store)
    for suffix in ("svg", "html"):
        shown = MARK_ID.findall(drawn[suffix].read_text("utf-8"))
        assert len(shown) == len(set(shown))
        assert set(shown) == expected


def test_the_curated_map_has_the_cells_of_the_results(drawn: dict[str, Path]) -> None:
    shown = set(MARK_ID.findall(drawn["svg"].read_text("utf-8")))
    # Results > Results from meta-analyses: perinatal depression improved in both perinatal meta-analyses [47, 48]
    perinatal = {m.split("|")[3] for m in shown if m.startswith("mark|perinatal depression|perinatal populations|")}
    assert len(perinatal) == 2
    # hospitalisation improved in [44] and [45], both of adults with SMI
    hospitalisation = {m for m in shown if m.startswith("mark|hospitalisation|serious mental illness|")}
    assert len(hospitalisation) == 2 and all("|improvement|meta-analysis" in m for m in hospitalisation)


def test_each_format_is_written(drawn: dict[str, Path]) -> None:
    assert drawn["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in drawn["svg"].read_text("utf-8")[:400]
    page = drawn["html"].read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # self-contained: nothing loaded from elsewhere (xmlns names are not requests)
    assert not re.findall(r'(?:src|href)="(?!#)[^"]*"', page)


def test_an_unknown_format_is_refused_naming_the_file(built: Built, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.pdf"
    assert main(["--store", str(built.store), "--quiet", "map", "--out", str(out)]) == 2
    assert "map.pdf" in capsys.readouterr().err and not out.exists()


def test_the_html_map_opens_offline_in_a_browser(built: Built, drawn: dict[str, Path], browser: Any,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    requested: list[str] = []
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    try:
        page.on("request", lambda request: requested.append(request.url))
        page.goto(drawn["html"].as_uri())
        figure = page.locator("#evidence-map svg")
        box = figure.bounding_box()
        assert box is not None and box["width"] > 800 and box["height"] > 800
        assert page.locator('[id^="mark|"]').count() == len(expected_marks(built.store))
        screenshot = page.screenshot(full_page=True)
    finally:
        page.close()
    assert requested == [drawn["html"].as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    for folder in (ARTIFACTS, tmp_path_factory.mktemp("screenshots")):
        (folder / "evidence-map.png").write_bytes(screenshot)
