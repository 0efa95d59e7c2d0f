"""A deterministic clock for deciders, built on ``@cached``."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from .context import current_context
from .decorators import cached

__all__ = ["now"]


@cached(name="swflow.now")
def _epoch_seconds() -> float:
    # SWF's clock when the decision task started, not this host's: no skew between
    # decider hosts, and the devserver's virtual time when it skips.
    context = current_context()
    started = context.decision_time() if context is not None else None
    return time.time() if started is None else started


def now() -> datetime:
    """The current time (UTC); inside a decider, when this call site was first reached.

    Inside a decider it is the start time of the decision task that first reached the
    call, recorded once in the history and returned on every replay. Outside
    deciders it is simply the current time.
    """
    return datetime.fromtimestamp(_epoch_seconds(), tz=timezone.utc)
