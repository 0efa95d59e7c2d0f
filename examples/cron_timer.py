"""A cron-like workflow: an hourly report that runs forever on durable timers.

    python3 -m pip install -q uv && python3 -m uv run examples/cron_timer.py

Each run sleeps until the next full hour (a `Timer`, so no process has to stay up),
sends the report, and continues as a new run: a fresh, short history every hour
instead of one that grows until SWF's limit. `runs=None` loops forever; the example
stops after three hours, which the devserver's skipping clock covers in a moment.
"""

from __future__ import annotations

from swflow import LocalDecisionWorker, Timer, activity_task, continue_as_new, decision_task, now


@activity_task
def send_hourly_report(hour: str, sent_before: int) -> str:
    return f"report #{sent_before + 1} for {hour}"


@decision_task(execution_start_to_close_timeout=2 * 3600)
def hourly_report(runs: int | None = 3, sent: list[str] | None = None) -> list[str]:
    sent = sent or []
    wait = 3600 - int(now().timestamp()) % 3600 or 3600  # until the next full hour
    Timer.get(seconds=wait).result
    sent = [*sent, send_hourly_report(f"{now():%Y-%m-%d %H:00}", len(sent)).result]
    if runs is None or runs > 1:
        continue_as_new(None if runs is None else runs - 1, sent[-3:])  # keep input small
    return sent


if __name__ == "__main__":
    for line in LocalDecisionWorker(hourly_report).start(3):
        print(line)
