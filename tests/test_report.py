"""`peerkg report` (issue 15, item 6): one self-contained HTML page whose sections hold the answers of the stored
queries they name, checked in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Built

from peerkg.cli import main
from peerkg.queries.run import rows

ARTIFACTS = REPO / "tests" / "artifacts"
SECTIONS = {  # section id -> the stored queries it must name
    "counts": ["counts"], "claims": ["claims"],
    "map": ["findings", "reviews", "implementation-factors", "experience-themes"],
    "verdicts": ["conclusions", "conclusion-evidence"], "implementation": ["implementation-factors"],
    "experiences": ["perspectives-by-theme"],
}


@pytest.fixture(scope="module")
def report(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    assert main(["--store", str(built.store), "--quiet", "report", "--out", str(folder)]) == 0
    return folder / "index.html"


def section(page: str, ident: str) -> str:
    start = page.index(f'<section id="{ident}">')
    return page[start:page.index("</section>", start)]


def cells(html_text: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html_text)]


def test_each_section_names_its_stored_queries(report: Path) -> None:
    page = report.read_text("utf-8")
    for ident, queries in SECTIONS.items():
        named = re.findall(r"<code>([a-z0-9-]+)</code>", section(page, ident).split("</p>")[0])
        assert named == queries


def test_the_headline_counts_are_the_counts_query(built: Built, report: Path) -> None:
    shown = [c for c in cells(section(report.read_text("utf-8"), "counts")) if c]
    assert shown == [[r["measure"], str(r["value"])] for r in rows("counts", store=built.store)]
    # Cooper et al. 2024, Abstract: "We included 35 reviews (426 primary studies ..."
    assert ["reviews", "35"] in shown and ["primary_studies", "426"] in shown


def test_the_claims_check_counts_agreeing_claims(built: Built, report: Path) -> None:
    claims = rows("claims", store=built.store)
    checked = [c for c in claims if c["agrees"] is not None]
    agreeing = sum(1 for c in checked if c["agrees"] is True)
    text = section(report.read_text("utf-8"), "claims")
    assert f"<strong>{agreeing} of {len(checked)}</strong>" in text
    assert len([c for c in cells(text) if c]) == len(checked) - agreeing


def test_every_verdict_is_shown_and_links_to_its_evidence(built: Built, report: Path) -> None:
    page = report.read_text("utf-8")
    shown = [c for c in cells(section(page, "verdicts")) if c]
    conclusions = rows("conclusions", store=built.store)
    assert len(shown) == len(conclusions)
    for row, cell in zip(conclusions, shown, strict=True):
        assert cell[:3] == [row["outcome"], row["population"], row["format"]]
        assert row["verdict"] in cell[3]
    for target in re.findall(r'href="#(evidence-[a-z0-9-]+)"', page):
        assert f'id="{target}"' in page
    # the Discussion's hospitalisation verdict leads to the quotes of White 2020 and Wang 2022
    hospitalisation = page[page.index('id="evidence-hospitalisation"'):]
    hospitalisation = hospitalisation[:hospitalisation.index("</details>")]
    assert "white-2020" in hospitalisation and "wang-2022" in hospitalisation


def test_the_report_is_self_contained(report: Path) -> None:
    page = report.read_text("utf-8")
    assert not re.findall(r'(?:src|href)="(?!#)[^"]*"', page)
    assert "<script" not in page


def test_the_report_opens_offline_in_a_browser(report: Path, browser: Any,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    requested: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.on("request", lambda request: requested.append(request.url))
        page.goto(report.as_uri())
        for ident in SECTIONS:
            assert page.locator(f"section#{ident}").is_visible()
        box = page.locator("#evidence-map svg").bounding_box()
        assert box is not None and box["width"] > 800
        page.locator('a[href="#evidence-hospitalisation"]').first.click()
        page.locator("#evidence-hospitalisation summary").click()
        assert page.locator("#evidence-hospitalisation li").first.is_visible()
        screenshot = page.screenshot(full_page=True)
    finally:
        page.close()
    assert requested == [report.as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    for folder in (ARTIFACTS, tmp_path_factory.mktemp("screenshots")):
        (folder / "report.png").write_bytes(screenshot)
