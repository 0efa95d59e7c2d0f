"""What a decider may ask about its own run, answered the same on every replay.

Each answer depends on the history up to the decision task in which the code reached
the call, never on the history as it is now: a replay of old code over a longer
history must take the path its first run took. Outside a decider each raises
`ConfigurationError`, rather than quietly returning something nondeterministic.
"""

from __future__ import annotations

import random as _random
import uuid as _uuid

from .context import required_context

__all__ = [
    "cancel_requested",
    "continue_as_new_suggested",
    "deprecate_patch",
    "history_length",
    "patched",
    "random",
    "uuid4",
]


def cancel_requested() -> bool:
    """True once this run was asked to cancel, as of the code's point in the history.

    Does not wait, and does not consume the `CancelRequestedError` the next wait raises.
    """
    return required_context("cancel_requested()").cancel_requested()


def patched(change_id: str) -> bool:
    """Guard a change of decider code so that runs started before it replay unchanged.

    The first time a run reaches the call it records a marker and answers True (take
    the new path). A run whose history already went past this point without the marker
    answers False (the old path). The answer stays the same for the whole run.

    Example:

    ```python
    if swflow.patched("send-receipt"):
        send_receipt(order)        # new runs
    # old runs go on as they did
    ```

    Later, once no run predating the change is open, use `deprecate_patch`.
    """
    return required_context("patched()").patched(change_id, deprecated=False)


def deprecate_patch(change_id: str) -> None:
    """The last step of a `patched` migration: the old path is gone.

    Records the same marker as `patched` (so code still calling ``patched`` can replay
    the new runs) and never branches. Remove the call once no run that recorded the
    marker is open; swflow accepts histories with markers nobody asks about.
    """
    required_context("deprecate_patch()").patched(change_id, deprecated=True)


def history_length() -> int:
    """Events in the run's history before the decision task the code runs in."""
    return required_context("history_length()").history_length()


def continue_as_new_suggested() -> bool:
    """True when the history is long enough that the run should `continue_as_new`.

    The threshold is the decider's ``continue_as_new_after`` (default 80% of SWF's
    25,000-event limit, past which SWF terminates the run).
    """
    return required_context("continue_as_new_suggested()").continue_as_new_suggested()


def random() -> _random.Random:
    """A `random.Random` seeded from this run: the same numbers on every replay."""
    return required_context("swflow.random()").random()


def uuid4() -> _uuid.UUID:
    """A version-4 UUID from the run's `random`: the same on every replay."""
    bits = required_context("swflow.uuid4()").random().getrandbits(128)
    return _uuid.UUID(int=bits, version=4)
