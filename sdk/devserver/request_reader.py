"""Requests read off one connection's bytes: llhttp parses, this bounds and queues them.

llhttp (through httptools) does the protocol: request line and headers, chunked
bodies, keep-alive, and the refusals a strict parser makes (bad or duplicate
`Content-Length`, `Content-Length` with `Transfer-Encoding`, bytes after a
`Connection: close` request). On top this adds what a server on an open port needs:
a cap on the request line and headers, a body cap checked before the body is read
(and as a chunked one arrives), and an order: requests and refusals queue in `ready`
as they complete, so pipelined requests are answered one by one, and once something
is refused nothing after it is parsed.
"""

from __future__ import annotations

import enum
from collections import deque
from typing import NamedTuple

import httptools

from .faults import Fault

__all__ = ["Phase", "Request", "RequestReader"]


class Request(NamedTuple):
    method: bytes
    headers: dict[bytes, bytes]  # names lowercased; a repeated header keeps its last value
    body: bytes
    keep_alive: bool  # False: the connection closes once this is answered


class Phase(enum.Enum):
    IDLE = "between requests"
    HEAD = "reading a request line and headers"
    BODY = "reading a body"


class _Stop(Exception):
    """Raised from a parser callback to end parsing; the fault is already queued."""


class RequestReader:
    """Feed it a connection's bytes; complete requests and refusals land in `ready`."""

    def __init__(self, max_head: int, max_body: int) -> None:
        self.max_head, self.max_body = max_head, max_body
        self.ready: deque[Request | Fault] = deque()
        self.phase = Phase.IDLE
        self.refused = False  # a fault is queued: what follows it is never parsed
        self.wants_continue = False  # the request being read waits for "100 Continue"
        self.headed = 0  # requests whose headers are complete, so far
        self._parser = httptools.HttpRequestParser(self)
        self._headers: dict[bytes, bytes] = {}
        self._body: list[bytes] = []
        self._size = 0  # body bytes so far
        # Two lower bounds of the head's size (and then of the trailers'): the pieces
        # parsed, and the chunks that were nothing else; a head whose first chunk held
        # the end of another request (pipelined) is counted by the first alone.
        self._parsed = 0
        self._raw = 0

    def feed(self, data: bytes) -> None:
        if self.refused:
            return
        before, queued, size = self.phase, len(self.ready), self._size
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            if not isinstance(exc.__context__, _Stop):
                raise  # a fault of ours, not of the request
            return
        except (httptools.HttpParserError, httptools.HttpParserUpgrade) as exc:
            self.refuse(Fault("SerializationException", f"malformed HTTP: {exc}"))
            return
        framing = self.phase is before is Phase.BODY and self._size == size  # no body came
        if len(self.ready) == queued and (self.phase is Phase.HEAD or framing):
            # Nothing ended and no body came in this chunk: all of it is head, or chunk
            # framing and trailers, which the parser may hold unseen (a line not yet
            # ended). Counted whole, so a line that never ends is refused too.
            self._raw += len(data)
            if self._raw > self.max_head:
                self.refuse(_head_too_large())

    def refuse(self, fault: Fault) -> None:
        """Queue a refusal; nothing after it is read."""
        if not self.refused:
            self.refused = True
            self.ready.append(fault)

    # ------------------------------------------------------------------ llhttp's calls

    def on_message_begin(self) -> None:
        self.phase = Phase.HEAD
        self._headers, self._body, self._size, self._parsed, self._raw = {}, [], 0, 0, 0

    def on_url(self, url: bytes) -> None:
        self._count(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        if self.phase is Phase.HEAD:  # not a chunked body's trailers
            self._headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        self.phase, self.headed, self._raw = Phase.BODY, self.headed + 1, 0
        headers = self._headers
        if b"transfer-encoding" in headers and b"content-length" in headers:
            self._stop(  # two framings: the way requests are smuggled past a proxy
                Fault("SerializationException", "Transfer-Encoding and Content-Length together")
            )
        if int(headers.get(b"content-length", b"0")) > self.max_body:
            self._stop(_too_large())  # llhttp has refused a length that is not digits
        if self._parser.should_upgrade():
            self._stop(Fault("SerializationException", "protocol upgrades are not served"))
        expect = headers.get(b"expect", b"").lower()
        self.wants_continue = expect == b"100-continue" and self._parser.get_http_version() == "1.1"

    def on_body(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self.max_body:  # a chunked body has no length to check first
            self._stop(_too_large())
        self._body.append(chunk)

    def on_message_complete(self) -> None:
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        keep_alive = self._parser.should_keep_alive()
        self.ready.append(Request(self._parser.get_method(), self._headers, body, keep_alive))
        self.phase, self.wants_continue, self._body = Phase.IDLE, False, []

    # ------------------------------------------------------------------ limits

    def _count(self, size: int) -> None:
        self._parsed += size
        if self._parsed > self.max_head:
            self._stop(_head_too_large())

    def _stop(self, fault: Fault) -> None:
        self.refuse(fault)
        raise _Stop


def _head_too_large() -> Fault:
    return Fault("SerializationException", "request line and headers are too large", 431)


def _too_large() -> Fault:
    return Fault("RequestEntityTooLargeException", "Request is larger than 1 MB", 413)
