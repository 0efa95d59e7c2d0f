"""The workers' per-task calls take `DirectLane` on the happy path: signed by botocore's
SigV4 with the client's own keys, sent once on a kept-alive connection; anything else
is made again through the whole client, which retries and raises SWF's fault.

A real HTTP server on loopback records every request and answers as each test says.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import SSLError

from swflow.errors import UnknownResourceFault
from swflow.swf import devserver_client, swf_client
from swflow.swf.direct import DIRECT_OPERATIONS, PLAIN_REPLIES
from swflow.swf.faults import FaultMapping
from swflow.worker.raw_pages import RawPolls


class Recorder(ThreadingHTTPServer):
    """Answers each request with the next of ``answers`` (status, body, close), or raw
    bytes (then the connection closes), then 200."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, bytes, bool] | bytes] = []
        self.connections: set[tuple[str, int]] = set()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.connections.add(self.client_address)
        self.server.requests.append({"headers": dict(self.headers.items()), "body": body})
        scripted = self.server.answers.pop(0) if self.server.answers else (200, ANSWER, False)
        if isinstance(scripted, bytes):  # a reply off HTTP's happy path, written as is
            self.close_connection = True
            self.wfile.write(scripted)
            return
        status, answer, close = scripted
        if close:
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)  # the reply never comes: a dropped connection
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    yield recorder
    recorder.shutdown()
    recorder.server_close()


def _boto3_client(endpoint: str, **options: Any) -> Any:
    """A plain boto3 SWF client for ``endpoint``, built by the test, not by swflow."""
    return boto3.session.Session().client(
        "swf",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        **options,
    )


POLL = {"domain": "d", "taskList": {"name": "l"}, "identity": "me"}
ANSWER = b'{"taskToken":"t","activityId":"a"}'


def test_a_per_task_call_is_one_signed_json_request(server: Recorder) -> None:
    swf = devserver_client(server.endpoint)
    answer = swf.poll_for_activity_task(**POLL)
    assert answer == {"taskToken": "t", "activityId": "a"}
    (request,) = server.requests
    headers = request["headers"]
    assert json.loads(request["body"]) == POLL
    assert headers["X-Amz-Target"] == "SimpleWorkflowService.PollForActivityTask"
    assert headers["Content-Type"] == "application/x-amz-json-1.0"
    assert headers["User-Agent"].endswith("swflow-direct")
    # botocore's SigV4, with the client's key, region and SWF's signing name
    assert (
        headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=devserver/")
        and "/us-east-1/swf/aws4_request" in headers["Authorization"]
    )
    assert "X-Amz-Date" in headers


def test_the_lane_keeps_one_connection_alive_per_thread(server: Recorder) -> None:
    swf = devserver_client(server.endpoint)
    for _ in range(5):
        swf.respond_activity_task_completed(taskToken="t", result="r")
    assert len(server.requests) == 5
    assert len(server.connections) == 1


def test_a_fault_is_asked_again_through_the_whole_client(server: Recorder) -> None:
    fault = json.dumps(
        {"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": "gone"}
    ).encode()
    server.answers = [(400, fault, False), (400, fault, False)]
    swf = devserver_client(server.endpoint)
    with pytest.raises(UnknownResourceFault, match="gone"):
        swf.respond_activity_task_completed(taskToken="t", result="r")
    lane, whole = server.requests
    assert lane["headers"]["User-Agent"].endswith("swflow-direct")
    assert not whole["headers"]["User-Agent"].endswith("swflow-direct")  # botocore's own


def test_a_dropped_connection_is_retried_by_botocore_and_the_lane_reconnects(
    server: Recorder,
) -> None:
    server.answers = [(200, b"", True)]  # the lane's request: no reply, connection closed
    swf = devserver_client(server.endpoint)
    assert swf.poll_for_activity_task(**POLL)["taskToken"] == "t"  # botocore's answer
    assert swf.poll_for_activity_task(**POLL)["taskToken"] == "t"  # the lane, again
    agents = [r["headers"]["User-Agent"].endswith("swflow-direct") for r in server.requests]
    assert agents == [True, False, True]


