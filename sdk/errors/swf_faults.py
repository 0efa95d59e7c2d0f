"""SWF's faults: botocore's ClientError, mapped once in swflow.swf.faults."""

from __future__ import annotations

from .core import SwflowError


class SwfFault(SwflowError):
    """SWF refused a call. Raised in place of botocore's ``ClientError`` (its cause).

    Attributes:
        code: SWF's fault name, e.g. ``UnknownResourceFault``.
        operation: the API operation, e.g. ``RespondDecisionTaskCompleted``.
    """

    def __init__(self, message: str, *, code: str, operation: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.operation = operation


class UnknownResourceFault(SwfFault):
    """No such domain, type or run; or the task timed out, was answered, or its run closed."""


class DomainAlreadyExistsFault(SwfFault):
    """The domain is registered already."""


class TypeAlreadyExistsFault(SwfFault):
    """The activity or workflow type is registered already."""


class WorkflowExecutionAlreadyStartedFault(SwfFault):
    """An open run already has this workflow id."""


class DomainDeprecatedFault(SwfFault):
    """The domain is deprecated."""


class TypeDeprecatedFault(SwfFault):
    """The activity or workflow type is deprecated."""


class DefaultUndefinedFault(SwfFault):
    """A setting the call left out has no default on its type."""


class LimitExceededFault(SwfFault):
    """An SWF quota was reached."""


class OperationNotPermittedFault(SwfFault):
    """The caller may not do this (IAM, or SWF's own rules)."""


class ThrottlingFault(SwfFault):
    """SWF's ``ThrottlingException``: too many requests (botocore already retried)."""


class ValidationFault(SwfFault):
    """SWF's ``ValidationException``: a parameter SWF refuses."""
