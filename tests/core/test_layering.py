"""Apps depend one way and no package has import cycles (issue 9 section 4).

The contracts live in pyproject.toml ([tool.importlinter]) and run in `make lint` and scripts/test.sh;
this runs them inside the suite too, so a plain `pytest` notices an upward or circular import."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "imbuto"


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run([str(lint), "--no-logo", "--no-cache", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "BROKEN" not in done.stdout


def test_imports_inside_functions_are_seen_by_the_contracts():
    """The leads -> intake imports were hidden in function bodies; grimp counts those as imports."""
    graph = grimp.build_graph("imbuto", cache_dir=None)
    # intake/tasks.py imports the import runner inside the task function
    assert graph.direct_import_exists(importer="imbuto.intake.tasks",
                                      imported="imbuto.intake.importing.runner")


def _private_imports() -> list[str]:
    """`from x import _name` or `module._name` across modules (other than Django's `_meta`)."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("imbuto")):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(SRC)}:{node.lineno} imports {alias.name}")
                    modules.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules and node.attr.startswith("_")
                    and not node.attr.startswith("__") and node.attr != "_meta"):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_helpers():
    """A helper two modules share is public (no underscore) in the module that owns it."""
    assert _private_imports() == []
