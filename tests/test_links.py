"""Every external IRI the project uses is traceable to a verified source.

"Used anywhere" means the ontology and its components, the vocabularies, the import module, the data (as
the loaders turn it into RDF), the shapes, the loader field map and the stored queries. An external term
must be a row of ontology/imports/verified-terms.tsv (a copy of the rows of ../shared/external-terms.tsv
the project uses, checked against that file when it is there) and be declared in the import module with
the same label, its source file and its source ontology. W3C language terms (RDF, RDFS, OWL, XSD, SHACL,
SKOS) are checked against rdflib's definitions of those vocabularies instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

REPO = Path(__file__).resolve().parent.parent
SHARED_TSV = REPO.parent / "shared" / "external-terms.tsv"
VERIFIED_TSV = REPO / "ontology" / "imports" / "verified-terms.tsv"
IMPORT_MODULE = REPO / "ontology" / "imports" / "external.ttl"
OURS = "https://w3id.org/peerkg/"
LANGUAGES: tuple[type[DefinedNamespace], ...] = (RDF, RDFS, OWL, XSD, SH, SKOS)
# objects of these properties name documents (licences, DOIs, web pages), not ontology terms
DOCUMENT_PROPERTIES = (DCTERMS.license, DCTERMS.source, RDFS.seeAlso)
HASDBXREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
EXTRA_NOTE = "not in the shared list"


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text("utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]


@cache
def verified() -> dict[str, dict[str, str]]:
    """IRI (or code, for ICD-10 rows) -> row."""
    return {row["IRI"].split(" ")[0]: row for row in read_tsv(VERIFIED_TSV)}


@cache
def module() -> Graph:
    return Graph().parse(IMPORT_MODULE)


@cache
def prefix_table() -> dict[str, str]:
    from peerkg.namespaces import prefixes

    return prefixes()


def rdf_artifacts() -> list[Path]:
    """The RDF files of the ontology and the shapes; the data (documents included, declared by data/*.yaml
    since issue 10) is scanned as the loaders turn it into RDF (`data_graph`)."""
    return sorted([*(REPO / "ontology").rglob("*.ttl"), *(REPO / "shapes").rglob("*.ttl"),
                   *(REPO / "data").rglob("*.ttl")])


@cache
def data_graph() -> Graph:
    from peerkg.commands.build import entry_files, load_entries

    graph = Graph()
    for entry in load_entries(entry_files(REPO / "data")):
        graph += entry.graph
    return graph


def graph_iris(graph: Graph) -> Iterator[tuple[URIRef, str]]:
    """(IRI, role): role is 'document' for licence/source objects, 'ontology' for rdfs:isDefinedBy values."""
    for s, p, o in graph:
        for term in (s, p):
            if isinstance(term, URIRef):
                yield term, "term"
        if isinstance(o, URIRef):
            role = "document" if p in DOCUMENT_PROPERTIES else "ontology" if p == RDFS.isDefinedBy else "term"
            yield o, role
        elif isinstance(o, Literal) and o.datatype is not None:
            yield o.datatype, "term"


def query_iris(text: str, known: dict[str, str] | None = None) -> Iterator[URIRef]:
    """IRIs and prefixed names of a SPARQL text; `known` prefixes are those declared outside it (the
    sh:declare prefixes of a SHACL-SPARQL constraint)."""
    declared = {**(known or {}), **dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text, flags=re.IGNORECASE))}
    body = re.sub(r"PREFIX\s+[\w-]*:\s*<[^>]*>", "", text, flags=re.IGNORECASE)
    body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', body)                 # string literals
    # comments (incl. `#+` headers) run from a # that is not inside an <IRI> to the end of the line
    body = re.sub(r"(<[^<>\s]*>)|#[^\n]*", lambda m: m.group(1) or "", body)
    for iri in re.findall(r"<([^<>\s\"{}|^`\\]+)>", body):
        yield URIRef(iri)
    for prefix, local in re.findall(r"(?<![\w?$<])([A-Za-z][\w-]*):([A-Za-z0-9_][\w-]*)", body):
        if prefix in declared:
            yield URIRef(declared[prefix] + local)


def field_map_iris() -> Iterator[URIRef]:
    """The CURIEs of loaders/entry-format.yaml (property, class and datatype of every field)."""
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif isinstance(node, str):
            yield node

    spec = yaml.safe_load((REPO / "loaders" / "entry-format.yaml").read_text("utf-8"))
    for text in walk(spec):
        prefix, sep, local = text.partition(":")
        if sep and prefix in prefix_table() and re.fullmatch(r"[A-Za-z0-9_][\w-]*", local):
            yield URIRef(prefix_table()[prefix] + local)


@cache
def used_iris() -> dict[URIRef, set[str]]:
    """Every IRI used outside the import module -> where (file names, for the error message)."""
    found: dict[URIRef, set[str]] = {}

    def note(iri: URIRef, where: str) -> None:
        found.setdefault(iri, set()).add(where)

    for path in rdf_artifacts():
        if path == IMPORT_MODULE:
            continue
        graph = Graph().parse(path)
        for iri, role in graph_iris(graph):
            if role == "term":
                note(iri, str(path.relative_to(REPO)))
        for prop in (SH.select, SH.ask, SH.construct, SH.update):
            for text in graph.objects(None, prop):
                for iri in query_iris(str(text), prefix_table()):
                    note(iri, f"{path.relative_to(REPO)} (SPARQL)")
    for iri, role in graph_iris(data_graph()):
        if role == "term":
            note(iri, "data/ (loaded entries)")
    for path in sorted([*(REPO / "queries").rglob("*.rq"), *(REPO / "shapes").rglob("*.rq")]):
        for iri in query_iris(path.read_text("utf-8")):
            note(iri, str(path.relative_to(REPO)))
    for iri in field_map_iris():
        note(iri, "loaders/entry-format.yaml")
    return found


def language(iri: URIRef) -> type[DefinedNamespace] | None:
    return next((ns for ns in LANGUAGES if str(iri).startswith(str(ns._NS))), None)


def external(iri: URIRef) -> bool:
    return not str(iri).startswith(OURS) and language(iri) is None


# ---------------------------------------------------------------------------------------------------

def test_the_scan_sees_the_artifacts() -> None:
    """Guards the scan itself: it finds terms from the ontology, the data, a query and the field map."""
    used = used_iris()
    assert "ontology/alignments.ttl" in used[URIRef("http://purl.org/spar/fabio/Review")]
    assert "data/ (loaded entries)" in used[URIRef("http://www.w3.org/ns/prov#wasQuotedFrom")]
    assert "loaders/entry-format.yaml" in used[URIRef("http://purl.org/dc/terms/bibliographicCitation")]
    assert any(w.startswith("queries/") for w in used[URIRef("https://w3id.org/peerkg/Review")])


def test_every_external_iri_is_verified_and_in_the_import_module() -> None:
    unverified = sorted(f"{iri} (in {', '.join(sorted(where))})" for iri, where in used_iris().items()
                        if external(iri) and str(iri) not in verified())
    assert not unverified, "external IRIs not in ontology/imports/verified-terms.tsv:\n" + "\n".join(unverified)
    undeclared = sorted(str(iri) for iri in used_iris() if external(iri)
                        and module().value(iri, RDFS.isDefinedBy) is None)
    assert not undeclared, "external terms not declared in the import module: " + ", ".join(undeclared)


def test_w3c_language_terms_exist() -> None:
    """A misspelt rdfs:/owl:/skos:/sh: term would otherwise pass silently as 'not external'."""
    unknown = sorted(str(iri) for iri in used_iris() if (ns := language(iri)) and iri not in ns)
    assert not unknown, f"not defined by their W3C vocabulary: {unknown}"


def test_import_module_agrees_with_the_verified_rows() -> None:
    g = module()
    terms = {s for s in g.subjects(RDFS.isDefinedBy, None) if isinstance(s, URIRef)}
    assert terms, "the import module declares no terms"
    by_ontology: dict[str, set[str]] = {}
    for term in sorted(terms):
        row = verified().get(str(term))
        assert row is not None, f"{term} is in the import module but not in verified-terms.tsv"
        assert [str(v) for v in g.objects(term, RDFS.label)] == [row["label"]], f"label of {term}"
        assert str(g.value(term, DCTERMS.source)) == row["source"], f"source of {term}"
        by_ontology.setdefault(row["ontology"].split(" (")[0], set()).add(str(g.value(term, RDFS.isDefinedBy)))
        declared = set(g.objects(term, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                                      OWL.AnnotationProperty, OWL.NamedIndividual}
        assert len(declared) == 1, f"{term} must be declared as exactly one kind of entity, got {declared}"
    # one source ontology, one rdfs:isDefinedBy value; and each such value is described in the module
    assert all(len(v) == 1 for v in by_ontology.values()), by_ontology
    for (value,) in by_ontology.values():
        assert g.value(URIRef(value), RDFS.label) is not None, f"source ontology {value} has no label"


def test_every_verified_row_is_used() -> None:
    """The import module holds just the terms used (MIREOT): each is used elsewhere, or is the parent or
    the MONDO-stated match of one that is, or an annotation property the module itself uses."""
    g = module()
    used = {iri for iri in used_iris() if external(iri)}
    reached = used | set(g.predicates())
    for iri in sorted(used):
        for prop in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.exactMatch):
            reached |= {o for o in g.transitive_objects(iri, prop) if isinstance(o, URIRef)}
    codes = {str(o) for o in g.objects(None, HASDBXREF)}
    unused = sorted(key for key in verified() if URIRef(key) not in reached and key not in codes)
    assert not unused, f"verified rows the project does not use (remove them): {unused}"


def test_icd10_codes_come_from_verified_rows() -> None:
    codes = {str(o) for o in module().objects(None, HASDBXREF)}
    assert codes == {"ICD10WHO:F20", "ICD10WHO:F31", "ICD10CM:F10-F19"}
    assert codes <= set(verified())


def test_verified_rows_are_rows_of_the_shared_list() -> None:
    """Beside the repository (not in CI) the shared list is the authority: every copied row is identical to
    one of its rows; the few rows checked for peerkg alone say so and are in the import module."""
    rows = read_tsv(VERIFIED_TSV)
    assert list(rows[0]) == ["concept", "ontology", "IRI", "label", "source", "note"]
    extra = [r for r in rows if r["note"].startswith(EXTRA_NOTE)]
    assert {r["IRI"] for r in extra} == {"http://purl.org/vocab/vann/preferredNamespacePrefix",
                                          "http://purl.org/vocab/vann/preferredNamespaceUri",
                                          str(HASDBXREF)}
    for row in extra:
        assert module().value(URIRef(row["IRI"]), DCTERMS.source) is not None
    if not SHARED_TSV.exists():
        # In a clean clone the vendored copy is the authority; its own checks ran above.
        return
    shared = {tuple(r.values()) for r in read_tsv(SHARED_TSV)}
    copied = [r for r in rows if not r["note"].startswith(EXTRA_NOTE)]
    missing = [r["IRI"] for r in copied if tuple(r.values()) not in shared]
    assert not missing, f"rows that differ from ../shared/external-terms.tsv: {missing}"
