"""Deciders' threads kept between runs (`DeciderThreads`): a run's code goes to a
thread an ended run left waiting, with nothing of that run's context, and no more
threads wait than the bound, nor longer than it."""

from __future__ import annotations

import contextvars
import threading
import weakref

from swflow import activity_task, decision_task
from swflow.replay import DeciderThreads, StickyDecider, decide
from swflow.replay.decider import SnapshotDecider
from swflow.replay.state import ExecutionState
from swflow.replay.threads import IDLE_NAME
from swflow.testing import HistoryBuilder

mark: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="unset")


def _ran(threads: DeciderThreads, job: object = None) -> tuple[threading.Thread, list[str]]:
    """Run one job that records its thread's view, and wait until it is parked again."""
    seen: list[str] = []
    done = threading.Event()

    def record() -> None:
        seen.append(mark.get())
        mark.set("set by an earlier job")
        done.set()

    thread = threads.run(record, "decider test")
    assert done.wait(10)
    _wait_until(lambda: threads.idle == 1 or not thread.is_alive())
    return thread, seen


def _wait_until(condition: object) -> None:
    ended = threading.Event()
    for _ in range(1000):  # progress, not a time budget: each wait is short
        if condition():  # type: ignore[operator]
            return
        ended.wait(0.01)
    raise AssertionError("condition never held")


def test_an_ended_jobs_thread_runs_the_next_in_a_fresh_context() -> None:
    threads = DeciderThreads(keep=2)
    first, seen_first = _ran(threads)
    second, seen_second = _ran(threads)
    assert first is second and threads.started == 1
    assert seen_first == seen_second == ["unset"]  # the earlier job's variable is gone
    assert first.name == IDLE_NAME and first.daemon


def test_a_waiting_thread_holds_nothing_of_the_job_it_ran() -> None:
    class Job:
        def __call__(self) -> None:
            pass

    threads, job = DeciderThreads(), Job()
    gone = weakref.ref(job)
    threads.run(job, "decider test")
    del job
    _wait_until(lambda: threads.idle == 1 and gone() is None)  # a run's state is freed


def test_no_more_threads_wait_than_the_bound() -> None:
    threads = DeciderThreads(keep=1)
    release = threading.Event()
    running = [threads.run(release.wait, f"decider {n}") for n in range(3)]
    assert threads.started == 3
    release.set()
    for thread in running:
        _wait_until(lambda t=thread: t.name == IDLE_NAME or not t.is_alive())
    _wait_until(lambda: sum(t.is_alive() for t in running) == 1)
    assert threads.idle == 1


def test_a_waiting_thread_ends_after_its_idle_time() -> None:
    threads = DeciderThreads(keep=4, idle_seconds=0.01)
    thread, _ = _ran(threads)
    thread.join(10)
    assert not thread.is_alive() and threads.idle == 0
    again, _ = _ran(threads)  # a new one, then
    assert again is not thread and threads.started == 2


def test_keep_zero_is_a_thread_of_its_own() -> None:
    threads = DeciderThreads(keep=0)
    thread, _ = _ran(threads)
    thread.join(10)
    assert not thread.is_alive() and threads.idle == 0


@activity_task(swf_task_list="threads")
def step(i: int) -> int:
    return i + 1


@decision_task(swf_workflow_type="ThreadsChain", swf_task_list="threads")
def chain(n: int) -> int:
    total = 0
    for _ in range(n):
        total = step(total).result
    return total


def _closed_run(steps: int) -> ExecutionState:
    """A history whose every activity completed: the decider's code runs to its end."""
    history = HistoryBuilder("ThreadsChain", input=[steps])
    for n in range(1, steps + 1):
        history.apply(decide(history.events, chain))
        history.complete_activity(f"a{n}", n)
    return ExecutionState.from_events(history.events)


def test_deciders_of_successive_runs_share_one_thread() -> None:
    threads = DeciderThreads()
    for run in ("r1", "r2", "r3"):
        sticky = StickyDecider(_closed_run(2), chain, run_id=run, threads=threads)
        assert sticky.decide().closes
        _wait_until(lambda: threads.idle == 1)
        snapshot = SnapshotDecider(
            _closed_run(2), chain.definition, run_id=run, threads=threads, deadlock_timeout=10
        )
        assert snapshot.decide().closes and not snapshot.stuck
        _wait_until(lambda: threads.idle == 1)
    assert threads.started == 1
