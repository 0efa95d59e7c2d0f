"""SWF's faults, as the devserver raises and serializes them."""

from __future__ import annotations

__all__ = ["Fault", "fault"]

_SWF = "com.amazonaws.swf.base.model#"
_CORAL = "com.amazon.coral.validate#"
_COMMON = {
    "ValidationException": _CORAL,
    "SerializationException": "",
    "UnknownOperationException": "",
    "InternalFailure": "",
}


class Fault(Exception):
    """An SWF error response: HTTP status, ``__type`` and message."""

    def __init__(self, code: str, message: str = "", status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict[str, str]:
        prefix = _COMMON.get(self.code, _SWF)
        return {"__type": prefix + self.code, "message": self.message}


def fault(code: str, message: str = "") -> Fault:
    return Fault(code, message)
