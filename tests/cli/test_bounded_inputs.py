"""What the command line reads is bounded: big or pathological input is a usage error
(exit 2 and a message), never a hang, a traceback or a run started with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swflow.cli.common import INLINE_INPUT_BYTES
from tests.cli.conftest import Swflow

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("command", ["start", "run"])
def test_an_input_file_over_what_swf_carries_is_refused(
    swflow: Swflow, tmp_path: Path, command: str
) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps(["x" * INLINE_INPUT_BYTES]))
    outcome = swflow(command, "tests.cli.flows:hello", "--input", f"@{big}")
    assert outcome.exit_code == 2 and "32,768 characters" in outcome.stderr, outcome
    assert "Traceback" not in outcome.stderr


def test_an_endless_input_is_read_only_up_to_the_limit(swflow: Swflow) -> None:
    outcome = swflow("start", "tests.cli.flows:hello", "--input", "@/dev/zero")
    assert outcome.exit_code == 2 and f"more than {INLINE_INPUT_BYTES:,} bytes" in outcome.stderr


def test_endless_standard_input_is_bounded_too(swflow: Swflow) -> None:
    outcome = swflow("start", "tests.cli.flows:hello", "--input", "-", stdin="1" * 200_000)
    assert outcome.exit_code == 2 and "bytes" in outcome.stderr


@pytest.mark.parametrize("where", ["--input", "stdin"])
def test_input_nested_100_000_deep_is_a_usage_error(swflow: Swflow, where: str) -> None:
    args = ("--input", DEEP) if where == "--input" else ("--input", "-")
    stdin = DEEP if where == "stdin" else None
    outcome = swflow("start", "tests.cli.flows:hello", *args, stdin=stdin)
    assert outcome.exit_code == 2, outcome
    assert "nested too deeply" in outcome.stderr or "bytes" in outcome.stderr


def test_a_signal_nested_100_000_deep_is_a_usage_error(swflow: Swflow) -> None:
    outcome = swflow("signal", "nobody", "go", "--input", DEEP)
    assert outcome.exit_code == 2 and "nested too deeply" in outcome.stderr, outcome


@pytest.mark.parametrize("command", ["replay", "timeline"])
def test_a_history_nested_100_000_deep_is_a_usage_error(
    swflow: Swflow, tmp_path: Path, command: str
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(DEEP)
    if command == "replay":
        outcome = swflow("replay", str(deep), "tests.cli.flows:hello")
    else:
        outcome = swflow("timeline", "--from", str(deep), "-o", str(tmp_path / "t.html"))
    assert outcome.exit_code == 2 and "nested too deeply" in outcome.stderr, outcome
    assert "Traceback" not in outcome.stderr
