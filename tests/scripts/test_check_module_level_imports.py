"""The CI check that no module hides an import (and so a cycle) inside a function."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "check_module_level_imports", ROOT / "scripts" / "check_module_level_imports.py"
)
assert _spec and _spec.loader
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)


def test_imports_in_functions_methods_and_classes_are_reported(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from collections import abc\n"
        "def f():\n"
        "    import json\n"
        "class C:\n"
        "    def g(self):\n"
        "        from . import sibling\n"
    )
    assert checker.local_imports(module) == [6, 9]


def test_the_project_has_no_import_inside_a_function():
    folders = [str(ROOT / name) for name in ("fairness", "checklists", "audits", "config", "api")]
    assert checker.main(folders) == 0
