"""The workers' hot calls, sent with botocore's parts but not its per-call pipeline.

A worker makes two SWF calls per task (a poll, a respond). Through a boto3 client each
costs about 1.5 ms of CPU on the machines we measure, most of it botocore repeating
work whose answer never changes for these calls: event hooks, parameter validation
(swflow builds the parameters itself), the endpoint ruleset, the user agent string,
request and response objects, the response parser, urllib3's pool bookkeeping.

`DirectLane` keeps what matters and takes it from the client itself: its endpoint, its
credentials (refreshed as botocore refreshes them), its CA bundle and timeouts. It
writes the JSON body (msgspec), signs it with botocore's SigV4 signer (minus what it
repeats per call: parsing the endpoint's host, deriving the day's key) and sends it on
a kept-alive connection of the calling thread (`KeptAliveConnection`, TLS included).

Anything but a 200 (a fault, throttling, a dropped connection) is not handled here: the
call is made again through the whole client, which retries, parses the error and
raises it at the fault boundary. The lane only skips work on the happy path, and is
not used where the client needs more than it does (a proxy, a client certificate).
"""

from __future__ import annotations

import functools
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msgspec

from .kept_alive import KeptAliveConnection

__all__ = ["DIRECT_OPERATIONS", "HISTORY_REPLIES", "PLAIN_REPLIES", "DirectLane"]

DIRECT_OPERATIONS = {
    "poll_for_decision_task": "PollForDecisionTask",
    "get_workflow_execution_history": "GetWorkflowExecutionHistory",  # a cold task's rest
    "respond_decision_task_completed": "RespondDecisionTaskCompleted",
    "poll_for_activity_task": "PollForActivityTask",
    "respond_activity_task_completed": "RespondActivityTaskCompleted",
    "respond_activity_task_failed": "RespondActivityTaskFailed",
    "respond_activity_task_canceled": "RespondActivityTaskCanceled",
    "record_activity_task_heartbeat": "RecordActivityTaskHeartbeat",
}
"""boto3 method name -> SWF operation, for the calls a worker makes per task."""

HISTORY_REPLIES = frozenset({"poll_for_decision_task", "get_workflow_execution_history"})
"""Those whose replies carry history events: timestamps botocore turns into datetimes,
so only `RawPolls` takes their raw bodies."""

PLAIN_REPLIES = frozenset(DIRECT_OPERATIONS) - HISTORY_REPLIES
"""Those whose replies botocore gives as plain JSON."""

_TARGET = "SimpleWorkflowService."
_encode = msgspec.json.Encoder().encode  # ~9x json.dumps on a 20-decision body
_decode = msgspec.json.Decoder().decode


class DirectLane:
    """`DIRECT_OPERATIONS` for one boto3 SWF ``client``, by its own endpoint and keys."""

    def __init__(self, client: Any) -> None:
        self._signer_class = _lane_signer()
        meta = client.meta
        self._url = meta.endpoint_url.rstrip("/") + "/"
        self._region = meta.region_name
        self._service = meta.service_model.signing_name
        self._credentials = client._request_signer._credentials  # refreshable, thread-safe
        http = client._endpoint.http_session
        self.usable = (
            self._credentials is not None
            and http._proxy_config.proxy_url_for(self._url) is None
            and http._cert_file is None
        )
        parts = urlsplit(self._url)
        self._tls = _tls_context(http._verify) if parts.scheme == "https" else None
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._tls is not None else 80)
        self._path = parts.path or "/"
        self._headers = {
            "Host": parts.netloc.rpartition("@")[2],  # signed and sent: not parsed per call
            "Content-Type": "application/x-amz-json-1.0",
            "User-Agent": f"{meta.config.user_agent} swflow-direct",
        }
        self._timeout = max(meta.config.connect_timeout, meta.config.read_timeout)
        self._keys: dict[tuple[str, str], bytes] = {}  # signing keys by secret and day
        self._local = threading.local()

    def body(self, method: str, params: dict[str, Any]) -> bytes | None:
        """The 200 response's body for ``method(**params)``; None when anything else
        happened (the whole client then answers: it retries and raises SWF's fault)."""
        try:
            body = _encode(params)  # text botocore could send (lone surrogates): it will
            target = _TARGET + DIRECT_OPERATIONS[method]
            request = _Unsent(self._url, body, {**self._headers, "X-Amz-Target": target})
            frozen = self._credentials.get_frozen_credentials()
            self._signer_class(frozen, self._service, self._region, self._keys).add_auth(request)
            head = "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
            head += f"Content-Length: {len(body)}\r\n"  # unsigned, as botocore sends it
            status, content = self._connection().exchange(
                f"POST {self._path} HTTP/1.1\r\n{head}\r\n".encode("latin-1"), body
            )
        except Exception:  # any failure: the whole client retries and reports it
            return None
        return content if status == 200 else None

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """``method(**params)``'s answer as botocore gives it, for `PLAIN_REPLIES`, or
        None as for `body`."""
        content = self.body(method, params)
        if content is None:
            return None
        answer: dict[str, Any] = _decode(content) if content.strip() else {}
        return answer

    def _connection(self) -> KeptAliveConnection:
        connection: KeptAliveConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = KeptAliveConnection(
                self._host, self._port, tls=self._tls, timeout=self._timeout
            )
        return connection


@dataclass
class _Unsent:
    """The parts of a request botocore's signer reads (its own `AWSRequest` keeps
    headers in an ``email.message``: slow to fill and to read)."""

    url: str
    body: bytes
    headers: dict[str, str]
    method: str = "POST"
    params: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)


class _SignedHeaders(dict[str, str]):
    def get_all(self, name: str) -> list[str]:
        return [self[name]]


@functools.cache
def _lane_signer() -> Any:
    """botocore's SigV4 signer, minus two things it repeats per call."""
    from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth

    sigv4: Any = SigV4Auth  # its stubs leave out the helpers subclasses use

    class LaneSigner(sigv4):  # type: ignore[misc]
        def __init__(
            self, credentials: Any, service: str, region: str, keys: dict[tuple[str, str], bytes]
        ) -> None:
            super().__init__(credentials, service, region)
            self._keys = keys

        def headers_to_sign(self, request: _Unsent) -> _SignedHeaders:
            """The same headers, lowercased, without an ``email.message`` per call."""
            return _SignedHeaders(
                (name.lower(), value)
                for name, value in request.headers.items()
                if name.lower() not in SIGNED_HEADERS_BLACKLIST
            )

        def signature(self, string_to_sign: str, request: _Unsent) -> str:
            """Signed with the day's key, derived (four HMACs) once a day, not per call."""
            secret, day = self.credentials.secret_key, request.context["timestamp"][0:8]
            key = self._keys.get((secret, day))
            if key is None:
                key = self._sign(f"AWS4{secret}".encode(), day)
                for part in (self._region_name, self._service_name, "aws4_request"):
                    key = self._sign(key, part)
                self._keys.clear()  # one secret and day at a time: rotated keys go
                self._keys[(secret, day)] = key
            return str(self._sign(key, string_to_sign, hex=True))

    return LaneSigner


def _tls_context(verify: Any) -> ssl.SSLContext:
    """What botocore's ``verify`` asks: a CA bundle file or folder, the default, or none."""
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if isinstance(verify, str):
        from pathlib import Path

        folder = Path(verify).is_dir()
        return ssl.create_default_context(
            cafile=None if folder else verify, capath=verify if folder else None
        )
    return ssl.create_default_context()
