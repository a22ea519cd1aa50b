"""`peerkg build`: the whole graph, reproducibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Built

from peerkg.commands.build import build


def test_build_summary_counts_reviews_and_papers(built: Built) -> None:
    # "Thirty-five reviews (reported in 36 papers) were included"
    assert built.counts["reviews"] == 35
    assert built.counts["papers"] == 36
    assert built.counts["triples"] > 5_000


def test_two_builds_give_byte_identical_release_files(built: Built, tmp_path: Path) -> None:
    build(tmp_path / "store", tmp_path / "release")
    for name in ("peerkg.ttl", "peerkg.nt", "peerkg.jsonld", "peerkg.trig"):
        assert (tmp_path / "release" / name).read_bytes() == (built.release / name).read_bytes(), name


def test_release_files_parse_and_agree(built: Built, store) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Dataset, Graph

    distinct = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    expected = int(next(iter(distinct))[0].value)
    nt = Graph().parse(built.release / "peerkg.nt", format="nt")
    assert len(nt) == expected > 5_000
    for name, fmt in (("peerkg.ttl", "turtle"), ("peerkg.jsonld", "json-ld")):
        assert len(Graph().parse(built.release / name, format=fmt)) == expected, name
    trig = Dataset().parse(built.release / "peerkg.trig", format="trig")
    assert len({(s, p, o) for s, p, o, _ in trig.quads((None, None, None, None))}) == expected


def test_release_files_keep_the_datatypes_of_the_ontology(built: Built) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import XSD

    nt = Graph().parse(built.release / "peerkg.nt", format="nt")
    refs = list(nt.objects(None, URIRef("https://w3id.org/peerkg/referenceNumber")))
    # pk:referenceNumber has range xsd:positiveInteger; 36 numbers on 35 inclusions (references 1, 21-24, 34-64)
    assert len(refs) == 36 and {r.datatype for r in refs} == {XSD.positiveInteger}


def test_a_rebuild_of_the_same_graph_skips_validation_and_a_changed_graph_is_validated(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from peerkg.commands import build as build_module
    from peerkg.validation import start_validate_graph

    calls: list[int] = []

    def counted(graphs):  # type: ignore[no-untyped-def]
        calls.append(len(graphs))
        return start_validate_graph(graphs)

    monkeypatch.setattr(build_module, "start_validate_graph", counted)
    store = tmp_path / "store"
    build(store, None)
    assert len(calls) == 1 and (store / build_module.VALIDATED_FILE).is_file()
    build(store, None)  # same entries, same shapes: the verdict of the first build stands
    assert len(calls) == 1
    # an entry kept in the workspace beside the store joins the graph: validated again, with one graph more
    (tmp_path / "entries").mkdir()
    shutil.copy(Path(__file__).parent / "valid" / "new-review.yaml", tmp_path / "entries")
    build(store, None)
    assert len(calls) == 2 and calls[1] == calls[0] + 1


def test_release_lines_are_the_whole_dataset_canonicalised(built: Built, store) -> None:  # type: ignore[no-untyped-def]
    # the release writers canonicalise only the quads with a blank node and keep the others as Oxigraph
    # writes them; the reference here canonicalises the whole dataset with pyoxigraph
    import pyoxigraph as ox

    from peerkg.graph.release import canonical_nquad_lines
    from peerkg.graph.store import dump_nquads_bytes, escape_line_breaks

    dump = dump_nquads_bytes(store)
    assert b"_:" in dump  # the ontology's OWL lists: canonical labels are at stake
    whole = ox.Dataset(ox.parse(dump, format=ox.RdfFormat.N_QUADS))
    whole.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = (ox.serialize(whole, format=ox.RdfFormat.N_QUADS) or b"").decode().split("\n")
    expected = sorted({escape_line_breaks(line) for line in lines if line})
    assert canonical_nquad_lines(dump, as_oxigraph_writes=True) == expected
    assert canonical_nquad_lines(dump.decode()) == expected


def test_a_build_whose_entry_breaks_a_shape_keeps_the_old_store_and_release(tmp_path: Path) -> None:
    # the shapes run in a second process while the new store is written: their verdict still decides
    import shutil

    from conftest import REPO

    from peerkg.errors import InputError
    from peerkg.graph.store import dump_nquads_bytes, open_store
    from peerkg.validation.quotes import NOT_FOUND

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, symlinks=True)
    shutil.copytree(REPO / "sources", tmp_path / "sources", symlinks=True)  # the text copies of the documents
    store, release = tmp_path / "store", tmp_path / "release"
    build(store, release, data_dir=data)
    before = dump_nquads_bytes(open_store(store, read_only=True), store)
    released = {p.name: p.read_bytes() for p in release.iterdir()}
    # ci_lower above ci_upper and above the estimate (tests/invalid/cases.yaml)
    shutil.copy(REPO / "tests" / "invalid" / "ci-inverted.yaml", data)
    with pytest.raises(InputError) as failed:
        build(store, release, data_dir=data)
    rules = {(p.rule, p.field) for p in failed.value.problems}
    assert ("EffectEstimate-ci-lower-not-above-ci-upper", "pk:ciLower") in rules
    assert dump_nquads_bytes(open_store(store, read_only=True), store) == before
    assert {p.name: p.read_bytes() for p in release.iterdir()} == released
    assert not store.with_name("store.new").exists()
    # a quote not in its document's text (checked while the shapes run): the same, and the quote is named
    (data / "ci-inverted.yaml").unlink()
    entry = data / "akerblom-2023.yaml"
    entry.write_text(entry.read_text("utf-8").replace('quote: "6 were scoping reviews"',
                                                      'quote: "6 were umbrella reviews"'), "utf-8")
    with pytest.raises(InputError) as failed:
        build(store, release, data_dir=data)
    assert [(p.entry, p.rule) for p in failed.value.problems] == [("akerblom-2023", NOT_FOUND)]
    assert dump_nquads_bytes(open_store(store, read_only=True), store) == before
    assert {p.name: p.read_bytes() for p in release.iterdir()} == released


def test_the_export_cuts_graph_names_off_lines_as_parsing_them_would(built: Built, store) -> None:  # type: ignore[no-untyped-def]
    # `named_only` (every quad in a named graph) makes the union and the TriG by cutting the last term off
    # each line; the reference parses and writes the lines with pyoxigraph
    from peerkg.graph.release import RELEASE_FORMATS, release_texts
    from peerkg.graph.store import dump_nquads_bytes

    dump = dump_nquads_bytes(store)
    fast = release_texts(dump, as_oxigraph_writes=True, named_only=True)
    assert fast == release_texts(dump, as_oxigraph_writes=True)
    assert set(fast) == set(RELEASE_FORMATS)
    # one triple in several graphs, triples whose text is a prefix of another's
    quads = "".join(f'<urn:s> <urn:p> {o} <urn:g{g}> .\n' for g in (2, 1, 3)
                    for o in ('"a"', '"a"@en', '"a"^^<urn:d>', '"a b"', '<urn:o>', '_:b'))
    assert release_texts(quads, named_only=True) == release_texts(quads)
    assert release_texts(quads)["nt"].count("\n") == 6


def test_the_export_of_a_store_with_a_default_graph_keeps_its_triples(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from peerkg.commands.export import export_store

    quads = ('<urn:s> <urn:p> "a <urn:x> b" .\n'  # in the default graph, a literal with an IRI-like part
             '<urn:s> <urn:p> <urn:o> <urn:g> .\n'
             '<urn:s> <urn:p> <urn:o> .\n'
             '_:b <urn:p> "x y" <urn:g> .\n')
    target = ox.Store(str(tmp_path / "store"))
    target.load(quads.encode(), format=ox.RdfFormat.N_QUADS)
    target.flush()
    del target
    nt = export_store(tmp_path / "store", "nt")
    assert nt.splitlines() == sorted(['<urn:s> <urn:p> "a <urn:x> b" .', '<urn:s> <urn:p> <urn:o> .',
                                      '_:c14n0 <urn:p> "x y" .'])
    trig = export_store(tmp_path / "store", "trig")
    assert len(ox.Dataset(ox.parse(trig, format=ox.RdfFormat.TRIG))) == 4
