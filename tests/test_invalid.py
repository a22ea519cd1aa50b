"""The bad-input corpus (tests/invalid/, expectations in tests/invalid/cases.yaml): every file gets a clear error
naming the rule that fired and the field, never a traceback, and `peerkg add` leaves the store exactly as it was.
Plus a hypothesis fuzz of the YAML loader: nothing but InputError comes out of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, Built
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerkg.cli import main
from peerkg.errors import InputError
from peerkg.graph.store import open_store, sorted_nquads
from peerkg.loaders.fieldmap import entry_format
from peerkg.loaders.yaml_entry import load_yaml_text

INVALID = REPO / "tests" / "invalid"
CASES: dict[str, dict[str, Any]] = yaml.safe_load((INVALID / "cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def store_copy(built: Built, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the built store (others read the original) and its content before any add."""
    path = tmp_path_factory.mktemp("invalid") / "store"
    shutil.copytree(built.store, path)
    store = open_store(path)
    before = sorted_nquads(store)
    del store
    return path, before


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def matches(issue: dict[str, Any], expected: dict[str, Any]) -> bool:
    return issue.get("rule") == expected["rule"] \
        and ("field" not in expected or issue.get("field") == expected["field"]) \
        and ("line" not in expected or issue.get("line") == expected["line"])


def test_the_corpus_has_at_least_fifty_cases_and_every_file_is_listed() -> None:
    files = {p.name for p in INVALID.iterdir() if p.name != "cases.yaml"}
    assert files == set(CASES)
    assert len(CASES) >= 50


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_reported_and_the_store_is_unchanged(name: str, store_copy: tuple[Path, str],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    expected = CASES[name]
    path, before = store_copy
    file = str(INVALID / name)
    code, out, _ = run(capsys, "validate", file, "--store", str(path), "--format", "json")
    report = json.loads(out)
    assert code == expected["exit"]
    assert not report["conforms"]
    found = [i for i in report["issues"] if matches(i, expected)]
    assert found, report["issues"]
    assert all(i["file"].startswith(file) for i in found)  # the file as the curator named it

    code, out, err = run(capsys, "add", file, "--store", str(path))
    assert code == expected["exit"]
    assert out == ""
    assert f"[rule {expected['rule']}]" in err and "nothing was added" in err
    assert sorted_nquads(open_store(path)) == before


def test_an_entry_of_10_mb_is_refused_unread(tmp_path: Path, store_copy: tuple[Path, str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path, before = store_copy
    big = tmp_path / "big-2023.yaml"
    base = (REPO / "tests" / "valid" / "new-review.yaml").read_text("utf-8")
    padding = "# " + "x" * 98 + "\n"
    big.write_text(base + padding * (10_000_000 // len(padding)), "utf-8")
    assert big.stat().st_size > 10_000_000
    code, out, _ = run(capsys, "validate", str(big), "--store", str(path), "--format", "json")
    assert code == 2
    issue, = json.loads(out)["issues"]
    assert issue["rule"] == "too-large" and f"{entry_format().max_bytes:,}" in issue["message"]
    code, _, err = run(capsys, "add", str(big), "--store", str(path))
    assert code == 2 and "[rule too-large]" in err
    assert sorted_nquads(open_store(path)) == before


def test_a_broken_entry_in_a_batch_keeps_the_good_ones_out_too(store_copy: tuple[Path, str],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """All or nothing: one failing entry, and the valid entry added with it is not added either."""
    path, before = store_copy
    good = REPO / "tests" / "valid" / "new-review.yaml"
    code, out, err = run(capsys, "add", str(good), str(INVALID / "i2-140.yaml"), "--store", str(path))
    assert code == 1 and out == ""
    assert "[rule EffectEstimate-iSquared]" in err
    assert sorted_nquads(open_store(path)) == before


def test_the_remote_context_is_never_fetched(monkeypatch: pytest.MonkeyPatch, store_copy: tuple[Path, str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import socket
    import urllib.request

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("peerkg tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    path, _ = store_copy
    code, _, _ = run(capsys, "validate", str(INVALID / "jsonld-remote-context.jsonld"), "--store", str(path))
    assert code == 2


# -- fuzzing the YAML loader ------------------------------------------------------------------------------

VALID_TEXT = (REPO / "tests" / "valid" / "new-review.yaml").read_text("utf-8")
KEYS = sorted({k for r in entry_format().records.values() for k in r.fields} | {"record", "id"})
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=20), st.sampled_from(["not reported", "sr-with-meta-analysis", "recovery",
                                                           "2012-01", "zeng-2021"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner,
                                                 max_size=5)), max_leaves=25)


def _load(text: str) -> None:
    try:
        load_yaml_text(text, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" and p.message for p in exc.problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=12))
def test_fuzz_structures_give_only_input_errors(data: dict[str, Any]) -> None:
    _load(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_text_gives_only_input_errors(text: str) -> None:
    _load(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(VALID_TEXT) - 1), st.integers(1, 40), st.text(max_size=12))
def test_fuzz_mutations_of_a_valid_entry_give_only_input_errors(at: int, cut: int, insert: str) -> None:
    _load(VALID_TEXT[:at] + insert + VALID_TEXT[at + cut:])
