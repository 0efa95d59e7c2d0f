"""The README's first command: the quickstart workflow on the embedded devserver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUN_COMMAND = "python3 -m pip install -q uv && python3 -m uv run examples/quickstart.py"


def test_the_readme_gives_the_quickstart_command() -> None:
    assert RUN_COMMAND in (REPO / "README.md").read_text()


def test_the_quickstart_runs_the_seeds_workflow_in_one_process() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.startswith("10 + 20 + bonus = 42")
