"""Plain pip resolves swflow and each extra quickly on a fresh virtual environment.

Without ``aiobotocore`` named in the ``s3`` extra, pip backtracked through dozens of
boto3 releases against aiobotocore's botocore pin: 690-1,106 s for ``swflow[s3]``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LIMIT = 120  # seconds per extra; the target is under 60, the old backtracking took 690+


@pytest.mark.slow
def test_plain_pip_resolves_each_extra_without_backtracking(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("swflow-*.whl")
    venv.create(tmp_path / "venv", with_pip=True)
    pip = [str(tmp_path / "venv" / "bin" / "python"), "-m", "pip"]
    for extra in ("[s3]", "[all]"):  # the core alone is a subset of both
        began = time.monotonic()
        done = subprocess.run(
            [*pip, "install", "-q", "--dry-run", "--ignore-installed", f"{wheel}{extra}"],
            capture_output=True, text=True, timeout=LIMIT, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert time.monotonic() - began < LIMIT, extra
