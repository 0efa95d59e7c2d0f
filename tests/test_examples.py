"""Every example runs with one command on the embedded devserver and shows its point."""

from __future__ import annotations

import ast
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"

EXPECTED = {
    "quickstart.py": ["10 + 20 + bonus = 42"],
    "per_task_storage.py": [
        "{'rows': 20000, 'passing': 10000, 'best': 999}",
        "payload files under",
    ],
    "large_payloads.py": [
        "archived: 20,000,000 bytes, sha256 e57ef971bfe04be3",
        "WorkflowExecutionCompleted result: msgpack/file 20,000,005 B at ",
    ],
    "cron_timer.py": ["report #1 for", "report #3 for"],
    "cached_side_effects.py": [
        "skipped nobody: LookupError",
        "side effects really ran: {'pick_coupon': 1, 'customer_tier': 4}",
    ],
    "retries_and_failures.py": [
        "'page': '<html>https://example.com</html>'",
        "not charged: ValueError: card declined for 42 after 2 attempts",
        "strict_checkout failed: ActivityTaskError",
    ],
    "signals.py": ["ordered 3 x laptop"],
    "versioning.py": ["order A: charge A, ship A", "order B: charge B, receipt B, ship B"],
}


def test_every_example_is_covered() -> None:
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name: str, tmp_path: Path) -> None:
    source = (EXAMPLES / name).read_text()
    assert f"uv run examples/{name}" in ast.get_docstring(ast.parse(source), clean=True)  # type: ignore[operator]
    env = {**os.environ, "SWFLOW_EXAMPLE_DATA": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for line in EXPECTED[name]:
        assert line in done.stdout, done.stdout


def test_cron_timer_reports_on_consecutive_virtual_hours() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "cron_timer.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    hours = [line.rsplit(" ", 1)[-1] for line in done.stdout.splitlines()]
    assert len(hours) == 3 and all(hour.endswith(":00") for hour in hours)
    numbers = [int(hour[:2]) for hour in hours]
    assert [(b - a) % 24 for a, b in itertools.pairwise(numbers)] == [1, 1]  # one tick per hour
