"""The import contract of pyproject.toml ([tool.importlinter]) holds, and it catches the
knots it is there for: a lower app importing a higher one, and a cycle between modules."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(source_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(source_root)},
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("src")
    shutil.copytree(
        ROOT / "src" / "newsdesk",
        root / "newsdesk",
        ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates"),
    )
    return root


def add_line(path: Path, line: str) -> str:
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n" + line + "\n", encoding="utf-8")
    return original


def test_the_project_keeps_its_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(tree):
    module = tree / "newsdesk" / "core" / "errors.py"
    original = add_line(module, "from newsdesk.community import actions  # noqa")
    try:
        result = lint_imports(tree)
    finally:
        module.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "Apps stack in layers BROKEN" in result.stdout
    assert "newsdesk.core is not allowed to import newsdesk.community" in result.stdout


def test_a_cycle_inside_an_app_breaks_the_contract_even_inside_a_function(tree):
    # newsroom.views imports newsroom.seo; seo importing views (in a function, where such
    # loops used to hide) closes a circle.
    module = tree / "newsdesk" / "newsroom" / "seo.py"
    original = add_line(module, "def _knot():\n    from newsdesk.newsroom import views  # noqa")
    try:
        result = lint_imports(tree)
    finally:
        module.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "No import cycles between sibling modules, at any depth BROKEN" in result.stdout
    assert ".seo -> .views" in result.stdout or ".views -> .seo" in result.stdout
