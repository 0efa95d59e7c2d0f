"""Retries, backoff and failures: what a decider sees when activities go wrong.

    python3 -m pip install -q uv && python3 -m uv run examples/retries_and_failures.py

- `flaky_fetch` fails twice, then works: three attempts under one call site, with 60 s
  and then 120 s of durable backoff between them (skipped on the devserver's clock).
- `charge_card` always fails: after its attempts, the decider gets an
  `ActivityTaskError` with the reason, the details and the number of attempts.
- a decider that raises fails the run; `WorkflowFailedError` carries its reason.
"""

from __future__ import annotations

from collections import Counter

from swflow import (
    ActivityTaskError,
    LocalDecisionWorker,
    WorkflowFailedError,
    activity_task,
    decision_task,
)

ATTEMPTS: Counter[str] = Counter()


@activity_task(max_attempts=3, backoff=60, backoff_multiplier=2)
def flaky_fetch(url: str) -> str:
    ATTEMPTS[url] += 1
    if ATTEMPTS[url] < 3:
        raise ConnectionError(f"{url} timed out (attempt {ATTEMPTS[url]})")
    return f"<html>{url}</html>"


@activity_task(max_attempts=2, backoff=30)
def charge_card(amount: int) -> str:
    raise ValueError(f"card declined for {amount}")


@decision_task
def checkout(url: str, amount: int) -> dict[str, object]:
    page = flaky_fetch(url).result
    try:
        receipt = charge_card(amount).result
    except ActivityTaskError as error:  # the run goes on: compensate, report, ...
        receipt = f"not charged: {error.reason} after {error.attempts} attempts"
    return {"page": page, "receipt": receipt}


@decision_task
def strict_checkout(amount: int) -> str:
    result: str = charge_card(amount).result  # not caught: the run fails
    return result


if __name__ == "__main__":
    print(LocalDecisionWorker(checkout).start("https://example.com", 42))
    try:
        LocalDecisionWorker(strict_checkout).start(42)
    except WorkflowFailedError as error:
        print(f"strict_checkout failed: {error.reason}")
