"""The query page of `peerkg serve` in a real browser: headless Chromium (Debian's, driven by Playwright, as in
test_docs.py) opens it, picks a stored query from the list, runs it and reads YASGUI's result table. Every
request the page makes must go to the server itself: the page works offline. A screenshot is kept in
tests/artifacts/ (ignored by git) and in pytest's temporary folder."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servers import peerkg_serve
from test_queries import EXPECTED, QUERY_FILES

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"


@pytest.fixture(scope="module")
def base(built: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("page") / "store"
    shutil.copytree(built.store, copy)
    with peerkg_serve(copy) as (url, _):
        yield url


def expected_rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in (EXPECTED / f"{name}.csv").read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_the_page_runs_a_stored_query_and_shows_its_rows(base: str, browser: Any,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    outside: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 900})

    def only_this_server(route: Any) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    try:
        page.goto(base + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        listed = page.locator("button.stored-query").all_inner_texts()
        assert listed == [re.sub(r"^\d\d-", "", p.stem) for p in QUERY_FILES]

        page.locator('button.stored-query[data-name="reviews-using-grade"]').click()
        panel = page.locator(".tabPanel.active")
        assert page.locator(".tab.active").inner_text().splitlines()[0].strip() == "reviews-using-grade"
        editor = " ".join(panel.locator(".CodeMirror").first.inner_text().split())
        assert "pk:gradeUsed" in editor or "GRADE" in editor.upper()
        panel.locator(".yasqe_queryButton").click()

        rows = panel.locator(".yasr table.dataTable tbody tr")
        expected = expected_rows("reviews-using-grade")
        rows.nth(len(expected) - 1).wait_for(timeout=30_000)
        assert rows.count() == len(expected)
        headers = [" ".join(h.split()) for h in panel.locator(".yasr table.dataTable thead th").all_inner_texts()]
        shown = [[" ".join(c.split()) for c in rows.nth(i).locator("td").all_inner_texts()]
                 for i in range(rows.count())]
        for want, cells in zip(expected, shown, strict=True):
            row = dict(zip(headers, cells, strict=True))
            for column in ("first_author", "year", "refs"):
                assert want[column] in row[column], (column, row)
        screenshot = page.screenshot(full_page=True)
    finally:
        page.close()
    ARTIFACTS.mkdir(exist_ok=True)
    for folder in (ARTIFACTS, tmp_path_factory.mktemp("screenshots")):
        (folder / "serve-page.png").write_bytes(screenshot)
    assert not outside, f"the page asked other servers: {outside[:5]}"
