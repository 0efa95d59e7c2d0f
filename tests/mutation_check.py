"""Hand-listed one-line mutations of swflow, each with the tests that must catch it.

    python3 -m uv run --all-extras python -m tests.mutation_check [NAME ...] [--list]

Each mutation replaces one exact line of the source, runs its tests, and puts the line
back (also on Ctrl-C). A mutation is *caught* when its tests fail, *survived* when they
pass. The tests first run unmutated: a mutation only counts against a suite that
passes. It prints one line per mutation and a summary, and exits 1 if any survived.
Not part of CI (it runs the chosen tests once per mutation: a few minutes in all).

A new behaviour worth guarding goes in MUTATIONS below: the line that implements it,
a plausible way to break it, and the tests that should notice.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository
    line: str  # the exact line replaced (stripped of indentation when matched)
    mutant: str  # what replaces it, with the same indentation
    tests: tuple[str, ...]  # pytest node ids or paths


MUTATIONS = [
    Mutation(
        "warm poll pages the whole history",
        "sdk/worker/task_pages.py",
        "if not (token and held and event_id(held[-1]) > known + 1):",
        "if not token:",
        ("tests/workers/test_history_cache.py::test_a_warm_cache_fetches_only_the_new_events",),
    ),
    Mutation(
        "warm poll brings a full page",
        "sdk/worker/decision.py",
        '"maximumPageSize": FIRST_PAGE if self.histories.max_events else FULL_PAGE,',
        '"maximumPageSize": FULL_PAGE,',
        ("tests/workers/test_history_cache.py::test_a_warm_cache_fetches_only_the_new_events",),
    ),
    Mutation(
        "a cold run keeps the events appended after its poll",
        "sdk/worker/task_pages.py",
        "return _following(source.history, asked, None, event_id(held[0]) + 1, known)",
        "return _following(source.history, asked, None, 10**9, known)",
        (
            "tests/workers/test_cold_pages.py::test_a_cold_run_answers_its_history_as_the_poll_gave_it",
        ),
    ),
    Mutation(
        "a cache far behind reads the whole history",
        "sdk/worker/task_pages.py",
        "if not token or (rest and (not held or event_id(held[-1]) <= known + 1)):",
        "if not token:",
        (
            "tests/workers/test_cold_pages.py::test_a_cache_far_behind_reads_only_the_events_it_lacks_from_the_history",
        ),
    ),
    Mutation(
        "no open-activity limit",
        "sdk/devserver/operations/decisions.py",
        "if len(execution.activities) >= OPEN_LIMIT:",
        "if False:",
        (
            "tests/devserver/test_faults_and_limits.py::test_the_1001st_open_activity_timer_or_child_is_refused",
        ),
    ),
    Mutation(
        "no open-timer limit",
        "sdk/devserver/operations/decisions.py",
        "if len(execution.timers) >= OPEN_LIMIT",
        "if False",
        (
            "tests/devserver/test_faults_and_limits.py::test_the_1001st_open_activity_timer_or_child_is_refused",
        ),
    ),
    Mutation(
        "no open-child limit",
        "sdk/devserver/operations/other_runs.py",
        "if len(execution.children) >= OPEN_LIMIT:",
        "if False:",
        (
            "tests/devserver/test_faults_and_limits.py::test_the_1001st_open_activity_timer_or_child_is_refused",
        ),
    ),
    Mutation(
        "a warm run's state kept after a failed decision",
        "sdk/worker/decision.py",
        "if result is None or result.closes or task.history is None:",
        "if result is not None and result.closes or task.history is None:",
        (
            "tests/workers/test_history_cache.py::test_a_warm_run_is_let_go_when_its_decision_fails",
            "tests/badinput/test_histories.py::test_the_worker_answers_nothing_on_a_broken_history_and_drops_its_cache",
        ),
    ),
    Mutation(
        "one task more at once than the concurrency",
        "sdk/worker/base.py",
        "for number in range(self.concurrency - len(threads)):",
        "for number in range(self.concurrency + 1 - len(threads)):",
        (
            "tests/workers/test_activity_worker.py::test_a_worker_never_runs_more_tasks_at_once_than_its_concurrency",
        ),
    ),
    Mutation(
        "@cached re-run on replay (the recorded value returned)",
        "sdk/replay/cached_sites.py",
        "if marker is not None:",
        "if marker is not None and definition.function(*args, **kwargs) is not marker:",
        (
            "tests/e2e/test_workflows.py::test_cached_functions_run_once_per_call_across_every_replay",
        ),
    ),
    Mutation(
        "an option never reaches the wire",
        "sdk/workflow/options.py",
        'heartbeat_timeout: Duration = field(default="NONE", '
        'metadata=_sent_as("heartbeat_timeout"))',
        'heartbeat_timeout: Duration = "NONE"',
        ("tests/replay/test_options_reach_the_wire.py",),
    ),
    Mutation(
        "the fast page schema misses a field the reader uses",
        "sdk/replay/event_handlers.py",
        '"WorkflowExecutionSignaled": (_signaled, ("signalName", "input?")),',
        '"WorkflowExecutionSignaled": (_signaled, ("signalName",)),',
        ("tests/replay/test_vocabulary.py",),
    ),
    Mutation(
        "a fault left unmapped",
        "sdk/swf/faults.py",
        '"ValidationException": ValidationFault,',
        "",
        ("tests/workers/test_fault_boundary.py",),
    ),
    Mutation(
        "a BaseException from an activity escapes its task",
        "sdk/worker/activity_run.py",
        "except BaseException as exc:  # SystemExit and the like too: they fail this task only",
        "except Exception as exc:",
        (
            "tests/workers/test_user_faults.py::"
            "test_activities_raising_anything_fail_their_task_and_every_thread_lives",
        ),
    ),
    Mutation(
        "a BaseException from a decider escapes its run",
        "sdk/replay/snapshot.py",
        "except BaseException as exc:  # SystemExit and the like too: they fail this run only",
        "except Exception as exc:",
        ("tests/replay/test_user_faults.py",),
    ),
    Mutation(
        "no deadlock bound",
        "sdk/replay/progress.py",
        "if not self._exempt and time.monotonic() - self.last > bound:",
        "if False:",
        ("tests/replay/test_deadlock_bound.py",),
    ),
    Mutation(
        "now() not recorded",
        "sdk/workflow/clock.py",
        '@cached(name="swflow.now")',
        "# (mutation: not recorded)",
        (
            "tests/replay/test_cached_children_payloads.py::test_now_is_recorded_once_per_call_site",
            "tests/replay/test_cached_children_payloads.py::test_a_replay_in_a_later_task_reads_now_from_its_marker",
        ),
    ),
    Mutation(
        "a small inline result waits for its first read",
        "sdk/replay/sites.py",
        "settled = inline_promise(promise, text, self.codec, at)  # most of a long replay's",
        "settled = None",
        ("tests/replay/test_inline_results.py",),
    ),
    Mutation(
        "a completed site's check forgets the version",
        "sdk/replay/sites.py",
        "if asked.name == recorded.name and asked.version == recorded.version:",
        "if asked.name == recorded.name:",
        (
            "tests/replay/test_workflows.py::"
            "test_a_new_version_of_a_recorded_activity_is_a_nondeterminism_error",
        ),
    ),
    Mutation(
        "an inline body that is no JSON value escapes as StopIteration",
        "sdk/payloads.py",
        "except (ValueError, RecursionError, StopIteration):  # StopIteration: not JSON",
        "except (ValueError, RecursionError):",
        ("tests/replay/test_inline_results.py",),
    ),
    Mutation(
        "an inline body's size left unchecked",
        "sdk/envelope.py",
        'header[_INLINE_JSON_SIZE:] == f"{len(body)} {NO_DIGEST}"',
        "header.endswith(NO_DIGEST)",
        ("tests/replay/test_inline_results.py",),
    ),
    Mutation(
        "the devserver's fast JSON fails on a lone surrogate",
        "sdk/devserver/json_text.py",
        "except UnicodeEncodeError:",
        "except TypeError:",
        ("tests/devserver/test_output_shapes.py",),
    ),
    Mutation(
        "an execution holding a lone surrogate cannot be saved",
        "sdk/devserver/json_text.py",
        'return json.dumps(value, default=vars, separators=(",", ":"))',
        'return json.dumps(value, separators=(",", ":"))',
        ("tests/devserver/test_output_shapes.py",),
    ),
    Mutation(
        "a decider's thread is never kept",
        "sdk/replay/threads.py",
        "kept = self._idle.pop() if self._idle else None",
        "kept = None",
        ("tests/replay/test_decider_threads.py",),
    ),
    Mutation(
        "a waiting thread keeps the last run alive",
        "sdk/replay/threads.py",
        "job = None  # a waiting thread holds nothing of the run it ran",
        "pass",
        ("tests/replay/test_decider_threads.py",),
    ),
    Mutation(
        "a kept thread runs the next job in the last one's context",
        "sdk/replay/threads.py",
        "contextvars.Context().run(job)",
        "job()",
        ("tests/replay/test_decider_threads.py",),
    ),
    Mutation(
        "an abandoned sticky decider's code counts as ended once its thread is kept",
        "sdk/replay/sticky.py",
        "return self.abandoned and self._thread is not None and not self._finished",
        "return self.abandoned and self._thread is not None and False",
        ("tests/replay/test_deadlock_bound.py", "tests/workers/test_user_faults.py"),
    ),
    Mutation(
        "an execution's saved row is never updated",
        "sdk/devserver/store.py",
        '"DO UPDATE SET open = excluded.open, data = excluded.data",',
        '"DO NOTHING",',
        ("tests/devserver/test_durability.py",),
    ),
    Mutation(
        "a head line that never ends is not counted",
        "sdk/devserver/request_reader.py",
        "self._raw += len(data)",
        "self._raw += 0",
        (
            "tests/badinput/test_http_front.py::test_a_head_trickled_past_16_kb_is_431",
            "tests/badinput/test_request_reader.py::test_a_head_line_that_never_ends_is_refused_a_byte_at_a_time",
        ),
    ),
    Mutation(
        "headers parsed whole are not counted",
        "sdk/devserver/request_reader.py",
        "self._parsed += size",
        "self._parsed += 0",
        (
            "tests/badinput/test_http_front.py::test_a_head_over_16_kb_is_431_and_closed",
            "tests/badinput/test_request_reader.py::test_the_head_cap_holds_however_the_head_is_cut",
        ),
    ),
    Mutation(
        "a trailer line that never ends is not counted",
        "sdk/devserver/request_reader.py",
        "framing = self.phase is before is Phase.BODY and self._size == size  # no body came",
        "framing = False",
        ("tests/badinput/test_request_reader.py::test_a_trailer_that_never_ends_is_refused",),
    ),
    Mutation(
        "a refusal does not stop the parse",
        "sdk/devserver/request_reader.py",
        "if self.refused:",
        "if False:",
        ("tests/badinput/test_request_reader.py",),
    ),
    Mutation(
        "answers are written while the client does not read",
        "sdk/devserver/connection.py",
        "while ready and self._current is None and not self._write_paused:",
        "while ready and self._current is None:",
        ("tests/badinput/test_connection_flow.py",),
    ),
    Mutation(
        "a request pipelined behind an answer in flight does not stop the reading",
        "sdk/devserver/connection.py",
        "if self._write_paused or (self._current is not None and reader.ready):",
        "if self._write_paused:",
        ("tests/badinput/test_connection_flow.py",),
    ),
    Mutation(
        "the shared timer does not follow a moved idle deadline",
        "sdk/devserver/connection.py",
        "if self._loop.time() < deadline:",
        "if False:",
        ("tests/badinput/test_connection_flow.py",),
    ),
    Mutation(
        "every answer gets the same request id",
        "sdk/devserver/connection.py",
        'return (b"%s%012x" % (prefix, n) for n in itertools.count())',
        'return (b"%s%012x" % (prefix, 0) for n in itertools.count())',
        ("tests/badinput/test_connection_flow.py",),
    ),
    Mutation(
        "a client awaiting 100 Continue is never told",
        "sdk/devserver/connection.py",
        "if reader.wants_continue and not reader.ready:",
        "if False:",
        (
            "tests/badinput/test_http_front.py::test_a_client_expecting_100_continue_is_told_to_send_its_body",
        ),
    ),
]


def _pytest(tests: tuple[str, ...]) -> int:
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0"]  # one process: fast start
    command = [*pytest, "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=REPO, capture_output=True, check=False).returncode


def _mutated(text: str, mutation: Mutation) -> str:
    lines = text.splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.strip() == mutation.line]
    if len(hits) != 1:
        raise SystemExit(
            f"{mutation.name}: {len(hits)} lines of {mutation.path} read {mutation.line!r}; "
            "the source moved on: update the mutation"
        )
    line = lines[hits[0]]
    indent = line[: len(line) - len(line.lstrip())]
    lines[hits[0]] = f"{indent}{mutation.mutant}\n"
    return "".join(lines)


def check(mutation: Mutation) -> bool:
    """True when the mutation's tests catch it."""
    path = REPO / mutation.path
    original = path.read_text()
    path.write_text(_mutated(original, mutation))
    try:
        return _pytest(mutation.tests) != 0
    finally:
        path.write_text(original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only mutations whose name contains these")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    options = parser.parse_args()
    chosen = [m for m in MUTATIONS if not options.names or any(n in m.name for n in options.names)]
    if options.list:
        for mutation in chosen:
            print(f"{mutation.name}: {mutation.path}")
        return
    for mutation in chosen:
        _mutated((REPO / mutation.path).read_text(), mutation)  # every line still found
    tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
    if _pytest(tests) != 0:
        raise SystemExit("the tests fail unmutated: fix them first")
    survived = 0
    for mutation in chosen:
        started = time.monotonic()
        caught = check(mutation)
        survived += not caught
        verdict = "caught  " if caught else "SURVIVED"
        print(f"{verdict} {mutation.name} ({time.monotonic() - started:.0f} s)", flush=True)
    print(f"{len(chosen) - survived} caught, {survived} survived")
    sys.exit(1 if survived else 0)


if __name__ == "__main__":
    main()
