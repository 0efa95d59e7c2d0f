"""The workers' hot calls, sent with botocore's parts but not its per-call pipeline.

A worker makes two SWF calls per task (a poll, a respond). Through a boto3 client each
costs about 1.5 ms of CPU on the machines we measure, most of it botocore repeating
work whose answer never changes for these calls: event hooks, parameter validation
(swflow builds the parameters itself), the endpoint ruleset, the user agent string,
request and response objects, the response parser, urllib3's pool bookkeeping.

`DirectLane` keeps what matters and takes it from the client itself: its endpoint, its
credentials (refreshed as botocore refreshes them), botocore's SigV4 signer, its CA
bundle and timeouts. It writes the JSON body (msgspec) and sends it on a keep-alive
connection of the calling thread (the standard library's ``http.client``, TLS included).

Anything but a 200 (a fault, throttling, a dropped connection) is not handled here: the
call is made again through the whole client, which retries, parses the error and
raises it at the fault boundary. The lane only skips work on the happy path, and is
not used where the client needs more than it does (a proxy, a client certificate).
"""

from __future__ import annotations

import http.client
import ssl
import threading
from typing import Any
from urllib.parse import urlsplit

import msgspec

__all__ = ["DIRECT_OPERATIONS", "PLAIN_REPLIES", "DirectLane"]

DIRECT_OPERATIONS = {
    "poll_for_decision_task": "PollForDecisionTask",
    "respond_decision_task_completed": "RespondDecisionTaskCompleted",
    "poll_for_activity_task": "PollForActivityTask",
    "respond_activity_task_completed": "RespondActivityTaskCompleted",
    "respond_activity_task_failed": "RespondActivityTaskFailed",
    "respond_activity_task_canceled": "RespondActivityTaskCanceled",
    "record_activity_task_heartbeat": "RecordActivityTaskHeartbeat",
}
"""boto3 method name -> SWF operation, for the calls a worker makes per task."""

PLAIN_REPLIES = frozenset(DIRECT_OPERATIONS) - {"poll_for_decision_task"}
"""Those whose replies botocore gives as plain JSON (a decision task's events carry
timestamps botocore turns into datetimes: only `RawPolls` takes its raw body)."""

_TARGET = "SimpleWorkflowService."
_encode = msgspec.json.Encoder().encode  # ~9x json.dumps on a 20-decision body
_decode = msgspec.json.Decoder().decode


class DirectLane:
    """`DIRECT_OPERATIONS` for one boto3 SWF ``client``, by its own endpoint and keys."""

    def __init__(self, client: Any) -> None:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        self._request, self._auth = AWSRequest, SigV4Auth
        meta = client.meta
        self._url = meta.endpoint_url.rstrip("/") + "/"
        self._region = meta.region_name
        self._service = meta.service_model.signing_name
        self._user_agent = f"{meta.config.user_agent} swflow-direct"
        self._credentials = client._request_signer._credentials  # refreshable, thread-safe
        http = client._endpoint.http_session
        self.usable = (
            self._credentials is not None
            and http._proxy_config.proxy_url_for(self._url) is None
            and http._cert_file is None
        )
        parts = urlsplit(self._url)
        self._tls = _tls_context(http._verify) if parts.scheme == "https" else None
        self._host, self._port = parts.hostname or "", parts.port
        self._path = parts.path or "/"
        self._timeout = max(meta.config.connect_timeout, meta.config.read_timeout)
        self._local = threading.local()

    def body(self, method: str, params: dict[str, Any]) -> bytes | None:
        """The 200 response's body for ``method(**params)``; None when anything else
        happened (the whole client then answers: it retries and raises SWF's fault)."""
        connection = None
        try:
            body = _encode(params)  # text botocore could send (lone surrogates): it will
            request = self._request(
                method="POST",
                url=self._url,
                data=body,
                headers={
                    "X-Amz-Target": _TARGET + DIRECT_OPERATIONS[method],
                    "Content-Type": "application/x-amz-json-1.0",
                    "User-Agent": self._user_agent,
                },
            )
            frozen = self._credentials.get_frozen_credentials()
            self._auth(frozen, self._service, self._region).add_auth(request)
            connection = self._connection()
            connection.request("POST", self._path, body, dict(request.headers.items()))
            response = connection.getresponse()
            content = response.read()
        except Exception:  # any failure: the whole client retries and reports it
            self._drop(connection)
            return None
        if response.will_close:
            self._drop(connection)
        return content if response.status == 200 else None

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """``method(**params)``'s answer as botocore gives it, for `PLAIN_REPLIES`, or
        None as for `body`."""
        content = self.body(method, params)
        if content is None:
            return None
        answer: dict[str, Any] = _decode(content) if content.strip() else {}
        return answer

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            if self._tls is not None:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self._timeout, context=self._tls
                )
            else:
                connection = http.client.HTTPConnection(
                    self._host, self._port, timeout=self._timeout
                )
            self._local.connection = connection
        return connection

    def _drop(self, connection: http.client.HTTPConnection | None) -> None:
        if connection is not None:
            connection.close()
        self._local.connection = None


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
