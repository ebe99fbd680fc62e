"""The rooms keep their doors: models, graph and cache never pull in the UI or each other.

Each headless package is imported in a fresh interpreter, and the modules it loaded are
checked; a static scan catches imports in modules the package does not load eagerly.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "models": {"textual", "rich", "graph", "cache", "tui", "msgraph", "diskcache", "httpx"},
    "graph": {"textual", "rich", "cache", "tui"},
    "cache": {"textual", "rich", "graph", "tui", "msgraph"},
}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_static_imports_point_one_way(package):
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_runtime_import_does_not_load_the_ui(package):
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((ROOT / package).rglob("*.py"))
        if "data" not in p.parts
    ]
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    loaded = set(json.loads(out.stdout))
    assert not loaded & {"textual", "rich"}, sorted(loaded & {"textual", "rich"})


def test_warm_start_path_does_not_import_msgraph():
    code = (
        "import sys, tui.cli\n"
        "tui.cli.build_parser()\n"
        "print('msgraph' in sys.modules, 'kiota_abstractions' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