def test_a_decision_page_comes_raw_and_a_plain_call_keeps_botocores_datetimes(
    server: Recorder,
) -> None:
    page = {
        "taskToken": "t",
        "startedEventId": 3,
        "workflowExecution": {"workflowId": "w", "runId": "r"},
        "workflowType": {"name": "wf", "version": "1"},
        "events": [{"eventId": 2, "eventType": "DecisionTaskScheduled", "eventTimestamp": 1.5}],
    }
    body = json.dumps(page).encode()
    server.answers = [(200, body, False), (200, body, False)]
    swf = devserver_client(server.endpoint)
    raw = RawPolls(swf).poll(**POLL)
    assert raw["events"][0].eventTimestamp == 1.5  # parse_page's reading of the raw body
    assert "poll_for_decision_task" in DIRECT_OPERATIONS
    assert "poll_for_decision_task" not in PLAIN_REPLIES
    shared = swf.poll_for_decision_task(**POLL)  # anyone else: botocore's answer, as ever
    assert not isinstance(shared["events"][0]["eventTimestamp"], float)
    assert [r["headers"]["User-Agent"].endswith("swflow-direct") for r in server.requests] == [
        True,
        False,
    ]


@pytest.mark.parametrize("lane", [True, False], ids=["direct", "botocore"])
def test_a_history_page_comes_raw_by_the_lane_or_through_a_users_client(
    server: Recorder, lane: bool
) -> None:
    page = {"events": [{"eventId": 7, "eventType": "DecisionTaskScheduled", "eventTimestamp": 2.5}]}
    body = json.dumps(page).encode()
    server.answers = [(200, body, False), (200, body, False)]
    swf = devserver_client(server.endpoint) if lane else swf_client(_boto3_client(server.endpoint))
    asked = {"domain": "d", "execution": {"workflowId": "w", "runId": "r"}, "reverseOrder": True}
    raw = RawPolls(swf).history(**asked)
    assert raw["events"][0].eventId == 7 and raw["events"][0].eventTimestamp == 2.5
    shared = swf.get_workflow_execution_history(**asked)  # anyone else: botocore's answer
    assert not isinstance(shared["events"][0]["eventTimestamp"], float)
    targets = [r["headers"]["X-Amz-Target"] for r in server.requests]
    assert targets == ["SimpleWorkflowService.GetWorkflowExecutionHistory"] * 2
    agents = [r["headers"]["User-Agent"].endswith("swflow-direct") for r in server.requests]
    assert agents == [lane, False]
    assert json.loads(server.requests[0]["body"])["execution"] == {"workflowId": "w", "runId": "r"}


def test_a_method_replaced_on_the_client_is_the_one_called(server: Recorder) -> None:
    swf = devserver_client(server.endpoint)
    assert isinstance(swf, FaultMapping)
    calls: list[dict[str, Any]] = []
    swf.wrapped.respond_activity_task_completed = lambda **p: calls.append(p) or {}
    swf.respond_activity_task_completed(taskToken="t", result="r")
    assert calls == [{"taskToken": "t", "result": "r"}]
    assert server.requests == []


def test_a_client_given_by_the_user_never_takes_the_lane(server: Recorder) -> None:
    raw = _boto3_client(server.endpoint)
    swf = swf_client(raw)  # its hooks and stubs are the user's: botocore answers every call
    swf.poll_for_activity_task(**POLL)
    (request,) = server.requests
    assert not request["headers"]["User-Agent"].endswith("swflow-direct")


