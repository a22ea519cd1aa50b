"""What a new review changes (issue 15, item 4): `add --dry-run` and `diff FILE` show the verdicts it would move
and the claims that would read differently, without touching the store; `add` and `remove` keep a change log
that `diff --since` lists and `build` keeps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, Built

from peerkg.cli import main

NEW = REPO / "tests" / "valid" / "new-review.yaml"
# tests/valid/new-review.yaml is a group-format systematic review with meta-analysis whose one meta-analysis found
# an improvement in recovery. Before it, the group-format reviews' meta-analyses of recovery are [35] with an
# improvement and [43] with none (Results > Psychosocial outcomes; queries/expected/format-differences.csv):
# 1 of 2 is "mixed"; with it, 2 of 3 improve: "consistent evidence of improvement".
RECOVERY_GROUP = "recovery / group: mixed -> consistent evidence of improvement"


@pytest.fixture()
def store(built: Built, tmp_path: Path) -> Path:
    copy = tmp_path / "work" / "store"
    shutil.copytree(built.store, copy)
    return copy


def export(store: Path, *options: str) -> str:
    from peerkg.commands.export import export_store

    return export_store(store, "trig", "--with-change-log" in options)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["add", "--dry-run"], ["diff"]])
def test_a_dry_run_shows_the_verdicts_it_would_move_and_changes_nothing(
        store: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    before = export(store, "--with-change-log")
    code, out, _ = run(capsys, "--store", str(store), "--quiet", *command, str(NEW))
    assert code == 0
    moved = out[out.index("verdicts that would move"):out.index("conclusions whose counts")]
    assert RECOVERY_GROUP in moved
    # recovery as a whole stays consistent (5 of 7 -> 6 of 8), its counts change
    assert "recovery: consistent evidence of improvement (unchanged) (reviews 7 -> 8, meta analyses 7 -> 8, " \
           "improvement 5 -> 6)" in out
    assert export(store, "--with-change-log") == before
    assert not (store.parent / "entries").exists()


def test_the_claims_that_would_read_differently(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", str(store), "--quiet", "diff", str(NEW))
    assert code == 0
    claims = out[out.index("claims of cooper-2024"):]
    # Results > Study selection: "Thirty-five reviews (reported in 36 papers) were included"; with the new review
    # the graph would count 36 reviews and 37 papers
    assert "reviews-included: 35 -> 36; would disagree with the stated 35" in claims
    assert "papers-included: 36 -> 37; would disagree with the stated 36" in claims


def test_a_dry_run_of_a_broken_entry_names_the_problem(store: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(NEW.read_text("utf-8").replace("direction: improvement", "direction: better"), "utf-8")
    code, _, err = run(capsys, "--store", str(store), "--quiet", "diff", str(broken))
    assert code == 1
    assert "broken.yaml" in err and "direction" in err


def test_add_and_remove_are_logged_and_the_log_survives_a_build(store: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    evidence = export(store)
    assert run(capsys, "--store", str(store), "--quiet", "add", "--by", "Review team A", str(NEW))[0] == 0
    assert run(capsys, "--store", str(store), "--quiet", "remove", "--by", "Review team A", "new-2023")[0] == 0
    code, out, _ = run(capsys, "--store", str(store), "--quiet", "diff", "--since", "2000-01-01", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "time,action,entry,file,sources,by,verdict"
    rows = [line.split(",") for line in lines[1:]]
    assert [(r[1], r[2], r[5]) for r in rows] == [("added", "new-2023", "Review team A"),
                                                   ("removed", "new-2023", "Review team A")]
    assert rows[0][6] == RECOVERY_GROUP
    assert rows[1][6] == "recovery / group: consistent evidence of improvement -> mixed"
    # the evidence is as it was; the log is kept apart from it
    assert export(store) == evidence
    assert "Review team A" in export(store, "--with-change-log")
    # nothing since a date after both changes
    assert run(capsys, "--store", str(store), "--quiet", "diff", "--since", "2999-01-01", "--format", "csv")[1] \
        .splitlines() == ["time,action,entry,file,sources,by,verdict"]
    # a rebuild keeps the log (it is a file of the workspace)
    assert run(capsys, "--store", str(store), "--quiet", "build", "--no-release")[0] == 0
    again = run(capsys, "--store", str(store), "--quiet", "diff", "--since", "2000-01-01", "--format", "csv")[1]
    assert again == out


def test_a_dry_run_of_pfeiffer_2011_shows_which_verdicts_move_and_why(store: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # Before: depression was meta-analysed by Lyons 2021 [35] and Sun 2022 [43], both with no effect (Results >
    # Clinical outcomes): "no evidence of improvement". Pfeiffer 2011 adds an improvement against usual care
    # (SMD -0.59) - 1 of 3 meta-analyses, "mixed" - and no difference against group CBT, an active treatment,
    # counted beside the verdict, not against it. Its population is any mental health condition.
    pfeiffer = REPO / "tests" / "real-reviews" / "pfeiffer-2011.yaml"
    before = export(store, "--with-change-log")
    code, out, _ = run(capsys, "--store", str(store), "--quiet", "add", "--dry-run", str(pfeiffer))
    assert code == 0
    moved = out[out.index("verdicts that would move"):out.index("conclusions whose counts")].splitlines()[1:]
    assert [line.strip() for line in moved] == [
        "depression: no evidence of improvement -> mixed (reviews 2 -> 3, meta analyses 2 -> 3, improvement 0 -> 1, "
        "against active 0 -> 1)",
        "depression / any or common mental health conditions: no evidence of improvement -> mixed (reviews 1 -> 2, "
        "meta analyses 1 -> 2, improvement 0 -> 1, against active 0 -> 1)"]
    # Results: "13 were systematic reviews with meta-analyses"; with Pfeiffer, 14
    assert "review-type-sr-with-meta-analysis: 13 -> 14; would disagree with the stated 13" in out
    assert export(store, "--with-change-log") == before
