"""docs/tutorial.md works as written: its Python blocks print what it says, and its
shell blocks run in order, in a fresh folder, against a real devserver and workers.

A block the page marks ``<!-- tutorial-test: skip (why) -->`` needs what a test
machine has not (an AWS account, a bucket) or is run by another test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "docs" / "tutorial.md"
_BLOCK = re.compile(
    r"(<!-- tutorial-test: skip \((?P<why>[^)]*)\) -->\n)?```(?P<lang>\w+)\n(?P<code>.*?)```", re.S
)


def _blocks(lang: str) -> list[str]:
    return [
        match["code"]
        for match in _BLOCK.finditer(TUTORIAL.read_text())
        if match["lang"] == lang and not match["why"]
    ]


def test_every_skipped_block_says_why() -> None:
    text = TUTORIAL.read_text()
    assert text.count("<!-- tutorial-test: skip") == len(
        [m for m in _BLOCK.finditer(text) if m["why"]]
    )


def test_the_python_blocks_print_what_the_page_says(tmp_path: Path) -> None:
    script = tmp_path / "tutorial.py"
    script.write_text("\n".join(_blocks("python")))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "42"  # "print(...)  # 42, at once: the hour is virtual"


@pytest.mark.slow
def test_the_shell_blocks_run_in_order_on_a_devserver(tmp_path: Path) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    script = "\n".join(
        [
            "set -euo pipefail",
            "trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT",  # the devserver and workers
            *_blocks("bash"),
        ]
    )
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith("SWF")},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("AWS_ENDPOINT_URL_SWF", None)
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert '"10 + 20 + bonus = 42' in done.stdout  # swflow run's printed result
    assert "tutorial-1" in done.stdout  # swflow list --all
    assert (tmp_path / "tutorial-1.html").stat().st_size > 0  # swflow timeline
    assert (tmp_path / "run.json").stat().st_size > 0  # swflow history --json
