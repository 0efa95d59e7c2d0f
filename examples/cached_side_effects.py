"""@cached: side effects inside a decider that run once per call site, ever.

    python3 -m pip install -q uv && python3 -m uv run examples/cached_side_effects.py

A decider is replayed from the start on every decision task, so plain code in it runs
again and again. A @cached function runs the first time its call site is reached; its
value (or its exception) is recorded in the history as a marker, and every replay
returns the recorded value. Clock reads go through swflow.now(), which is replay-safe.
"""

from __future__ import annotations

import random
from collections import Counter

from swflow import (
    CachedCallError,
    LocalDecisionWorker,
    activity_task,
    cached,
    decision_task,
    now,
)

CALLS: Counter[str] = Counter()  # how often each side effect really ran, in this process


@cached
def pick_coupon() -> str:
    CALLS["pick_coupon"] += 1
    return random.choice(["SPRING", "SUMMER", "AUTUMN", "WINTER"])  # not deterministic!


@cached
def customer_tier(customer: str) -> str:
    CALLS["customer_tier"] += 1
    if customer == "nobody":
        raise LookupError(f"no customer {customer!r}")  # recorded too, raised on replays
    return "gold"


@activity_task
def send_email(customer: str, coupon: str) -> str:
    return f"sent {coupon} to {customer}"


@decision_task
def campaign(customers: list[str]) -> dict[str, object]:
    coupon = pick_coupon()  # the same coupon on every replay of this run
    started = now()
    sent = []
    for customer in customers:  # one decision task per email: many replays
        try:
            tier = customer_tier(customer)
        except CachedCallError as error:
            sent.append(f"skipped {customer}: {error.type_name}")
            continue
        sent.append(send_email(customer, f"{coupon}-{tier}").result)
    return {"coupon": coupon, "sent": sent, "started": started.isoformat()}


if __name__ == "__main__":
    print(LocalDecisionWorker(campaign).start(["ada", "nobody", "grace", "alan"]))
    print(f"side effects really ran: {dict(CALLS)}")
