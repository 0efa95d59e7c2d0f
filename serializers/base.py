"""What every serializer is, and the one walker that explains why a value was refused."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from swflow.errors import DeserializationError, SerializationError, UnknownSerializerError

__all__ = ["Arguments", "Serializer", "ValueRules", "is_utf8_text", "locate_unsupported"]

Arguments = tuple[tuple[Any, ...], dict[str, Any]]

_ARGS_KEYS = frozenset(("args", "kwargs"))


class Serializer(abc.ABC):
    """Turns Python values into bytes and back.

    A serializer is stateless and cheap to share between threads. Its ``spec`` is what
    an envelope records, so a reader can rebuild it without the writer's configuration.
    """

    name: ClassVar[str]
    """Short registered name, e.g. ``"json"``."""

    is_text: ClassVar[bool] = False
    """True when ``dumps`` always yields UTF-8 text (it can travel inline unencoded)."""

    @property
    def spec(self) -> str:
        """What an envelope records: the name, plus an argument for parameterised kinds."""
        return self.name

    @classmethod
    def from_spec_argument(cls, argument: str) -> Serializer:
        """Rebuild the serializer from the part of its spec after ``name:``."""
        if argument:
            raise UnknownSerializerError(
                f"serializer {cls.name!r} takes no argument, got {argument!r}"
            )
        return cls()

    @abc.abstractmethod
    def dumps(self, value: Any) -> bytes:
        """Encode ``value``; raises `SerializationError` naming the type and its path."""

    @abc.abstractmethod
    def loads(self, data: bytes) -> Any:
        """Decode bytes written by `dumps`; raises `DeserializationError` on bad input."""

    def pack_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The value that stands for a call's arguments.

        Positional-only calls become a list; calls with keyword arguments become
        ``{"args": [...], "kwargs": {...}}`` (simpleflow's convention).
        """
        if kwargs:
            return {"args": list(args), "kwargs": kwargs}
        return list(args)

    def unpack_arguments(self, value: Any) -> Arguments:
        """Inverse of `pack_arguments`, lenient for input typed by hand.

        A list is the positional arguments; an object whose keys are among ``args`` and
        ``kwargs`` gives both; any other value is the single positional argument.
        """
        if isinstance(value, list):
            return tuple(value), {}
        if isinstance(value, dict) and value and _ARGS_KEYS.issuperset(value):
            args = value.get("args", [])
            kwargs = value.get("kwargs", {})
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise DeserializationError(
                    "call arguments: 'args' must be a list and 'kwargs' an object, got "
                    f"{type(args).__name__} and {type(kwargs).__name__}",
                    serializer=self.name,
                )
            if not all(isinstance(key, str) for key in kwargs):
                raise DeserializationError(
                    "call arguments: 'kwargs' keys must be strings", serializer=self.name
                )
            return tuple(args), dict(kwargs)
        return (value,), {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Serializer) and other.spec == self.spec

    def __hash__(self) -> int:
        return hash(self.spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def is_utf8_text(text: str) -> bool:
    """False for strings holding lone surrogates, which no UTF-8 payload can carry."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _children(value: Any) -> Iterator[tuple[str, Any, bool]]:
    """(path suffix, child, is_key) for the containers serializers know."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"[{key!r}]", key, True
            yield f"[{key!r}]", item, False
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield f"[{index}]", item, False


def locate_unsupported(
    value: Any,
    accepts: Callable[[Any], bool],
    accepts_key: Callable[[Any], bool],
    max_depth: int,
) -> tuple[str, str, str]:
    """Find the first part of ``value`` a serializer refuses, depth first.

    Runs only after a serializer failed, so it favours clear answers over speed, and it
    is iterative so that a deeply nested value cannot overflow the stack here too.

    Returns:
        ``(path, type name, problem)``; path ``"$"`` with an empty type when nothing
        specific was found.
    """
    stack: list[tuple[str, Any, int]] = [("$", value, 0)]
    ancestors: set[int] = set()  # containers on the current path, to spot cycles
    while stack:
        path, item, depth = stack.pop()
        if path is _LEAVE:
            ancestors.discard(item)
            continue
        if not accepts(item):
            return path, type(item).__name__, "unsupported type"
        if not isinstance(item, dict | list | tuple):
            continue
        if id(item) in ancestors:
            return path, type(item).__name__, "circular reference"
        if depth >= max_depth:
            return path, type(item).__name__, f"nested deeper than {max_depth} levels"
        ancestors.add(id(item))
        stack.append((_LEAVE, id(item), depth))
        children = list(_children(item))
        for suffix, child, is_key in children:
            if is_key and not accepts_key(child):
                return f"{path}{suffix} (key)", type(child).__name__, "unsupported key type"
        stack.extend(
            (path + suffix, child, depth + 1)
            for suffix, child, is_key in reversed(children)
            if not is_key
        )
    return "$", "", "no single offending part found"


_LEAVE = "<leave>"  # stack marker: the walk is done with a container


@dataclass(frozen=True)
class ValueRules:
    """What a plain-data serializer takes, used to explain a refusal after the fact."""

    serializer: str
    accepts: Callable[[Any], bool]
    accepts_key: Callable[[Any], bool]
    max_depth: int
    hints: dict[str, str]

    def refusal(self, value: Any, cause: BaseException) -> SerializationError:
        """A `SerializationError` naming what was refused, where, and what to do."""
        path, type_name, problem = locate_unsupported(
            value, self.accepts, self.accepts_key, self.max_depth
        )
        message = (
            f"{self.serializer} cannot serialize {type_name or type(value).__name__} at {path}: "
        )
        message += problem if type_name else f"{problem} ({cause})"
        hint = self.hints.get(type_name)
        if hint:
            message += f"; {hint}"
        return SerializationError(
            message, serializer=self.serializer, type_name=type_name, path=path
        )
