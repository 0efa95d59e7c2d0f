"""One kept-alive HTTP/1.1 connection for `DirectLane`: the happy path, and only that.

A request goes out in one ``sendall`` (``http.client`` writes its headers and its body
in two, and builds an ``email.message`` to read every response's headers: together
about a third of a lane call's CPU). The response is read strictly: an ``HTTP/1.1``
status line, headers, and a body of exactly its ``Content-Length``. Anything else (no
length, a chunked body, an interim 1xx, an oversized head, bytes beyond the body, a
dropped or timed-out socket) raises `LaneHttpError` and closes the connection; the
lane then asks the whole botocore client, which speaks all of HTTP.
"""

from __future__ import annotations

import socket
import ssl

__all__ = ["MAX_BODY", "MAX_HEAD", "KeptAliveConnection", "LaneHttpError"]

MAX_HEAD = 64 * 1024
"""Bytes of status line and headers accepted: SWF's are a few hundred."""

MAX_BODY = 256 * 1024 * 1024
"""Bytes of body accepted: a page of 1,000 events of 32 KB inputs fits many times."""

_RECV = 256 * 1024


class LaneHttpError(Exception):
    """The exchange left the happy path; the connection is closed."""


class KeptAliveConnection:
    """A connection to one host, opened on first use and kept while the server keeps it."""

    def __init__(self, host: str, port: int, *, tls: ssl.SSLContext | None, timeout: float) -> None:
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self._sock: socket.socket | None = None

    def exchange(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        """Send ``head`` (request line and headers, ending in a blank line) and ``body``;
        the response's status and body.

        Raises:
            LaneHttpError: anything but a plain HTTP/1.1 response with a length.
        """
        try:
            sock = self._sock or self._open()
            sock.sendall(head + body)
            status, length, close, rest = self._read_head(sock)
            content = self._read_body(sock, length, rest)
        except (OSError, ValueError, LaneHttpError) as exc:
            self.close()
            raise LaneHttpError(f"{type(exc).__name__}: {exc}") from None
        if close:
            self.close()
        return status, content

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        self._sock = sock
        return sock

    def _read_head(self, sock: socket.socket) -> tuple[int, int, bool, bytes]:
        buffer = b""
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            if len(buffer) > MAX_HEAD:
                raise LaneHttpError("response head too large")
            chunk = sock.recv(_RECV)
            if not chunk:
                raise LaneHttpError("connection closed before a response")
            buffer += chunk
        status_line, *lines = buffer[:end].split(b"\r\n")
        version, code, *_ = status_line.split(b" ", 2)
        if version != b"HTTP/1.1" or len(code) != 3 or not code.isdigit() or code.startswith(b"1"):
            raise LaneHttpError(f"unexpected status line {status_line[:80]!r}")
        length, close = -1, False
        for line in lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                if length >= 0 or not value.strip().isdigit():
                    raise LaneHttpError("a missing, repeated or malformed Content-Length")
                length = int(value)
            elif name == b"transfer-encoding":
                raise LaneHttpError("a body with a transfer coding")
            elif name == b"connection":
                close = b"close" in value.lower()
        if not 0 <= length <= MAX_BODY:
            raise LaneHttpError(f"a response without a usable Content-Length ({length})")
        return int(code), length, close, buffer[end + 4 :]

    def _read_body(self, sock: socket.socket, length: int, rest: bytes) -> bytes:
        if len(rest) >= length:
            if len(rest) > length:
                raise LaneHttpError("bytes beyond the response's body")
            return rest
        content = bytearray(length)
        content[: len(rest)] = rest
        view, filled = memoryview(content), len(rest)
        while filled < length:
            got = sock.recv_into(view[filled:])
            if not got:
                raise LaneHttpError("connection closed inside the response's body")
            filled += got
        return bytes(content)
