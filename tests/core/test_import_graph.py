"""The layers of docs/architecture.md hold, read from the imports of every module (``ast``, nested ones too).

Transport and web (``api``, ``console``, ``pages``, ``mqtt``, ``web``) sit above the domains; the outbox
and the kiosk protocol below them. A package's routes (``views.py``, ``*_views.py``) are the web layer's
rooms in that package: a domain's may use the web kit (``api``, ``web``), nothing else above. The CLI is a package
(``cli/``: the group in ``root``, each other module adding its commands), so one node.
"""

import ast
import functools
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "safety_service"
ABOVE = {"api", "console", "pages", "mqtt", "web"}
WEB_KIT = {"api", "web"}  # what a domain's routes may use
BELOW = {"outbox", "protocol"}
BASE = {"clock", "config", "database", "driver", "errors", "reading", "validation"}  # modules everything may use
NOT_DOMAINS = ABOVE | BELOW | {"migrations", "i18n", "cli"}  # the CLI is an entry point, over all the rest


def _node(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    top = parts[0]
    if len(parts) == 1:
        return top
    if top != "api" and (parts[-1] == "views" or parts[-1].endswith("_views")):
        return f"{top}.views"
    return top


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every ``safety_service`` module (or name in one) the file imports, relative imports resolved."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("safety_service.")}


def _files() -> dict[Path, str]:
    return {path: _node(path) for path in sorted(PACKAGE.rglob("*.py"))}


def _target(name: str, nodes: dict[str, str]) -> str | None:
    """The node of an imported name: its longest module prefix that is a file of the package."""
    while name and name not in nodes:
        name = name.rpartition(".")[0]
    return nodes.get(name)


@functools.cache
def _edges() -> dict[str, dict[str, set[str]]]:
    """node -> imported node -> the modules that import it."""
    files = _files()
    nodes = {_module(path): node for path, node in files.items()}
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path, node in files.items():
        for name in _imported(path):
            target = _target(name, nodes)
            if target is not None and target != node:
                edges[node][target].add(_module(path))
    return edges


def _cycles(edges: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    search = _Tarjan(edges)
    for node in sorted(edges):
        if node not in search.index:
            search.visit(node)
    return search.found


class _Tarjan:
    """Tarjan's search for strongly connected components; ``found`` holds those of more than one node."""

    def __init__(self, edges: dict[str, dict[str, set[str]]]) -> None:
        self.edges = edges
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[list[str]] = []

    def visit(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        for target in self.edges.get(node, {}):
            if target not in self.index:
                self.visit(target)
                self.low[node] = min(self.low[node], self.low[target])
            elif target in self.on_stack:
                self.low[node] = min(self.low[node], self.index[target])
        if self.low[node] == self.index[node]:
            component = self._pop_component(node)
            if len(component) > 1:
                self.found.append(sorted(component))

    def _pop_component(self, root: str) -> list[str]:
        component = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == root:
                return component


def _domain(node: str) -> str | None:
    top = node.partition(".")[0]
    return top if (PACKAGE / top).is_dir() and top not in NOT_DOMAINS else None


def test_no_domain_imports_the_layers_above() -> None:
    wrong = []
    for node, targets in _edges().items():
        if _domain(node) is None:
            continue
        allowed = WEB_KIT if node.endswith(".views") else set()
        wrong += [f"{module} imports {target}" for target, modules in targets.items()
                  if target in ABOVE - allowed for module in sorted(modules)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", sorted(BELOW))
def test_the_outbox_and_the_protocol_import_nothing_above_them(package: str) -> None:
    targets = _edges().get(package, {})
    wrong = {target: sorted(modules) for target, modules in targets.items() if target not in BELOW | BASE}
    assert not wrong


def test_no_import_cycle_between_packages() -> None:
    edges = _edges()
    cycles = _cycles(edges)
    detail = [f"{a} -> {b} ({', '.join(sorted(edges[a][b]))})" for cycle in cycles for a in cycle
              for b in edges[a] if b in cycle]
    assert not cycles, "\n".join(detail)


def test_the_graph_is_read() -> None:
    """The checks above see the imports they guard (a parser that found nothing would pass them all)."""
    edges = _edges()
    assert "hazards" in edges["mqtt"] and "protocol" in edges["outbox"] and "api" in edges["hazards.views"]
    assert _cycles({"a": {"b": set()}, "b": {"a": set()}, "c": {"a": set()}}) == [["a", "b"]]
