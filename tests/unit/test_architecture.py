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
    bad = {
        name
        for name in _imports(path)
        if name.split(".")[0] == "httpx" or (name.startswith("tui.api") and name != "tui.api.constants")
    }
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


@pytest.mark.parametrize("path", _files("api"), ids=lambda p: str(p.relative_to(ROOT)))
def test_client_never_imports_service_or_config(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith(("tui.service", "tui.config", "tui.emulator"))}
    assert not bad, f"{path} imports {bad}"
