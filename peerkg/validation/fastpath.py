"""pySHACL without the work whose output nobody reads: a scoped speed-up of `peerkg.validation.shapes.run_shapes`.

pySHACL builds every validation result twice over: as triples, and as a text description (the "Results"
text of `pyshacl.validate`, stringifying nodes and paths). peerkg reads only the triples. And inside
sh:xone, sh:or, sh:not and sh:and it validates each branch as a shape of its own, building (and describing)
a full result for every branch a node does not conform to, then throws those results away: only the
logical constraint's own result is reported (pySHACL 0.40 logs them in debug mode, nothing else). On the
curated graph that is about a third of a build's validation (xone: 20 evaluations of 4 branches over every
review and intervention).

Inside `fast_results()`:
- `make_v_result_description` returns "" (the text report is empty; the results graph is the same);
- a result made inside a branch of a logical constraint is a stub: a blank node typed sh:ValidationResult
  with its severity (what pySHACL's own bookkeeping reads: `Shape.validate` filters reports by severity,
  sh:node counts them), never reaching the results graph.
Everything else, and every result that reaches the results graph (sh:detail of sh:node included), is
pySHACL's own. The patch is undone on leaving the block, and applied only to the pySHACL version it was
written against (`SUPPORTED`); with another version the block does nothing. tests/test_validation_fastpath.py
checks that every invalid fixture gets the same results with and without it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import RDF, BNode
from rdflib.namespace import SH

SUPPORTED = ("0.40.",)  # pySHACL versions whose internals this was written against and tested with
_state = threading.local()
_lock = threading.Lock()
_depth = 0  # blocks open (patch applied while > 0)


def _stack() -> list[object]:
    stack: list[object] | None = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


def _inside_branch(component: object) -> bool:
    """Whether a result made by `component` now would be thrown away: some logical constraint other than
    `component` itself is evaluating one of its branches."""
    stack = _stack()
    open_ = len(stack) - (1 if stack and stack[-1] is component else 0)
    return open_ > 0


def supported() -> bool:
    """Whether the installed pySHACL is a version the fast path was written against."""
    import pyshacl

    return str(pyshacl.__version__).startswith(SUPPORTED)


@contextmanager
def fast_results(enabled: bool = True) -> Iterator[None]:
    """pySHACL's results without text descriptions nor thrown-away branch results, for the block (nothing
    changes when `enabled` is false or the pySHACL version is not supported). Re-entrant and thread-safe."""
    global _depth
    if not enabled or not supported():
        yield
        return
    from pyshacl.constraints.constraint_component import ConstraintComponent
    from pyshacl.constraints.core import logical_constraints as logical

    logical_classes = (logical.NotConstraintComponent, logical.AndConstraintComponent,
                       logical.OrConstraintComponent, logical.XoneConstraintComponent)
    with _lock:
        _depth += 1
        if _depth == 1:
            _originals.clear()
            _originals["make_v_result"] = ConstraintComponent.make_v_result
            _originals["describe"] = ConstraintComponent.make_v_result_description
            ConstraintComponent.make_v_result = _make_v_result  # type: ignore[method-assign]
            ConstraintComponent.make_v_result_description = _no_description  # type: ignore[method-assign]
            for cls in logical_classes:
                _originals[cls] = cls.evaluate
                cls.evaluate = _branch_evaluator(cls.evaluate)  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                ConstraintComponent.make_v_result = _originals["make_v_result"]  # type: ignore[method-assign]
                ConstraintComponent.make_v_result_description = _originals["describe"]  # type: ignore[method-assign]
                for cls in logical_classes:
                    cls.evaluate = _originals[cls]  # type: ignore[method-assign]


_originals: dict[object, Any] = {}


def _branch_evaluator(original: Any) -> Any:
    def evaluate(self: Any, *args: Any, **kwargs: Any) -> Any:
        stack = _stack()
        stack.append(self)
        try:
            return original(self, *args, **kwargs)
        finally:
            stack.pop()

    return evaluate


def _make_v_result(self: Any, datagraph: Any, focus_node: Any, *args: Any, **kwargs: Any) -> Any:
    if _inside_branch(self):
        node = BNode()
        return "", node, [(node, RDF.type, SH.ValidationResult), (node, SH.resultSeverity, self.shape.severity)]
    return _originals["make_v_result"](self, datagraph, focus_node, *args, **kwargs)


def _no_description(self: Any, *args: Any, **kwargs: Any) -> str:
    return ""
