"""Dependencies point one way: ui -> service -> api -> httpx; the core and CLI never load Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tui"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_headless_modules_leave_textual_unloaded() -> None:
    code = (
        "import sys, tui.api.client, tui.api.auth, tui.config.store, tui.emulator, tui.service, "
        "tui.cli, tui.cli.entry, tui.cli.app; tui.cli.build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", _files("ui"), ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_never_builds_requests(path: Path) -> None:
    bad = {name for name in _imports(path) if name.split(".")[0] == "httpx" or name.startswith("tui.api")}
    assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize(
    "path",
    [p for pkg in ("core", "api", "config", "service", "emulator") for p in _files(pkg)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_lower_layers_never_import_textual_or_ui(path: Path) -> None:
    bad = {n for n in _imports(path) if n.split(".")[0] in ("textual", "rich") or n.startswith("tui.ui")}
    assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("path", _files("emulator"), ids=lambda p: str(p.relative_to(ROOT)))
def test_emulator_shares_only_constants_signer_and_core(path: Path) -> None:
    allowed = ("tui.core", "tui.api.constants", "tui.api.signer", "tui.emulator")
    bad = {n for n in _imports(path) if n.startswith("tui") and not n.startswith(allowed)}
    assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("path", _files("config"), ids=lambda p: str(p.relative_to(ROOT)))
def test_config_never_imports_the_client_or_the_service(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("tui.api", "tui.service", "tui.ui"))}
    assert not bad, f"{path} imports {bad}"


@pytest.mark.parametrize("path", _files("api"), ids=lambda p: str(p.relative_to(ROOT)))
def test_client_never_imports_service_or_config(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("tui.service", "tui.config", "tui.emulator"))}
    assert not bad, f"{path} imports {bad}"


# --- no import cycle -----------------------------------------------------------------------------
KNOWN_CYCLES: set[frozenset[str]] = set()
"""Cycles that exist today and are to be removed: none. (The CLI's tui/cli.py <-> commands.py <->
launch.py cycle went with the tui/cli/ package; config.credentials <-> config.model went when
ENV_FIELDS moved to credentials; config.sources <-> its submodules when their shared records moved
to config/sources/common.py.)"""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Module -> the tui modules it imports (lazy imports too; ``if TYPE_CHECKING`` blocks not)."""
    modules = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:  # ``from tui.ui import cells`` imports the module tui.ui.cells
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in modules else node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_of_tui_has_no_cycle() -> None:
    cycles = [sorted(c) for c in _cycles(_graph()) if c not in KNOWN_CYCLES]
    assert cycles == []


def test_every_known_cycle_still_exists() -> None:
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in _cycles(_graph())]
    assert gone == [], "this cycle is gone: remove it from KNOWN_CYCLES"


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]


# --- sizes ---------------------------------------------------------------------------------------
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
BEING_SPLIT: set[str] = set()
"""Over the limits today and being split (none left: instance_table.py and settings.py were split)."""


def _too_long() -> list[str]:
    """Files over ``MAX_FILE_LINES`` and functions over ``MAX_FUNCTION_LINES`` without a comment
    on the line above them saying why."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        name = str(path.relative_to(ROOT.parent))
        if len(lines) > MAX_FILE_LINES:
            found.append(name)
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            above = lines[first - 2].strip() if first >= 2 else ""
            if (
                node.end_lineno or node.lineno
            ) - node.lineno + 1 > MAX_FUNCTION_LINES and not above.startswith("#"):
                found.append(f"{name}:{node.name}")
    return found


def test_no_file_over_400_lines_and_no_function_over_60() -> None:
    assert sorted(set(_too_long()) - BEING_SPLIT) == []
