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
    began = time.monotonic()
    resolving = {  # side by side: each waits on the network most of its time
        extra: subprocess.Popen(
            [*pip, "install", "-q", "--dry-run", "--ignore-installed", f"{wheel}{extra}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for extra in ("[s3]", "[all]")  # the core alone is a subset of both
    }
    try:
        for extra, pip_run in resolving.items():
            _, errors = pip_run.communicate(timeout=max(1.0, LIMIT - (time.monotonic() - began)))
            assert pip_run.returncode == 0, f"{extra}: {errors[-2000:]}"
            assert time.monotonic() - began < LIMIT, extra
    finally:
        for pip_run in resolving.values():
            pip_run.kill()
            pip_run.wait()
