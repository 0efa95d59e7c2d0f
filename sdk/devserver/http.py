"""SWF's JSON 1.0 protocol over HTTP, for unmodified boto3 clients."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .faults import Fault
from .paging import RawEvents
from .validation import validate

__all__ = ["SwfHttpServer"]

log = logging.getLogger("swflow.devserver")

MAX_REQUEST_BYTES = 1_048_576
_TARGETS = ("SimpleWorkflowService.", "com.amazonaws.swf.service.model.SimpleWorkflowService.")


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


class SwfHttpServer(ThreadingHTTPServer):
    """One thread per request; long polls hold theirs until a task or the poll timeout."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        dispatch: Callable[[str, dict[str, Any]], dict[str, Any] | None],
    ) -> None:
        self.dispatch = dispatch
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: SwfHttpServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment, at once: with keep-alive, a separate small
    # write meets the client's delayed ACK and costs ~40 ms per call.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)

    def do_POST(self) -> None:
        try:
            out = self._handle()
            self._reply(200, render(out))
        except Fault as fault:
            self._reply(fault.status, json.dumps(fault.body()).encode())
        except Exception:
            log.exception("devserver: internal failure")
            failure = Fault("InternalFailure", "internal error; see the devserver log", 500)
            self._reply(500, json.dumps(failure.body()).encode())

    def _handle(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self.rfile.read(length)
            raise Fault("ValidationException", "Request is larger than 1 MB")
        raw = self.rfile.read(length) if length else b"{}"
        target = self.headers.get("X-Amz-Target", "")
        operation = next((target[len(p) :] for p in _TARGETS if target.startswith(p)), "")
        if not operation:
            raise Fault("UnknownOperationException", f"Unknown target {target[:100]!r}")
        try:
            params = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise Fault("SerializationException", f"Malformed JSON: {exc}") from None
        validate(operation, params)
        return self.server.dispatch(operation, params)

    def do_GET(self) -> None:
        self._reply(200, b'{"service":"swflow devserver"}')

    def _reply(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
