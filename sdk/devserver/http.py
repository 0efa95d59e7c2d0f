"""SWF's JSON 1.0 protocol over HTTP, for unmodified boto3 clients.

`HttpConnection` (llhttp) does the HTTP: framing, limits, timeouts, keep-alive. This
module is the protocol on top: the target header, the JSON, and long polls, which
wait on the event loop (a coroutine each, not a thread) until a task lands on their
list.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from swflow.server_thread import ServerThread

from .connection import Answer, HttpConnection, Limits, fault_answer
from .engine import Engine
from .faults import Fault
from .json_text import json_text
from .paging import RawEvents
from .regions import qualify, region_of
from .validation import validate

__all__ = ["SwfHttpFront"]

log = logging.getLogger("swflow.devserver")

MAX_REQUEST_BYTES = 1_048_576
BODY_TIMEOUT = 10.0  # seconds for a request body to arrive once its headers have
IDLE_TIMEOUT = 20.0  # seconds a connection may sit between requests (or mid-headers)
BACKLOG = 1024
POLLS = {"PollForDecisionTask": "decision", "PollForActivityTask": "activity"}
_TARGETS = ("SimpleWorkflowService.", "com.amazonaws.swf.service.model.SimpleWorkflowService.")
_CLOSING = {"SerializationException"}  # malformed: the connection is not trusted on
_SERVICE = Answer(200, b'{"service":"swflow devserver"}')
GRACE = 1.0  # seconds answers in flight get to finish when the server stops

Dispatch = Callable[[str, dict[str, Any], str], dict[str, Any] | None]


def render(out: dict[str, Any] | None) -> bytes:
    """Response JSON; event lists that are already JSON text are spliced in as they are."""
    if out is None:
        return b""
    parts = []
    for key, value in out.items():
        text = "[" + ",".join(value) + "]" if isinstance(value, RawEvents) else json_text(value)
        parts.append(f"{json_text(key)}:{text}")
    return ("{" + ",".join(parts) + "}").encode()


def parse(raw: bytes) -> Any:
    """Strict JSON: no duplicate keys, no NaN or Infinity, no pathological nesting."""
    try:
        return _STRICT.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except RecursionError:
        raise Fault("SerializationException", "Malformed JSON: nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Fault("SerializationException", f"Malformed JSON: {exc}") from None


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:100]!r}")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRICT = json.JSONDecoder(object_pairs_hook=_unique, parse_constant=_no_constant)  # made once


class SwfHttpFront(ServerThread):
    """The devserver's HTTP side: `HttpConnection` per client, on its own loop thread."""

    def __init__(self, address: tuple[str, int], dispatch: Dispatch, engine: Engine) -> None:
        super().__init__(
            address,
            name="swflow-devserver-http",
            backlog=BACKLOG,
            on_stop=lambda: self._wake(list(self._waiters)),  # waiting polls answer at once
        )
        self.dispatch = dispatch
        self.engine = engine
        self.server_address = self.address
        self._thread = self.thread
        self._limits = Limits(MAX_REQUEST_BYTES, 16 * 1024, BODY_TIMEOUT, IDLE_TIMEOUT)
        self._connections: set[HttpConnection] = set()
        self._waiters: dict[tuple[str, str, str], list[asyncio.Future[None]]] = {}
        engine.on_enqueue = self._enqueued

    async def serve(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: HttpConnection(self.respond, self._limits, self._connections),
            sock=self.socket,
            backlog=self.backlog,
        )
        await stop.wait()
        server.close()
        for connection in list(self._connections):
            connection.shut()  # idle ones now, busy ones once their answer is out
        until = loop.time() + GRACE
        while self._connections and loop.time() < until:
            await asyncio.sleep(0.01)
        for connection in list(self._connections):
            connection.abort()

    # ------------------------------------------------------------------ long polls

    def _enqueued(self, keys: set[tuple[str, str, str]]) -> None:
        """From the engine (any thread): tasks landed on these lists."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._wake, list(keys))

    def _wake(self, keys: list[tuple[str, str, str]]) -> None:
        for key in keys:
            for waiter in self._waiters.pop(key, ()):
                if not waiter.done():
                    waiter.set_result(None)

    async def _long_poll(
        self, operation: str, params: dict[str, Any], region: str
    ) -> dict[str, Any] | None:
        """Claim a task now, or wait for one on the list until the poll timeout."""
        domain = qualify(params["domain"], region)
        key = (POLLS[operation], domain, params["taskList"]["name"])
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.engine.poll_timeout
        while True:
            waiter = loop.create_future()
            self._waiters.setdefault(key, []).append(waiter)  # before asking: no lost wake
            out = self.dispatch(operation, params, region)
            remaining = give_up - loop.time()
            if (out and out.get("taskToken")) or remaining <= 0 or self.stopping:
                self._forget(key, waiter)
                return out
            self.engine.waiting_pollers += 1
            try:
                await asyncio.wait([waiter], timeout=remaining)
            finally:
                self.engine.waiting_pollers -= 1
                self._forget(key, waiter)

    def _forget(self, key: tuple[str, str, str], waiter: asyncio.Future[None]) -> None:
        waiters = self._waiters.get(key)
        if waiters and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                del self._waiters[key]

    # ------------------------------------------------------------------ requests

    def respond(
        self, method: bytes, headers: dict[bytes, bytes], body: bytes
    ) -> Answer | Awaitable[Answer]:
        """An `Answer` now, or (a long poll) a coroutine that makes one."""
        try:
            if method == b"GET":
                return _SERVICE
            if method != b"POST":
                verb = method.decode("latin-1")
                raise Fault("UnknownOperationException", f"{verb} is not served", 405)
            target = headers.get(b"x-amz-target", b"").decode("latin-1")
            operation = next((target[len(p) :] for p in _TARGETS if target.startswith(p)), "")
            if not operation:
                raise Fault("UnknownOperationException", f"Unknown target {target[:100]!r}")
            params = parse(body or b"{}")
            validate(operation, params)
            region = region_of(headers.get(b"authorization", b"").decode("latin-1"))
            if operation in POLLS and not params.get("nextPageToken"):
                return self._answer_poll(operation, params, region)
            return Answer(200, render(self.dispatch(operation, params, region)))
        except Exception as exc:
            return _failure(exc)

    async def _answer_poll(self, operation: str, params: dict[str, Any], region: str) -> Answer:
        try:
            return Answer(200, render(await self._long_poll(operation, params, region)))
        except Exception as exc:
            return _failure(exc)


def _failure(exc: Exception) -> Answer:
    if isinstance(exc, Fault):
        return fault_answer(exc, close=exc.code in _CLOSING)
    log.error("devserver: internal failure", exc_info=exc)
    return fault_answer(Fault("InternalFailure", "internal error; see the devserver log", 500))
