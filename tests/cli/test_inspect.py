"""``history``, ``payload show``, ``replay`` and ``timeline`` on real runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swflow.cli import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_USAGE
from tests.cli.conftest import Swflow

pytestmark = pytest.mark.usefixtures("workers")

FIRST_FAILURE = f"first attempt at {__name__} fails"  # see the eventful fixture


def test_history_shows_events_and_envelopes(swflow: Swflow, eventful: dict[str, object]) -> None:
    table = swflow.ok("history", "w-events").stdout.splitlines()
    assert table[0].split() == ["ID", "TIME", "TYPE", "DETAILS"]
    started = table[1]
    assert "WorkflowExecutionStarted" in started and "input=json/inline" in started
    assert any("ActivityTaskFailed" in line and FIRST_FAILURE in line for line in table)
    assert any("TimerFired" in line for line in table)
    assert any("MarkerRecorded" in line and "lucky_number" in line for line in table)
    done = table[-1]
    assert "WorkflowExecutionCompleted" in done and "result=msgpack/file 50,003 B at /" in done


def test_history_json_is_swf_shaped_with_payload_summaries(eventful: dict[str, object]) -> None:
    events = eventful["events"]
    assert isinstance(events, list)
    assert eventful["workflowId"] == "w-events"
    assert [e["eventId"] for e in events] == list(range(1, len(events) + 1))
    completed = events[-1]
    assert completed["eventType"] == "WorkflowExecutionCompleted"
    assert isinstance(completed["eventTimestamp"], float)
    summary = completed["payloads"]["result"]
    assert summary["serializer"] == "msgpack" and summary["store"] == "file"
    assert summary["size"] == 50_003 and summary["digest"].startswith("sha256:")
    assert len(summary["digest"]) == len("sha256:") + 64
    assert summary["ref"].startswith("swflow/1 msgpack file 50003 ")
    assert completed["workflowExecutionCompletedEventAttributes"]["result"].startswith("swflow/1")


def test_history_decode_fetches_values(swflow: Swflow, eventful: dict[str, object]) -> None:
    location = eventful["events"][-1]["payloads"]["result"]["location"]  # type: ignore[index]
    root = str(Path(location).parent.parent)
    refused = swflow("history", "w-events", "--json", "--decode")
    assert "UnsafeReferenceError" in refused.stderr  # its store was never trusted
    decoded = swflow.ok("history", "w-events", "--json", "--decode", "--root", root).json()
    markers = [e for e in decoded["events"] if e["eventType"] == "MarkerRecorded"]
    assert [m["payloads"]["details"]["value"] for m in markers] == [7]
    cut = decoded["events"][-1]["payloads"]["result"]
    assert cut["truncated"] is True and "value" not in cut and len(cut["preview"]) == 10_000
    full = swflow.ok("history", "w-events", "--json", "--decode", "--full", "--root", root).json()
    assert full["events"][-1]["payloads"]["result"]["value"] == "x" * 50_000
    table = swflow.ok("history", "w-events", "--decode", "--root", root).stdout
    assert "(50,003 characters; --full shows all)" in table and "x" * 201 not in table


def test_history_progress_goes_to_stderr(swflow: Swflow, eventful: dict[str, object]) -> None:
    outcome = swflow.ok("history", "w-events", "--json", "--progress")
    assert f"{len(eventful['events'])} events read" in outcome.stderr  # type: ignore[arg-type]
    assert json.loads(outcome.stdout)["workflowId"] == "w-events"


def test_payload_show_fetches_verifies_and_decodes(
    swflow: Swflow, eventful: dict[str, object], tmp_path: Path
) -> None:
    completed = eventful["events"][-1]  # type: ignore[index]
    ref = completed["payloads"]["result"]["ref"]
    location = completed["payloads"]["result"]["location"]
    root = ("--root", str(Path(location).parent.parent))  # the store the flow writes to
    untrusted = swflow("payload", "show", ref)
    assert untrusted.exit_code == 4 and "UnsafeReferenceError" in untrusted.stderr
    assert "--root" in untrusted.stderr  # it says how to trust the store
    assert swflow.ok("payload", "show", *root, ref).stdout == repr(b"x" * 50_000) + "\n"
    envelope = completed["workflowExecutionCompletedEventAttributes"]["result"]
    assert swflow.ok("payload", "show", *root, "-", stdin=envelope).stdout.startswith("b'xxx")
    raw = swflow.ok("payload", "show", "--raw", *root, ref).stdout
    assert len(raw) == 50_003  # msgpack: a 3-byte header and the bytes
    inline = swflow.ok("payload", "show", 'swflow/1 json inline 7 -\n[1,"a"]').stdout
    assert json.loads(inline) == [1, "a"]

    Path(location).rename(tmp_path / "moved")
    try:
        gone = swflow("payload", "show", *root, ref)
        assert gone.exit_code == EXIT_NOT_FOUND and "PayloadNotFoundError" in gone.stderr
    finally:
        (tmp_path / "moved").rename(location)
    corrupt = ref.replace(" 50003 ", " 50004 ")
    outcome = swflow("payload", "show", *root, corrupt)
    assert outcome.exit_code == 4 and "PayloadCorruptError" in outcome.stderr
    newer = swflow("payload", "show", "swflow/9 json inline 1 - 1")
    assert newer.exit_code == 4 and "upgrade swflow" in newer.stderr


def test_replay_accepts_the_code_that_made_the_history(swflow: Swflow, history_file: Path) -> None:
    outcome = swflow.ok("replay", str(history_file), "tests.cli.flows:hello")
    assert outcome.stdout.startswith("OK: ")
    assert "ends with WorkflowExecutionCompleted" in outcome.stdout


@pytest.mark.parametrize(
    ("decider", "mismatch"),
    [
        ("hello_changed", "blocked on timer t1 without reaching what the history recorded: a1"),
        ("hello_shouting", "the code now decides ScheduleActivityTask"),
        ("doomed", "the history is of workflow type hello 1.0, not doomed 1.0"),
    ],
)
def test_replay_names_the_first_mismatch(
    swflow: Swflow, history_file: Path, decider: str, mismatch: str
) -> None:
    outcome = swflow("replay", str(history_file), f"tests.cli.flows:{decider}", "--progress")
    assert outcome.exit_code == EXIT_FAILED
    assert "MISMATCH" in outcome.stderr and mismatch in outcome.stderr, outcome.stderr
    assert "replaying" in outcome.stderr


def test_replay_of_an_open_run_says_what_comes_next(swflow: Swflow, tmp_path: Path) -> None:
    swflow.ok("start", "tests.cli.flows:waiter", "--workflow-id", "w-open")
    path = tmp_path / "open.json"
    for _ in range(200):  # until the first decision task is recorded
        path.write_text(swflow.ok("history", "w-open", "--json").stdout)
        if "DecisionTaskCompleted" in path.read_text():
            break
    outcome = swflow.ok("replay", str(path), "tests.cli.flows:waiter")
    assert "the run is open" in outcome.stdout and "waits on: signal 'go'" in outcome.stdout
    swflow.ok("terminate", "w-open")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"events": []}', "holds no history"),
        ('[{"eventId": 1}]', "item 0 is not an SWF event"),
    ],
)
def test_replay_rejects_broken_history_files(
    swflow: Swflow, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    outcome = swflow("replay", str(path), "tests.cli.flows:hello")
    assert outcome.exit_code == EXIT_USAGE and message in outcome.stderr


def test_timeline_writes_a_page_from_swf_or_from_a_saved_history(
    swflow: Swflow, eventful: dict[str, object], tmp_path: Path
) -> None:
    live = tmp_path / "live.html"
    assert swflow.ok("timeline", "w-events", "-o", str(live)).stdout.strip() == str(live)
    saved = tmp_path / "events.json"
    saved.write_text(json.dumps(eventful))
    offline = tmp_path / "offline.html"
    swflow.ok("timeline", "w-events", "--from", str(saved), "-o", str(offline))
    assert live.read_text() == offline.read_text()
    page = live.read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page
    assert "flaky a2 (2 attempts)" in page and FIRST_FAILURE in page
    assert 'class="bar activity failed"' in page and 'class="bar timer fired"' in page
    assert 'class="point marker"' in page and "ended with WorkflowExecutionCompleted" in page


def test_replay_checks_a_folder_of_histories_one_line_each(
    swflow: Swflow, history_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "histories"
    folder.mkdir()
    (folder / "a.json").write_text(history_file.read_text())
    (folder / "b.json").write_text(history_file.read_text())
    agree = swflow.ok("replay", str(folder), "tests.cli.flows:hello")
    lines = agree.stdout.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["OK", "OK"]
    assert lines[-1] == "2 run(s) replayed: 2 agree, 0 mismatch"
    changed = swflow("replay", str(folder), "tests.cli.flows:hello_shouting")
    assert changed.exit_code == EXIT_FAILED
    assert changed.stdout.count("MISMATCH") == 2 and "0 agree, 2 mismatch" in changed.stdout


def test_replay_fetches_runs_of_a_type_from_swf(swflow: Swflow, history_file: Path) -> None:
    swflow.ok("run", "tests.cli.flows:hello", "--input", '["bo"]', "--workflow-id", "fetched")
    agree = swflow.ok("replay", "--type", "hello:1.0", "--since", "1d", "tests.cli.flows:hello")
    assert "fetched" in agree.stdout and "saved" in agree.stdout
    assert "0 mismatch" in agree.stdout.splitlines()[-1]
    limited = swflow.ok("replay", "--type", "hello", "--limit", "1", "tests.cli.flows:hello")
    assert limited.stdout.splitlines()[-1].startswith("1 run(s) replayed")
    changed = swflow("replay", "--type", "hello", "tests.cli.flows:hello_changed")
    assert changed.exit_code == EXIT_FAILED and "MISMATCH fetched" in changed.stdout
    guarded = swflow.ok("replay", "--type", "hello", "tests.cli.flows:hello_patched")
    assert "MISMATCH" not in guarded.stdout  # runs made by the older code, guarded by patched


def test_replay_needs_something_to_replay(swflow: Swflow) -> None:
    outcome = swflow("replay", "tests.cli.flows:hello")
    assert outcome.exit_code == EXIT_USAGE and "--type" in outcome.stderr
