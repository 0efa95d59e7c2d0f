"""The docs build as the README says to serve them: from the clone, no install needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mkdocs_builds_strictly_from_the_clone(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "SWFLOW_DOCS_SOURCE"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(tmp_path)],
        cwd=REPO, env={**env, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    reference = (tmp_path / "reference" / "index.html").read_text()
    assert "swflow.errors" in reference and "PayloadTamperedError" in reference
