"""One HTTP/1.1 connection of the devserver's SWF front, as an asyncio protocol.

`RequestReader` turns the bytes into requests (llhttp parses; it bounds the head and
the body and queues them in order). This class answers them one at a time, at once on
the loop or through a task (long polls), writes each answer in one piece, and adds the
rest a server on an open port needs: idle and body timeouts, a lingering close, and
back-pressure both ways. There is no task, queue or timer per request: the per-request
machinery of a general ASGI server was half of the devserver's CPU, h11's pure-Python
parsing and header checks a quarter of what was left.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from email.utils import formatdate
from http import HTTPStatus
from typing import NamedTuple

from .faults import Fault
from .request_reader import Phase, Request, RequestReader

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

LINGER = 2.0  # seconds a refused request's remaining bytes are read and dropped
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_REFUSED = Request(b"", {}, b"", keep_alive=False)  # what a refusal answers


def fault_answer(fault: Fault, close: bool = False) -> Answer:
    return Answer(fault.status, json.dumps(fault.body()).encode(), close)


class HttpConnection(asyncio.Protocol):
    """Serves ``handler`` on one connection; keeps itself in ``connections`` while open."""

    def __init__(self, handler: Handler, limits: Limits, connections: set[HttpConnection]):
        self._handler = handler
        self._limits = limits
        self._connections = connections
        self._reader = RequestReader(limits.max_head, limits.max_body)
        self._request_ids = _request_ids()
        self._transport: asyncio.Transport | None = None
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._deadline: float | None = None  # when the wait under way ends, if one is
        self._idle_since = self._loop.time()
        self._headed = 0  # the reader's count of headed requests, as last seen
        self._body_due = 0.0  # when the body being read must have arrived
        self._task: asyncio.Task[None] | None = None
        self._current: Request | None = None  # being answered
        self._write_paused = False
        self._closing = False  # the server stops: close once the answer in flight is out
        self._lingering = False  # refused: written out and half-closed, draining the rest

    # ------------------------------------------------------------------ asyncio

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._connections.add(self)
        self._settle()

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
        self._reader.feed(data)
        self._advance()

    def eof_received(self) -> bool:
        """The client left: what it sent whole is answered, a long poll is dropped."""
        if not self._lingering:
            self._advance()
        return False  # the transport closes once written out; connection_lost follows

    def pause_writing(self) -> None:
        self._write_paused = True  # a client that does not read stops being read
        self._settle()

    def resume_writing(self) -> None:
        self._write_paused = False
        self._advance()

    # ------------------------------------------------------------------ server side

    def shut(self) -> None:
        """The server stops: close now, or once the answer in flight is written."""
        self._closing = True
        if self._current is None:
            self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    # ------------------------------------------------------------------ requests

    def _advance(self) -> None:
        """Answer what the reader has queued, in order, while nothing is in flight."""
        ready = self._reader.ready
        while ready and self._current is None and not self._write_paused:
            if self._transport is None or self._transport.is_closing():
                return
            item = ready.popleft()
            if isinstance(item, Fault):
                self._refuse(item)
                return
            self._current = item
            answer = self._handler(item.method, item.headers, item.body)
            if isinstance(answer, Answer):
                self._respond(answer)
            else:
                self._task = self._loop.create_task(self._await(answer))
        self._settle()

    async def _await(self, pending: Awaitable[Answer]) -> None:
        answer = await pending
        self._task = None
        if self._transport is not None:
            self._respond(answer)
            self._advance()

    def _refuse(self, fault: Fault) -> None:
        """What was not read must not become a request: answer, then close."""
        self._current = _REFUSED
        self._respond(fault_answer(fault, close=True))

    def _respond(self, answer: Answer) -> None:
        request = self._current
        assert request is not None
        close = answer.close or self._closing or not request.keep_alive
        body = b"" if request.method == b"HEAD" else answer.body
        self._write(
            b"HTTP/1.1 %d %s\r\ncontent-type: application/x-amz-json-1.0\r\n"
            b"x-amzn-requestid: %s\r\ndate: %s\r\ncontent-length: %d\r\n%s\r\n%s"
            % (
                answer.status,
                _reason(answer.status),
                next(self._request_ids),
                _date(),
                len(answer.body),
                b"connection: close\r\n" if close else b"",
                body,
            )
        )
        if close:
            self._end()
            return
        self._current = None
        self._idle_since = self._loop.time()

    def _end(self) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        reader = self._reader
        if reader.phase is Phase.IDLE and not reader.ready and not reader.refused:
            transport.close()  # all they sent was read
            return
        # Closing with unread bytes in the socket sends a reset, which can destroy the
        # answer before the client reads it: half-close, drain a while, then close.
        self._lingering = True
        transport.write_eof()
        transport.resume_reading()
        self._wait(self._loop.time() + LINGER)

    # ------------------------------------------------------------------ plumbing

    def _settle(self) -> None:
        """After every step: the timer, reading, and a "100 Continue" the client awaits."""
        transport, reader = self._transport, self._reader
        if transport is None or transport.is_closing() or self._lingering:
            return
        if self._current is not None:
            self._wait(None)  # an answer is in flight (a long poll may take a minute)
        elif reader.phase is Phase.BODY:
            if reader.headed != self._headed:  # a new body: its time starts now
                self._headed, self._body_due = reader.headed, self._loop.time()
                self._body_due += self._limits.body_timeout
            self._wait(self._body_due)
            if reader.wants_continue and not reader.ready:
                reader.wants_continue = False
                self._write(_CONTINUE)
        else:
            self._wait(self._idle_since + self._limits.idle_timeout)
        # A client that pipelines a request behind one in flight stops being read, so
        # at most one request waits, read whole, beside the one being answered.
        if self._write_paused or (self._current is not None and reader.ready):
            transport.pause_reading()
        else:
            transport.resume_reading()

    def _wait(self, deadline: float | None) -> None:
        """Set when the wait under way ends; the timer is remade only when it must fire
        earlier, so a busy connection makes one timer in its idle timeout, not two per
        request."""
        self._deadline = deadline
        timer = self._timer
        if deadline is not None and (timer is None or timer.when() > deadline):
            if timer is not None:
                timer.cancel()
            self._timer = self._loop.call_at(deadline, self._expired)

    def _expired(self) -> None:
        self._timer, deadline = None, self._deadline
        if deadline is None:
            return
        if self._loop.time() < deadline:
            self._timer = self._loop.call_at(deadline, self._expired)
        elif self._lingering or self._reader.phase is not Phase.BODY:
            self.close()
        else:
            late = f"the request body did not arrive within {self._limits.body_timeout:g} s"
            self._reader.refuse(Fault("RequestTimeoutException", late))
            self._advance()

    def _write(self, data: bytes) -> None:
        if self._transport is not None:
            self._transport.write(data)


def _request_ids() -> Iterator[bytes]:
    """Request ids shaped as UUIDs: one random prefix a connection, then a count."""
    prefix = str(uuid.uuid4())[:24].encode()
    return (b"%s%012x" % (prefix, n) for n in itertools.count())


@functools.cache
def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def _date() -> bytes:
    return _http_date(int(time.time()))


@functools.lru_cache(maxsize=1)
def _http_date(second: int) -> bytes:
    return formatdate(second, usegmt=True).encode()
