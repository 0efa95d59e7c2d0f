"""A user's mistake at the command line is one line and the documented exit code."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Swflow


def test_a_busy_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = ["devserver", "--port", str(port), "--db", ":memory:"]
        done = subprocess.run(
            [sys.executable, "-m", "swflow.cli", *command],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("def broken(:\n", "SyntaxError"),
        ("raise RuntimeError('no config')\n", "RuntimeError: no config"),
        ("import swflow_no_such_dependency\n", "ModuleNotFoundError"),
    ],
)
def test_a_module_that_cannot_be_imported_is_exit_2(
    swflow: Swflow, tmp_path: Path, source: str, words: str
) -> None:
    module = tmp_path / "workflows_broken.py"
    module.write_text(source)
    outcome = swflow("start", f"{module}:anything")
    assert outcome.exit_code == 2, outcome
    assert "cannot import" in outcome.stderr and words in outcome.stderr
    assert "workflows_broken.py, line 1" in outcome.stderr


def test_a_missing_decider_lists_the_ones_that_exist(swflow: Swflow) -> None:
    outcome = swflow("start", "tests.cli.flows:helo")
    assert outcome.exit_code == 2
    assert "no attribute 'helo'" in outcome.stderr and "hello" in outcome.stderr


def test_an_empty_list_says_how_to_see_closed_runs(swflow: Swflow, workers: None) -> None:
    outcome = swflow("list", "--workflow-id", "nobody-ever")
    assert outcome.exit_code == 0 and "--all" in outcome.stderr


def test_no_domain_says_how_to_give_one_at_the_command_line(
    swflow: Swflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SWF_DOMAIN", raising=False)
    nameless = Swflow(swflow.env["AWS_ENDPOINT_URL_SWF"])
    del nameless.env["SWF_DOMAIN"]
    outcome = nameless("list")
    assert outcome.exit_code == 4, outcome
    assert "--domain NAME" in outcome.stderr and "SWF_DOMAIN" in outcome.stderr
    assert len(outcome.stderr.strip().splitlines()) == 1
