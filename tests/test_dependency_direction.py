"""Leaves stay leaves: serializers and stores never reach into the core."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
THIRD_PARTY = {"serializers": {"msgpack", "google"}, "stores": {"s3fs", "fsspec"}}
LAZY = {"msgpack", "google", "s3fs", "fsspec"}  # imported inside functions only


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(top-level module, imported at module level) for every absolute import."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, id(node) in top))
    return found


@pytest.mark.parametrize("leaf", sorted(THIRD_PARTY))
def test_leaf_packages_import_only_stdlib_their_library_and_errors(leaf: str) -> None:
    for path in sorted((REPO / leaf).glob("*.py")):
        for module, at_top in _imports(path):
            root = module.split(".")[0]
            if root in sys.stdlib_module_names or root == "__future__":
                continue
            if module == "swflow.errors":
                continue
            assert root in THIRD_PARTY[leaf], f"{path.name} imports {module}"
            assert not (root in LAZY and at_top), f"{path.name} imports {module} eagerly"


def test_importing_swflow_loads_no_optional_library() -> None:
    code = (
        "import sys, swflow, swflow.serializers, swflow.stores; "
        "print(sorted(m for m in ('s3fs', 'aiobotocore', 'msgpack') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
