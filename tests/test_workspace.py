"""Nothing added is lost: `add` keeps each entry in the workspace beside the store, `build` rebuilds curated
data plus added entries, `entries` lists them, `remove` and `add --replace` work all or nothing, and peerkg run
inside a clone reads that clone's folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, Built

from peerkg.cli import main
from peerkg.resources import clone_around

NEW = REPO / "tests" / "valid" / "new-review.yaml"
# tests/valid/new-review.yaml: one paper and two findings, the first with SMD 0.29 (its own invented values)
NEW_ESTIMATE, CHANGED_ESTIMATE = "0.29", "0.31"


@pytest.fixture()
def store(built: Built, tmp_path: Path) -> Path:
    copy = tmp_path / "work" / "store"
    shutil.copytree(built.store, copy)
    return copy


def fingerprint(store: Path) -> str:
    """The export (TriG, canonical blank nodes): a rebuilt store labels its blank nodes anew."""
    from peerkg.commands.export import export_store

    return export_store(store, "trig")


def estimates(store: Path) -> list[str]:
    from peerkg.queries.run import sparql

    result = sparql("PREFIX pk: <https://w3id.org/peerkg/> SELECT ?e WHERE { "
                    "<https://w3id.org/peerkg/id/new-2023/finding/1> pk:effectEstimate/pk:estimate ?e }",
                    store=store)
    return [str(r["e"]) for r in result.rows]


def reviews(store: Path) -> int:
    """The number of reviews the `reviews` query lists (every review; `counts` counts Cooper's only)."""
    from peerkg.queries.run import query

    return len(query("reviews", store=store).records())


def test_an_added_entry_is_kept_survives_a_build_and_is_removed_again(store: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(store)
    assert main(["add", "--quiet", "--store", str(store), str(NEW)]) == 0
    kept = store.parent / "entries" / "new-2023.yaml"
    assert kept.read_bytes() == NEW.read_bytes()
    capsys.readouterr()
    assert main(["entries", "--store", str(store)]) == 0
    assert capsys.readouterr().out.split("\t")[:3] == ["new-2023", "review", str(kept)]
    assert main(["build", "--quiet", "--no-release", "--store", str(store)]) == 0
    assert reviews(store) == 36 and estimates(store) == [NEW_ESTIMATE]   # Cooper's 35 + the added one
    assert main(["remove", "--store", str(store), "new-2023"]) == 0
    assert not kept.exists() and reviews(store) == 35
    assert fingerprint(store) == before


def test_replace_changes_the_entry_and_a_bad_replacement_changes_nothing(store: Path, tmp_path: Path) -> None:
    assert main(["add", "--quiet", "--store", str(store), str(NEW)]) == 0
    changed = tmp_path / "new-review.yaml"
    changed.write_text(NEW.read_text("utf-8").replace(f"estimate: {NEW_ESTIMATE},", f"estimate: {CHANGED_ESTIMATE},"),
                       "utf-8")
    assert main(["add", "--quiet", "--store", str(store), str(changed)]) == 1       # the id is taken
    assert main(["add", "--quiet", "--replace", "--store", str(store), str(changed)]) == 0
    assert estimates(store) == [CHANGED_ESTIMATE]
    kept = store.parent / "entries" / "new-2023.yaml"
    assert kept.read_bytes() == changed.read_bytes()
    before = fingerprint(store)
    broken = tmp_path / "broken" / "new-review.yaml"
    broken.parent.mkdir()
    broken.write_text(changed.read_text("utf-8").replace("n_studies: 6", "n_studies: -6"), "utf-8")
    assert main(["add", "--quiet", "--replace", "--store", str(store), str(broken)]) == 1
    assert fingerprint(store) == before and kept.read_bytes() == changed.read_bytes()
    # nothing staged or moved aside is left: the workspace holds the entry, the text copy of its document
    # (kept from the first add, tests/valid/new-review-report.txt) and the change log of the two adds
    workspace = kept.parent
    assert sorted(str(p.relative_to(workspace)) for p in workspace.rglob("*")) == [
        "change-log.nq", "new-2023", "new-2023.yaml", "new-2023/new-review-report.txt"]


def test_only_added_entries_can_be_removed(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(store)
    assert main(["remove", "--store", str(store), "chien-2019"]) == 2
    assert "holds no entry 'chien-2019'" in capsys.readouterr().err
    assert fingerprint(store) == before


def test_a_clone_is_found_from_any_folder_inside_it(tmp_path: Path) -> None:
    assert clone_around(REPO / "queries" / "qc") == REPO
    other = tmp_path / "other"
    (other / "ontology").mkdir(parents=True)
    (other / "data").mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "something-else"\n', "utf-8")
    assert clone_around(other) is None
    (other / "pyproject.toml").write_text('[project]\nname = "peerkg"\n', "utf-8")
    assert clone_around(other / "data") == other


def test_a_replacement_counts_for_the_rest_of_its_batch(store: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A replacement is validated with the rest of its batch: a second entry of the batch with the
    replacement's reference number (98) breaks the uniqueness rule, and nothing changes."""
    assert main(["add", "--quiet", "--store", str(store), str(NEW)]) == 0
    before = fingerprint(store)
    other = tmp_path / "other-2023.yaml"
    other.write_text(NEW.read_text("utf-8").replace("id: new-2023", "id: other-2023"), "utf-8")
    capsys.readouterr()
    assert main(["add", "--quiet", "--replace", "--store", str(store), str(NEW), str(other)]) == 1
    assert "[rule Inclusion-referenceNumber-unique]" in capsys.readouterr().err
    assert fingerprint(store) == before
