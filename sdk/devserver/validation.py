"""Requests checked against botocore's SWF model: required members, types, lengths, enums.

botocore validates only required members and minimum lengths on the client side; the
server enforces the rest, as SWF does, plus SWF's character rules for names and
its duration and priority formats.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from botocore.loaders import Loader
from botocore.model import OperationNotFoundError, ServiceModel, Shape

from swflow.swf.vocabulary import name_problem

from .faults import Fault

__all__ = ["operation_names", "validate"]

_NAME_SHAPES = frozenset(
    {"DomainName", "Name", "Version", "VersionOptional", "WorkflowId", "ActivityId", "TimerId"}
)
_DURATION = re.compile(r"\A(NONE|[0-9]{1,8})\Z")  # ASCII digits: \d takes any script
_PRIORITY = re.compile(r"\A[+-]?[0-9]{1,10}\Z")


@cache
def _model() -> ServiceModel:
    return ServiceModel(Loader().load_service_model("swf", "service-2"), "swf")


def operation_names() -> list[str]:
    return list(_model().operation_names)


def validate(operation: str, params: Any) -> None:
    """Raise ``ValidationException`` listing what ``params`` breaks, SWF's way."""
    try:
        shape = _model().operation_model(operation).input_shape
    except OperationNotFoundError:
        raise Fault("UnknownOperationException", f"Unknown operation {operation}") from None
    errors: list[str] = []
    if shape is not None:
        _check(params, shape, "", errors)
    if errors:
        count = len(errors)
        raise Fault(
            "ValidationException",
            f"{count} validation error{'s' if count > 1 else ''} detected: "
            + "; ".join(errors[:10]),
        )


def _check(value: Any, shape: Shape, path: str, errors: list[str]) -> None:  # noqa: PLR0912
    kind = shape.type_name
    where = path or "input"
    if kind == "structure":
        if not isinstance(value, dict):
            errors.append(f"Value at '{where}' must be an object")
            return
        for name in shape.required_members:
            if value.get(name) is None:
                errors.append(
                    f"Value null at '{path}{name}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        for name, item in value.items():
            member = shape.members.get(name)  # type: ignore[attr-defined]
            if member is not None and item is not None:
                _check(item, member, f"{path}{name}.", errors)
        return
    where = where.rstrip(".")
    limits = shape.metadata
    if kind == "string":
        if not isinstance(value, str):
            errors.append(f"Value at '{where}' must be a string")
            return
        if ("min" in limits and len(value) < limits["min"]) or (
            "max" in limits and len(value) > limits["max"]
        ):
            errors.append(
                f"Value at '{where}' failed to satisfy constraint: Member must have "
                f"length between {limits.get('min', 0)} and {limits.get('max')}"
            )
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            errors.append(
                f"Value '{value[:100]}' at '{where}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(enum)}]"
            )
        _check_format(value, shape.name, where, errors)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"Value at '{where}' must be an integer")
        elif ("min" in limits and value < limits["min"]) or (
            "max" in limits and value > limits["max"]
        ):
            errors.append(f"Value '{value}' at '{where}' is out of range")
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"Value at '{where}' must be a boolean")
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors.append(f"Value at '{where}' must be a number of epoch seconds")
    elif kind == "list":
        if not isinstance(value, list):
            errors.append(f"Value at '{where}' must be a list")
            return
        if "max" in limits and len(value) > limits["max"]:
            errors.append(
                f"Value at '{where}' failed to satisfy constraint: Member must have "
                f"length less than or equal to {limits['max']}"
            )
        for index, item in enumerate(value, start=1):
            _check(item, shape.member, f"{where}.{index}.member.", errors)  # type: ignore[attr-defined]


def _check_format(value: str, shape_name: str, where: str, errors: list[str]) -> None:
    problem = name_problem(value) if shape_name in _NAME_SHAPES and value else None
    if problem:
        errors.append(f"Value '{value[:100]}' at '{where}' {problem}")
    elif shape_name.startswith("DurationInSeconds") and value and not _DURATION.match(value):
        errors.append(f"Value '{value[:20]}' at '{where}' is not a duration in seconds or NONE")
    elif shape_name == "TaskPriority" and not (
        _PRIORITY.match(value) and -(2**31) <= int(value) < 2**31
    ):
        errors.append(f"Value '{value[:20]}' at '{where}' is not a 32-bit integer")
