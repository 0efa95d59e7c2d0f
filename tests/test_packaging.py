"""The three source folders install as one package, editable or not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IMPORTS = "import swflow, swflow.serializers, swflow.stores, swflow.errors, swflow.payloads"
PROBE = (
    f"{IMPORTS}; import importlib.util as u; "
    "print(swflow.__file__); print(swflow.stores.__file__); "
    "print([m for m in ('sdk', 'serializers', 'stores') if u.find_spec(m)])"
)


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_regular_install_gives_one_swflow_package(tmp_path: Path) -> None:
    target = tmp_path / "site"
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--target",
        str(target),
        str(REPO),
        cwd=tmp_path,
    )
    top_level = sorted(
        path.name
        for path in target.iterdir()
        if not path.name.endswith("-info") and path.name != "bin"  # bin/: the swflow command
    )
    assert top_level == ["swflow"]
    assert (target / "bin" / "swflow").is_file()
    installed = target / "swflow"
    assert (installed / "py.typed").is_file()
    assert (installed / "serializers" / "json_serializer.py").is_file()
    assert (installed / "stores" / "s3.py").is_file()
    packages = {p.parent.relative_to(REPO / "sdk") for p in (REPO / "sdk").rglob("__init__.py")}
    missing = [str(p) for p in packages if not (installed / p / "__init__.py").is_file()]
    assert missing == []  # every subpackage of sdk/ is listed in pyproject.toml
    env = {**os.environ, "PYTHONPATH": str(target)}
    lines = _run(sys.executable, "-c", PROBE, cwd=tmp_path, env=env).splitlines()
    assert lines[0] == str(installed / "__init__.py")
    assert lines[1] == str(installed / "stores" / "__init__.py")
    assert lines[2] == "[]"


def test_editable_install_maps_the_folders(tmp_path: Path) -> None:
    """The test environment itself is an editable install (uv/pip -e)."""
    lines = _run(sys.executable, "-c", PROBE, cwd=tmp_path).splitlines()
    assert lines[0] == str(REPO / "sdk" / "__init__.py")
    assert lines[1] == str(REPO / "stores" / "__init__.py")
    assert lines[2] == "[]"


def test_readme_states_the_command_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("TEST_COMMAND="))
    command = command.split("=", 1)[1].strip("'\"")
    assert command in (REPO / "README.md").read_text()
