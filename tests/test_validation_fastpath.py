"""The fast path of pySHACL (peerkg.validation.fastpath) gives the same results graph as pySHACL's own: on
graphs that break many shapes at once (the non-conforming edits of tests/shapes/cases.yaml applied together,
in two groups), the results graphs with and without it are isomorphic, sh:detail of sh:node included."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from test_shapes import CASES, apply, base_graph

from peerkg.validation.fastpath import fast_results, supported
from peerkg.validation.shapes import run_shapes

GROUPS = 2


def broken_graph(group: int) -> Graph:
    """The base fixture with the edits of every GROUPS-th case applied, in order (an edit whose triple an
    earlier edit of the group removed is left out)."""
    graph = base_graph()
    for case in CASES[group::GROUPS]:
        try:
            apply(graph, case["edit"])
        except AssertionError:
            continue
    return graph


def test_the_installed_pyshacl_is_one_the_fast_path_supports() -> None:
    assert supported()


@pytest.mark.parametrize("group", range(GROUPS))
def test_fast_and_plain_pyshacl_give_the_same_results_graph(group: int) -> None:
    graph = broken_graph(group)
    fast, fast_report = run_shapes(graph, fast=True)
    plain, plain_report = run_shapes(graph, fast=False)
    assert len(plain) > 20  # the group breaks many shapes
    assert [(r.rule, r.focus, r.path, r.value, r.message, r.severity) for r in fast] \
        == [(r.rule, r.focus, r.path, r.value, r.message, r.severity) for r in plain]
    assert isomorphic(fast_report, plain_report)


def test_the_fast_path_is_undone_after_the_block() -> None:
    from pyshacl.constraints.constraint_component import ConstraintComponent

    before = ConstraintComponent.make_v_result
    with fast_results():
        assert ConstraintComponent.make_v_result is not before
        with fast_results():
            pass
        assert ConstraintComponent.make_v_result is not before
    assert ConstraintComponent.make_v_result is before
