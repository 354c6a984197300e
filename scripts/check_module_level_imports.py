"""Fail when a module imports inside a function or method: a cycle must be split, not hidden.

Module-level imports, including those under ``if TYPE_CHECKING:``, are fine; an import in any
function body (or a class body) is reported with its file and line. Migrations are skipped.
Usage: python scripts/check_module_level_imports.py DIR [DIR ...]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def local_imports(path: Path) -> list[int]:
    """Line numbers of the imports of ``path`` that are not at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[int] = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def _scoped(self, node: ast.AST) -> None:
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _scoped

        def visit_Import(self, node: ast.Import) -> None:
            if self.depth:
                found.append(node.lineno)

        visit_ImportFrom = visit_Import  # type: ignore[assignment]  # same check for both forms

    Visitor().visit(tree)
    return found


def main(folders: list[str]) -> int:
    problems = [
        f"{path}:{line}: import inside a function or class"
        for folder in folders
        for path in sorted(Path(folder).rglob("*.py"))
        if "migrations" not in path.parts
        for line in local_imports(path)
    ]
    print("\n".join(problems) if problems else "ok: every import is at module level")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
