"""A deterministic clock for deciders, built on ``@cached``."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from .decorators import cached

__all__ = ["now"]


@cached(name="swflow.now")
def _epoch_seconds() -> float:
    return time.time()


def now() -> datetime:
    """The current time (UTC); inside a decider, the time this call site first ran.

    Each call inside a decider is recorded once in the history and returns the same
    value on every replay. Outside deciders it is simply the current time.
    """
    return datetime.fromtimestamp(_epoch_seconds(), tz=timezone.utc)
