"""The one boundary where botocore's ``ClientError`` becomes a swflow error.

Every boto3 SWF client swflow uses is wrapped in `FaultMapping` (``swf_client`` does
it), so each call, and each page of a paginator, raises a `SwfFault` subclass named as
SWF names the fault (``UnknownResourceFault``, ``TypeAlreadyExistsFault``, ...), with
the original ``ClientError`` as its ``__cause__``. Code above this layer catches those
classes; none of it reads error codes out of botocore's responses. Transport errors
(``BotoCoreError``: no endpoint, no credentials) pass through unchanged: they say that
SWF could not be reached, not what SWF said.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from botocore.exceptions import ClientError

from swflow.errors import (
    DefaultUndefinedFault,
    DomainAlreadyExistsFault,
    DomainDeprecatedFault,
    LimitExceededFault,
    OperationNotPermittedFault,
    SwfFault,
    ThrottlingFault,
    TypeAlreadyExistsFault,
    TypeDeprecatedFault,
    UnknownResourceFault,
    ValidationFault,
    WorkflowExecutionAlreadyStartedFault,
)

from .direct import PLAIN_REPLIES, DirectLane

__all__ = ["FAULTS", "FaultMapping", "fault_from"]

FAULTS: dict[str, type[SwfFault]] = {
    **{
        fault.__name__: fault
        for fault in (
            DefaultUndefinedFault,
            DomainAlreadyExistsFault,
            DomainDeprecatedFault,
            LimitExceededFault,
            OperationNotPermittedFault,
            TypeAlreadyExistsFault,
            TypeDeprecatedFault,
            UnknownResourceFault,
            WorkflowExecutionAlreadyStartedFault,
        )
    },
    "ThrottlingException": ThrottlingFault,
    "ValidationException": ValidationFault,
}
"""SWF's error code -> the swflow class raised for it (others: `SwfFault` itself)."""


def fault_from(error: ClientError) -> SwfFault:
    """The swflow error for a botocore ``ClientError``."""
    response: dict[str, Any] = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code") or "Unknown")
    message = str(response.get("Error", {}).get("Message") or error)
    fault = FAULTS.get(code, SwfFault)
    return fault(f"{code}: {message}", code=code, operation=error.operation_name or "")


def _mapped(call: Callable[..., Any]) -> Callable[..., Any]:
    def mapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except ClientError as exc:
            raise fault_from(exc) from exc

    return mapped


class _Paginator:
    def __init__(self, paginator: Any) -> None:
        self._paginator = paginator

    def paginate(self, **params: Any) -> Iterator[Any]:
        pages = iter(self._paginator.paginate(**params))
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except ClientError as exc:
                raise fault_from(exc) from exc
            yield page


class FaultMapping:
    """A boto3 SWF client whose API calls raise `SwfFault` subclasses.

    Attributes other than API calls (``meta``, ``exceptions``) are the client's own.
    Methods are looked up on every call, so a method replaced on the wrapped client
    (a test's fault injection) is the one called. With ``direct`` (clients swflow built
    itself, with nothing hooked into them), the workers' per-task calls take the
    `DirectLane` on the happy path, unless that method has been replaced.
    """

    def __init__(self, client: Any, *, direct: bool = False) -> None:
        self.wrapped = client
        self._lane = _lane_for(client) if direct else None

    def direct(self, method: str) -> DirectLane | None:
        """The lane for ``method``, if this client may take it."""
        if self._lane is None or method in vars(self.wrapped):
            return None
        return self._lane

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.wrapped, name)
        if name == "get_paginator":
            return lambda operation: _Paginator(attribute(operation))
        if name.startswith("_") or not callable(attribute) or name == "can_paginate":
            return attribute
        lane = self.direct(name) if name in PLAIN_REPLIES else None
        if lane is not None:
            return _direct(lane, name, _mapped(attribute))
        return _mapped(attribute)

    def __repr__(self) -> str:
        return f"FaultMapping({self.wrapped!r})"


def _lane_for(client: Any) -> DirectLane | None:
    """The client's lane, or None where it cannot take one (or a botocore release moved
    the parts it is built from: then every call simply goes through botocore)."""
    try:
        lane = DirectLane(client)
    except AttributeError:
        return None
    return lane if lane.usable else None


def _direct(lane: DirectLane, name: str, whole: Callable[..., Any]) -> Callable[..., Any]:
    def call(**params: Any) -> Any:
        answer = lane.call(name, params)
        return whole(**params) if answer is None else answer

    return call
