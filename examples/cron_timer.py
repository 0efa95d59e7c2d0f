"""A cron-like workflow: an hourly report that runs forever on durable timers.

    python3 -m pip install -q uv && python3 -m uv run examples/cron_timer.py

Each tick sleeps until the next full hour (a `Timer`, so no process has to stay up)
and sends the report. The run's history grows by a few events per tick; once
`continue_as_new_suggested()` says it is long (80% of SWF's 25,000-event limit, past
which SWF terminates a run), the workflow continues as a new run with a fresh history
and only the state it needs. `runs=None` loops forever; the example stops after three
hours, which the devserver's skipping clock covers in a moment.
"""

from __future__ import annotations

from swflow import (
    LocalDecisionWorker,
    Timer,
    activity_task,
    continue_as_new,
    continue_as_new_suggested,
    decision_task,
    now,
)


@activity_task
def send_hourly_report(hour: str, sent_before: int) -> str:
    return f"report #{sent_before + 1} for {hour}"


@decision_task
def hourly_report(runs: int | None = 3, sent: list[str] | None = None) -> list[str]:
    sent = sent or []
    while runs is None or runs > 0:
        wait = 3600 - int(now().timestamp()) % 3600 or 3600  # until the next full hour
        Timer.get(seconds=wait).result
        sent = [*sent, send_hourly_report(f"{now():%Y-%m-%d %H:00}", len(sent)).result]
        runs = None if runs is None else runs - 1
        if continue_as_new_suggested():  # a fresh history, long before SWF's limit
            continue_as_new(runs, sent[-3:])  # keep the input small
    return sent


if __name__ == "__main__":
    for line in LocalDecisionWorker(hourly_report).start(3):
        print(line)
