"""`peerkg docs`: the HTML page of the ontology, reproducible, opened in headless Chromium.

Chromium comes from the system (Debian's package at /usr/bin/chromium, driven by Playwright). On a clean
machine the fixture installs it with apt-get, so the test needs nothing that the project does not set up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from servers import apt_install

from peerkg.ontology.docs import documentation

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PK = "https://w3id.org/peerkg/"


def install_chromium() -> None:
    """Debian's Chromium, installed by the test when missing."""
    apt_install("chromium")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from peerkg.cli import main

    path = tmp_path_factory.mktemp("docs") / "index.html"
    assert main(["docs", "--output", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        install_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


def ontology() -> Graph:
    return Graph().parse(REPO / "ontology" / "peerkg.ttl")


def test_the_page_is_reproducible_byte_for_byte(page_file: Path) -> None:
    assert page_file.read_bytes() == documentation().encode("utf-8")
    assert documentation() == documentation()


def test_every_term_and_scheme_has_its_section(page_file: Path) -> None:
    html = page_file.read_text("utf-8")
    graph = ontology()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in graph.subjects(RDF.type, kind):
            if str(term).startswith(PK):
                assert f'id="pk-{str(term)[len(PK):]}"' in html, term
    vocab = Graph()
    for path in (REPO / "ontology" / "vocab").glob("*.ttl"):
        vocab.parse(path)
    for scheme in vocab.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(scheme) in html
        assert str(vocab.value(scheme, SKOS.prefLabel)) in html
    assert html.count("<tr id=") >= len(set(vocab.subjects(RDF.type, SKOS.Concept)))


def test_chromium_shows_a_defined_class_with_its_definition_and_axiom(browser, page_file: Path) -> None:  # type: ignore[no-untyped-def]
    graph = ontology()
    cls = URIRef(PK + "ReviewOfSeriousMentalIllness")
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        assert page.title() == str(graph.value(URIRef(PK), URIRef("http://purl.org/dc/terms/title")))
        section = page.locator("#pk-ReviewOfSeriousMentalIllness")
        assert section.count() == 1 and section.is_visible()
        assert section.locator("h3").inner_text() == str(graph.value(cls, RDFS.label))
        text = " ".join(section.inner_text().split())
        assert str(graph.value(cls, SKOS.definition)) in text
        assert "population or broader population" in text and "serious mental illness" in text  # the axiom
        # the link from the definition's property leads to that property's own section
        section.locator('a[href="#pk-populationOrBroader"]').first.click()
        assert page.locator("#pk-populationOrBroader").is_visible()
    finally:
        page.close()


def test_chromium_shows_alignments_and_a_scheme_with_its_mappings(browser, page_file: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        review = " ".join(page.locator("#pk-Review").inner_text().split())
        assert "subclass of" in review and "fabio:Review" in review
        row = " ".join(page.locator("#pop-serious-mental-illness").inner_text().split())
        assert "serious mental illness" in row
        assert "broader match: psychiatric disorder obo:MONDO_0002025" in row     # label from the import module
        scheme = " ".join(page.locator("section.scheme", has=page.locator("#pop-serious-mental-illness"))
                          .inner_text().split())
        assert "Every concept of this scheme is a Population pico:Population" in scheme
    finally:
        page.close()