def test_no_lane_through_a_proxy(server: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    swf = devserver_client(server.endpoint)
    assert swf.direct("poll_for_activity_task") is None


def test_a_client_missing_the_parts_of_a_lane_goes_through_botocore(server: Recorder) -> None:
    raw = _boto3_client(server.endpoint)
    del raw._request_signer._credentials  # as if a botocore release had renamed it
    swf = FaultMapping(raw, direct=True)
    assert swf.direct("poll_for_activity_task") is None


def test_text_the_lane_cannot_write_is_sent_by_botocore(server: Recorder) -> None:
    swf = devserver_client(server.endpoint)
    swf.respond_activity_task_failed(taskToken="t", reason="r", details="lone \ud800 surrogate")
    (request,) = server.requests  # no UTF-8 for it: botocore's JSON escapes it
    assert not request["headers"]["User-Agent"].endswith("swflow-direct")
    assert json.loads(request["body"])["details"] == "lone \ud800 surrogate"


def test_non_ascii_text_travels_the_lane_as_utf8(server: Recorder) -> None:
    swf = devserver_client(server.endpoint)
    swf.respond_activity_task_completed(taskToken="t", result="café ☕ 𝄞")
    (request,) = server.requests
    assert request["headers"]["User-Agent"].endswith("swflow-direct")
    assert json.loads(request["body"].decode("utf-8"))["result"] == "café ☕ 𝄞"


def _lane_flags(server: Recorder) -> list[bool]:
    return [r["headers"]["User-Agent"].endswith("swflow-direct") for r in server.requests]


def test_the_lane_signs_as_botocore_does_across_days(
    server: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    swf = devserver_client(server.endpoint)
    for day in (datetime.datetime(2026, 12, 1, 23, 59, 59), datetime.datetime(2026, 12, 2)):
        monkeypatch.setattr("botocore.auth.get_current_datetime", lambda day=day: day)
        swf.poll_for_activity_task(**POLL)  # the day's key: derived once, then cached
        swf.poll_for_activity_task(**POLL)
    assert len(server.requests) == 4
    for sent in server.requests:
        headers = dict(sent["headers"])
        signed_at = datetime.datetime.strptime(headers.pop("X-Amz-Date"), "%Y%m%dT%H%M%SZ")
        authorization = headers.pop("Authorization")
        headers.pop("Content-Length")  # set after signing, as botocore's own requests do
        assert "content-length" not in authorization
        monkeypatch.setattr("botocore.auth.get_current_datetime", lambda t=signed_at: t)
        again = AWSRequest("POST", server.endpoint + "/", data=sent["body"], headers=headers)
        SigV4Auth(Credentials("devserver", "devserver"), "swf", "us-east-1").add_auth(again)
        assert again.headers["Authorization"] == authorization  # botocore's own signature
    days = {r["headers"]["Authorization"].split("/")[1] for r in server.requests}
    assert days == {"20261201", "20261202"}


HEAD = b"Content-Type: application/x-amz-json-1.0\r\n"


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\n"
        + HEAD
        + b"Transfer-Encoding: chunked\r\n\r\n5\r\n{...}\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n" + HEAD + b"\r\n" + ANSWER,  # no length: read to the close
        b"HTTP/1.0 200 OK\r\n" + HEAD + b"Content-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}{}",  # more than its body
        b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n{}",  # closed inside its body
        b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 70_000 + b"\r\n\r\n",  # endless head
        b"garbage\r\n\r\n",
    ],
    ids=[
        "chunked",
        "no-length",
        "http-1.0",
        "interim-100",
        "two-lengths",
        "negative-length",
        "bytes-beyond",
        "short-body",
        "huge-head",
        "not-http",
    ],
)
def test_a_reply_off_the_happy_path_is_asked_again_through_botocore(
    server: Recorder, reply: bytes
) -> None:
    server.answers = [reply]
    swf = devserver_client(server.endpoint)
    answer = swf.poll_for_activity_task(**POLL)  # botocore's
    assert (answer["taskToken"], answer["activityId"]) == ("t", "a")
    assert _lane_flags(server) == [True, False]
    assert swf.poll_for_activity_task(**POLL)["taskToken"] == "t"  # a new lane connection
    assert _lane_flags(server) == [True, False, True]


def test_a_server_closing_after_its_reply_gets_a_new_connection(server: Recorder) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(ANSWER)
    server.answers = [closing + ANSWER]
    swf = devserver_client(server.endpoint)
    for _ in range(3):
        assert swf.poll_for_activity_task(**POLL)["taskToken"] == "t"
    assert _lane_flags(server) == [True, True, True]  # all three by the lane
    assert len(server.connections) == 2


def test_a_large_reply_is_read_whole(server: Recorder) -> None:
    big = json.dumps({"taskToken": "t", "input": "x" * 3_000_000}).encode()
    server.answers = [(200, big, False)]
    swf = devserver_client(server.endpoint)
    assert swf.poll_for_activity_task(**POLL)["input"] == "x" * 3_000_000
    assert _lane_flags(server) == [True]


def _self_signed(folder: Path) -> Path:
    """A certificate and key for 127.0.0.1, in one PEM file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = folder / "localhost.pem"
    pem.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


def test_the_lane_speaks_tls_and_checks_the_certificate(server: Recorder, tmp_path: Path) -> None:
    pem = _self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(pem)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    endpoint = server.endpoint.replace("http://", "https://")

    def client(verify: Any) -> FaultMapping:
        once = Config(retries={"max_attempts": 1})
        return FaultMapping(_boto3_client(endpoint, verify=verify, config=once), direct=True)

    trusting = client(str(pem))  # the client's own CA bundle: the lane's too
    for _ in range(3):
        assert trusting.poll_for_activity_task(**POLL)["taskToken"] == "t"
    assert _lane_flags(server) == [True, True, True]
    assert len(server.connections) == 1  # one TLS connection, kept alive

    with pytest.raises(SSLError):  # a certificate nobody vouches for: neither path talks
        client(None).poll_for_activity_task(**POLL)
    assert len(server.requests) == 3
