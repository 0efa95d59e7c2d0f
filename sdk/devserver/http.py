"""SWF's JSON 1.0 protocol over HTTP, for unmodified boto3 clients.

Hypercorn (h11) does the HTTP: framing, chunked bodies, keep-alive, the header-size
cap and idle timeouts. This module is the ASGI application on top: body limits, the
protocol's JSON, and long polls, which wait on the event loop (a coroutine each, not
a thread) until a task lands on their list.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from swflow.asgi_server import AsgiServer

from .engine import Engine
from .faults import Fault
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
_HEADERS = [(b"content-type", b"application/x-amz-json-1.0")]
_CLOSING = {"RequestEntityTooLargeException", "RequestTimeoutException", "SerializationException"}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Dispatch = Callable[[str, dict[str, Any], str], dict[str, Any] | None]


def render(out: dict[str, Any] | None) -> bytes:
    """Response JSON; event lists that are already JSON text are spliced in as they are."""
    if out is None:
        return b""
    parts = []
    for key, value in out.items():
        text = (
            "[" + ",".join(value) + "]"
            if isinstance(value, RawEvents)
            else json.dumps(value, separators=(",", ":"))
        )
        parts.append(f"{json.dumps(key)}:{text}")
    return ("{" + ",".join(parts) + "}").encode()


def parse(raw: bytes) -> Any:
    """Strict JSON: no duplicate keys, no NaN or Infinity, no pathological nesting."""
    try:
        return json.loads(raw, object_pairs_hook=_unique, parse_constant=_no_constant)
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


class _Disconnected(Exception):
    pass


class SwfHttpFront:
    """The devserver's HTTP side: an ASGI app served by Hypercorn on its own loop thread."""

    def __init__(self, address: tuple[str, int], dispatch: Dispatch, engine: Engine) -> None:
        self.dispatch = dispatch
        self.engine = engine
        self._server = AsgiServer(
            self,
            address,
            name="swflow-devserver-http",
            log=log,
            backlog=BACKLOG,
            on_stop=lambda: self._wake(list(self._waiters)),  # waiting polls answer at once
            keep_alive_timeout=IDLE_TIMEOUT,
            read_timeout=int(engine.poll_timeout + 30),  # no byte at all for this long
            h11_max_incomplete_size=16 * 1024,  # request line and headers
        )
        self.server_address = self._server.address
        self._thread = self._server.thread
        self._waiters: dict[tuple[str, str, str], list[asyncio.Future[None]]] = {}
        engine.on_enqueue = self._enqueued

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        """Answer waiting polls at once, then close every connection."""
        self._server.stop()

    # ------------------------------------------------------------------ long polls

    def _enqueued(self, keys: set[tuple[str, str, str]]) -> None:
        """From the engine (any thread): tasks landed on these lists."""
        loop = self._server.loop
        if not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, list(keys))

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
            if (out and out.get("taskToken")) or remaining <= 0 or self._server.stopping:
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

    # ------------------------------------------------------------------ ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        close = False
        try:
            if scope["method"] == "GET":
                status, body = 200, b'{"service":"swflow devserver"}'
            elif scope["method"] != "POST":
                raise Fault("UnknownOperationException", f"{scope['method']} is not served", 405)
            else:
                status, body = 200, render(await self._handle(scope, receive))
        except _Disconnected:
            return
        except Fault as fault:
            status, body = fault.status, json.dumps(fault.body()).encode()
            close = fault.code in _CLOSING  # what was not read must not become a request
        except Exception:
            log.exception("devserver: internal failure")
            failure = Fault("InternalFailure", "internal error; see the devserver log", 500)
            status, body = 500, json.dumps(failure.body()).encode()
        headers = [
            *_HEADERS,
            (b"x-amzn-requestid", str(uuid.uuid4()).encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(self, scope: Scope, receive: Receive) -> dict[str, Any] | None:
        headers = dict(scope["headers"])
        if b"transfer-encoding" in headers and b"content-length" in headers:
            raise Fault(  # two framings: the way requests are smuggled past a proxy
                "SerializationException", "Transfer-Encoding and Content-Length together"
            )
        declared = headers.get(b"content-length", b"0")  # h11 refused any but digits
        if int(declared) > MAX_REQUEST_BYTES:
            raise Fault("RequestEntityTooLargeException", "Request is larger than 1 MB", 413)
        try:
            raw = await asyncio.wait_for(_read_body(receive), BODY_TIMEOUT)
        except asyncio.TimeoutError:
            raise Fault(
                "RequestTimeoutException",
                f"the request body did not arrive within {BODY_TIMEOUT:g} s",
            ) from None
        target = headers.get(b"x-amz-target", b"").decode("latin-1")
        operation = next((target[len(p) :] for p in _TARGETS if target.startswith(p)), "")
        if not operation:
            raise Fault("UnknownOperationException", f"Unknown target {target[:100]!r}")
        params = parse(raw or b"{}")
        validate(operation, params)
        region = region_of(headers.get(b"authorization", b"").decode("latin-1"))
        if operation in POLLS and not params.get("nextPageToken"):
            return await self._long_poll(operation, params, region)
        return self.dispatch(operation, params, region)


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:  # a chunked body has no declared length to check
            raise Fault("RequestEntityTooLargeException", "Request is larger than 1 MB", 413)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
