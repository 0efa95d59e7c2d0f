"""``continue_as_new``: end this run and go on in a fresh one with an empty history."""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["ContinueAsNew", "continue_as_new"]


class ContinueAsNew(BaseException):  # control flow, like Blocked
    """Internal: the decider asked to continue as a new run."""

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__("continue as new")
        self.call_args = args
        self.call_kwargs = kwargs


def continue_as_new(*args: Any, **kwargs: Any) -> NoReturn:
    """End this run and start a fresh one of the same workflow with these arguments.

    The new run has a new run id, the same workflow id, and an empty history: the way
    to keep cron-like and long-looping workflows under SWF's history limits.
    """
    raise ContinueAsNew(args, kwargs)
