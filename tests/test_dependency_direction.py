"""The layering holds: serializers and stores are leaves; ``swf`` knows only errors; the
devserver only SWF's vocabulary; ``workflow`` and ``replay`` never reach the workers,
the client, boto3 or the devserver; nothing reaches up to ``import swflow``; no cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
THIRD_PARTY = {"serializers": {"msgpack", "google"}, "stores": {"s3fs", "fsspec", "blake3"}}
LAZY = {"msgpack", "google", "s3fs", "fsspec", "blake3"}  # imported inside functions only


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
        "import sys, swflow, swflow.serializers, swflow.stores, swflow.codecs; "
        "print(sorted(m for m in ('s3fs', 'aiobotocore', 'msgpack', 'zstandard', "
        "'cryptography', 'opentelemetry', 'blake3') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# The core's layers (DESIGN.md §2, docs/architecture.md), read from the code.

ROOTS = {"sdk": "swflow", "serializers": "swflow.serializers", "stores": "swflow.stores"}


def _module(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(REPO)
    parts = [ROOTS[rel.parts[0]], *rel.parts[1:]]
    parts[-1] = parts[-1].removesuffix(".py")
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(sub.lineno for sub in ast.walk(child) if hasattr(sub, "lineno"))
    return lines


def _graph() -> dict[str, set[str]]:
    """swflow module -> the modules it imports (lazily too; not under TYPE_CHECKING)."""
    paths = [p for root in ROOTS for p in (REPO / root).rglob("*.py")]
    modules = {_module(path)[0] for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        name, is_package = _module(path)
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        skip = _type_checking_lines(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", 0) in skip:
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in found if m in modules or m.split(".")[0] != "swflow"}
    return graph


GRAPH = _graph()


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _imports_of(package: str) -> dict[str, set[str]]:
    return {m: deps for m, deps in GRAPH.items() if _inside(m, package)}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("swflow.swf", ("swflow.errors", "swflow.swf", "boto3", "botocore")),
        # a leaf like serializers and stores; boto3 for KMS, imported when first used
        ("swflow.codecs", ("swflow.codecs", "swflow.errors", "boto3", "botocore")),
        ("swflow.envelope", ("swflow.errors", "swflow.serializers", "swflow.stores")),
        ("swflow.telemetry", ("swflow.telemetry", "swflow.envelope", "swflow.swf")),
        # the UI reads through the SWF API like any client, never the devserver's insides
        (
            "swflow.ui",
            (
                "swflow.ui",
                "swflow.asgi_server",
                "swflow.client",
                "swflow.errors",
                "swflow.payloads",
                "swflow.run_info",
                "swflow.timeline",
                "swflow.swf.connection",
            ),
        ),
        (
            "swflow.devserver",
            # botocore's service model: the devserver validates requests against it
            (
                "swflow.devserver",
                "swflow.server_thread",
                "swflow.swf.vocabulary",
                "swflow.errors",
                "botocore.loaders",
                "botocore.model",
            ),
        ),
        (
            "swflow.workflow",
            (
                "swflow.workflow",
                "swflow.codecs",
                "swflow.envelope",
                "swflow.errors",
                "swflow.payloads",
                "swflow.serializers",
                "swflow.stores",
                "swflow.swf.decisions",
                "swflow.swf.vocabulary",
            ),
        ),
        (
            "swflow.replay",
            (
                "swflow.replay",
                "swflow.workflow",
                "swflow.codecs",
                "swflow.envelope",
                "swflow.telemetry",
                "swflow.errors",
                "swflow.payloads",
                "swflow.calls",
                "swflow.failures",
                "swflow.serializers",
                "swflow.stores",
                "swflow.swf.decisions",
                "swflow.swf.limits",
                "swflow.swf.vocabulary",
            ),
        ),
    ],
)
def test_each_layer_imports_only_what_is_below_it(package: str, allowed: tuple[str, ...]) -> None:
    wrong = {
        module: sorted(
            dep
            for dep in deps
            if dep.split(".")[0] in ("swflow", "boto3", "botocore")
            and not any(_inside(dep, ok) for ok in allowed)
        )
        for module, deps in _imports_of(package).items()
        if not module.endswith("__main__")  # `python -m swflow.devserver` runs the CLI
    }
    assert {module: deps for module, deps in wrong.items() if deps} == {}


def test_no_module_reaches_up_to_the_public_face() -> None:
    """``import swflow`` is for users; inside, every module names what it uses."""
    assert sorted(m for m, deps in GRAPH.items() if "swflow" in deps and m != "swflow") == []


def test_there_is_no_import_cycle() -> None:
    swflow_graph = {m: {d for d in deps if d in GRAPH and d != m} for m, deps in GRAPH.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(swflow_graph[module]):
            if state.get(dep) == 1:
                cycles.append([*path[path.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*path, dep])
        state[module] = 2

    for module in sorted(swflow_graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
