"""One HTTP/1.1 connection of the devserver's SWF front: h11 driven by an asyncio protocol.

h11 does the protocol: framing, chunked bodies, keep-alive, pipelining and the
header-size cap. This class adds what a server on an open port needs on top: the body
size limit (before the body is read), body and idle timeouts, one framing per request,
and back-pressure both ways. It answers one request at a time, at once on the loop or
through a task (long polls), with no task, queue or timer per request otherwise: the
per-request machinery of a general ASGI server was half of the devserver's CPU.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from typing import NamedTuple

import h11

from .faults import Fault

__all__ = ["Answer", "HttpConnection", "Limits"]


class Answer(NamedTuple):
    """A response: status, JSON body, and whether the connection closes after it."""

    status: int
    body: bytes
    close: bool = False


class Limits(NamedTuple):
    max_body: int  # bytes; refused with 413 before it is read
    max_head: int  # bytes of request line and headers
    body_timeout: float  # seconds for a body to arrive once its headers have
    idle_timeout: float  # seconds between requests, or stuck mid-headers


Handler = Callable[[bytes, dict[bytes, bytes], bytes], "Answer | Awaitable[Answer]"]

_TYPE = (b"content-type", b"application/x-amz-json-1.0")
LINGER = 2.0  # seconds a refused request's remaining bytes are read and dropped


def fault_answer(fault: Fault, close: bool = False) -> Answer:
    return Answer(fault.status, json.dumps(fault.body()).encode(), close)


class HttpConnection(asyncio.Protocol):
    """Serves ``handler`` on one connection; keeps itself in ``connections`` while open."""

    def __init__(self, handler: Handler, limits: Limits, connections: set[HttpConnection]):
        self._handler = handler
        self._limits = limits
        self._connections = connections
        self._h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=limits.max_head)
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._method = b""
        self._headers: dict[bytes, bytes] = {}
        self._body: list[bytes] = []
        self._size = 0
        self._answering = False  # a whole request is in, its answer not yet out
        self._write_paused = False
        self._closing = False  # the server stops: close once the answer in flight is out
        self._lingering = False  # refused: written out and half-closed, draining the rest

    # ------------------------------------------------------------------ asyncio

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._connections.add(self)
        self._wait(self._limits.idle_timeout, self.close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connections.discard(self)
        self._transport = None
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()  # a long poll whose client left takes no task

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # the rest of a refused request, read so the answer is not reset away
        self._h11.receive_data(data)
        self._advance()
        self._set_reading()

    def eof_received(self) -> bool:
        """The client left: what it sent whole is answered, a long poll is dropped."""
        if self._lingering:
            return False
        self._h11.receive_data(b"")
        self._advance()
        return False  # the transport closes once written out; connection_lost follows

    def pause_writing(self) -> None:
        self._write_paused = True  # a client that does not read stops being read
        self._set_reading()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._set_reading()
        self._advance()

    # ------------------------------------------------------------------ server side

    def shut(self) -> None:
        """The server stops: close now, or once the answer in flight is written."""
        self._closing = True
        if not self._answering:
            self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    # ------------------------------------------------------------------ requests

    def _advance(self) -> None:
        """Take the events h11 has, up to the end of one request."""
        while self._transport is not None and not self._answering and not self._write_paused:
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                self._refuse(
                    Fault("SerializationException", f"malformed HTTP: {exc}", exc.error_status_hint)
                )
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Request):
                self._begin(event)
            elif isinstance(event, h11.Data):
                self._take(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._answer()
            elif isinstance(event, h11.ConnectionClosed):
                self.close()
                return

    def _begin(self, request: h11.Request) -> None:
        self._method, self._headers = request.method, dict(request.headers)
        self._body, self._size = [], 0
        if b"transfer-encoding" in self._headers and b"content-length" in self._headers:
            self._refuse(  # two framings: the way requests are smuggled past a proxy
                Fault("SerializationException", "Transfer-Encoding and Content-Length together")
            )
        elif int(self._headers.get(b"content-length", b"0")) > self._limits.max_body:
            self._refuse(_too_large())  # h11 accepts only digits here
        else:
            if self._h11.client_is_waiting_for_100_continue:
                self._write(self._h11.send(h11.InformationalResponse(status_code=100, headers=[])))
            self._wait(self._limits.body_timeout, self._body_late)

    def _take(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._limits.max_body:  # a chunked body has no length to check first
            self._refuse(_too_large())
        else:
            self._body.append(chunk)

    def _body_late(self) -> None:
        late = f"the request body did not arrive within {self._limits.body_timeout:g} s"
        self._refuse(Fault("RequestTimeoutException", late))

    def _answer(self) -> None:
        self._cancel_timer()
        self._answering = True
        body, self._body = b"".join(self._body), []
        answer = self._handler(self._method, self._headers, body)
        if isinstance(answer, Answer):
            self._respond(answer)
        else:
            self._task = asyncio.get_running_loop().create_task(self._await(answer))

    async def _await(self, pending: Awaitable[Answer]) -> None:
        answer = await pending
        self._task = None
        if self._transport is not None:
            self._respond(answer)
            self._advance()

    def _refuse(self, fault: Fault) -> None:
        """What was not read must not become a request: answer, then close."""
        self._answering = True
        self._cancel_timer()
        if self._h11.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            self._respond(fault_answer(fault, close=True))
        else:
            self._end()

    def _respond(self, answer: Answer) -> None:
        headers = [
            _TYPE,
            (b"x-amzn-requestid", str(uuid.uuid4()).encode()),
            (b"date", _date()),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        if answer.close or self._closing:
            headers.append((b"connection", b"close"))
        out = self._h11.send(h11.Response(status_code=answer.status, headers=headers)) or b""
        if answer.body and self._method != b"HEAD":
            out += self._h11.send(h11.Data(data=answer.body)) or b""
        out += self._h11.send(h11.EndOfMessage()) or b""
        self._write(out)
        if self._h11.our_state is not h11.DONE or self._h11.their_state is not h11.DONE:
            self._end()  # closing (MUST_CLOSE), or the client's side ended
            return
        self._h11.start_next_cycle()
        self._answering = False
        self._set_reading()
        self._wait(self._limits.idle_timeout, self.close)

    def _end(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if self._h11.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
            transport.close()  # all they sent was read
            return
        # Closing with unread bytes in the socket sends a reset, which can destroy the
        # answer before the client reads it: half-close, drain a while, then close.
        self._lingering = True
        transport.write_eof()
        transport.resume_reading()
        self._wait(LINGER, self.close)

    # ------------------------------------------------------------------ plumbing

    def _write(self, data: bytes) -> None:
        if self._transport is not None:
            self._transport.write(data)

    def _set_reading(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        buffered = len(self._h11.trailing_data[0])  # pipelined behind the request answered
        limits = self._limits
        if self._write_paused or buffered > limits.max_head + limits.max_body:
            transport.pause_reading()
        else:
            transport.resume_reading()

    def _wait(self, seconds: float, then: Callable[[], None]) -> None:
        self._cancel_timer()
        self._timer = asyncio.get_running_loop().call_later(seconds, then)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _too_large() -> Fault:
    return Fault("RequestEntityTooLargeException", "Request is larger than 1 MB", 413)


def _date() -> bytes:
    return _http_date(int(time.time()))


@functools.lru_cache(maxsize=1)
def _http_date(second: int) -> bytes:
    return formatdate(second, usegmt=True).encode()
