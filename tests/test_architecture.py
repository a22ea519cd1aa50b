"""The package's imports go one way, down the pipeline: cli -> commands -> queries -> validation -> loaders ->
graph -> ontology -> namespaces -> errors and resources. Nothing imports upward and no two modules import
each other, directly or around a circle (imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "peerkg"
# lowest first; a module may import modules of its own layer or of a lower one
LAYERS = [
    ["peerkg", "peerkg.errors", "peerkg.resources", "peerkg.progress"],
    ["peerkg.namespaces"],
    ["peerkg.ontology"],
    ["peerkg.graph"],
    ["peerkg.loaders"],
    ["peerkg.validation"],
    ["peerkg.queries"],
    ["peerkg.synthesis"],
    ["peerkg.serving"],
    ["peerkg.commands"],
    ["peerkg.cli"],
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    best = -1, -1
    for n, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[1]:
                best = n, len(prefix)
    assert best[0] >= 0, f"{module} belongs to no layer of the pipeline: add it to LAYERS"
    return best[0]


def imports() -> dict[str, set[str]]:
    """module -> the peerkg modules it imports (anywhere in its body)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("peerkg"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("peerkg")}
        found[name] = {t for t in targets if t != name}
    return found


def test_nothing_imports_upward() -> None:
    upward = sorted((m, t) for m, targets in imports().items() for t in targets
                    if layer(t) > layer(m) and not m.startswith(t + "."))
    assert upward == []


def test_there_is_no_import_circle() -> None:
    graph = imports()
    # a package's __init__ is imported by its own modules' import machinery, not by their code: only edges
    # written in the code count
    state: dict[str, int] = {}
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                circles.append([*trail[trail.index(target):], target] if target in trail else [node, target])
            elif state.get(target) is None:
                visit(target, [*trail, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []
