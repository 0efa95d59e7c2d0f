"""The devserver's HTTP front against hostile clients, over raw sockets.

Every case gets an answer or a closed connection in bounded time, and the server goes
on serving everyone else.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from swflow.devserver import DevServer, http
from tests.devserver.conftest import DOMAIN, client_for, register

TARGET = b"X-Amz-Target: SimpleWorkflowService.ListDomains\r\n"
LIST = b'{"registrationStatus": "REGISTERED"}'


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[DevServer]:
    monkeypatch.setattr(http, "IDLE_TIMEOUT", 1.0)
    monkeypatch.setattr(http, "BODY_TIMEOUT", 1.0)
    with DevServer(poll_timeout=30) as running:
        yield running


def _connect(server: DevServer, timeout: float = 10.0) -> socket.socket:
    return socket.create_connection(server.http.server_address, timeout=timeout)


def _exchange(server: DevServer, data: bytes, timeout: float = 10.0) -> tuple[bytes, bool]:
    """Send raw bytes; everything the server answers, and whether it closed."""
    with _connect(server, timeout) as sock:
        sock.sendall(data)
        return _read_all(sock)


def _read_all(sock: socket.socket) -> tuple[bytes, bool]:
    out = b""
    try:
        while chunk := sock.recv(65536):
            out += chunk
    except TimeoutError:
        return out, False
    return out, True


def _request(body: bytes, *headers: bytes, chunked: bool = False) -> bytes:
    """A ListDomains request with ``body`` and these header lines, framed by its
    length or (``chunked``) in one chunk."""
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"".join(headers)
    if not chunked:
        return head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    chunk = b"%x\r\n%s\r\n" % (len(body), body) if body else b""  # 0 ends a body
    return head + b"Transfer-Encoding: chunked\r\n\r\n" + chunk + b"0\r\n\r\n"


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _error(answer: bytes) -> str:
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    return str(body["__type"]).rsplit("#", 1)[-1]


def _still_serves(server: DevServer) -> None:
    answer, _ = _exchange(server, _request(LIST, b"Connection: close\r\n"))
    assert _status(answer) == 200 and b"domainInfos" in answer


def test_a_chunked_body_is_decoded_per_http_1_1(server: DevServer) -> None:
    chunked = (
        b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Transfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n"
        + b"%x\r\n%s\r\n" % (10, LIST[:10])
        + b"%x\r\n%s\r\n" % (len(LIST) - 10, LIST[10:])
        + b"0\r\n\r\n"
    )
    answer, closed = _exchange(server, chunked)
    assert _status(answer) == 200 and b'{"domainInfos":[]}' in answer and closed


def test_two_framings_are_refused_and_nothing_is_smuggled(server: DevServer) -> None:
    smuggled = _request(b"{}", b"Connection: close\r\n")
    attack = (
        b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Content-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
    )
    answer, closed = _exchange(server, attack)
    assert answer.count(b"HTTP/1.1 ") == 1 and closed  # the second request never ran
    assert _status(answer) == 400 and _error(answer) == "SerializationException"
    _still_serves(server)


@pytest.mark.parametrize("length", [b"-5", b"abc", b"1e3", b"5_0"])
def test_a_bad_content_length_is_400_and_closed(server: DevServer, length: bytes) -> None:
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET
    answer, closed = _exchange(server, head + b"Content-Length: " + length + b"\r\n\r\n{}")
    assert _status(answer) == 400 and closed


def test_a_body_shorter_than_its_length_is_400_after_the_read_timeout(server: DevServer) -> None:
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET
    started = time.monotonic()
    answer, closed = _exchange(server, head + b"Content-Length: 100\r\n\r\n{}")
    assert _status(answer) == 400 and _error(answer) == "RequestTimeoutException" and closed
    assert time.monotonic() - started < 10  # the read timeout, not the client, ended it


def test_a_body_over_1_mb_is_413_before_it_is_sent(server: DevServer) -> None:
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Content-Length: 2000000\r\n\r\n"
    answer, closed = _exchange(server, head)  # not one byte of the body was sent
    assert _status(answer) == 413 and b"1 MB" in answer and closed


def test_a_chunked_body_over_1_mb_is_413(server: DevServer) -> None:
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    with _connect(server) as sock:
        sock.sendall(head)
        try:
            for _ in range(20):  # 1.25 MB; the server answers and closes on the way
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer, _ = _read_all(sock)
    assert _status(answer) == 413


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a": ' * 100_000 + b"1" + b"}" * 100_000],
)
def test_json_nested_100_000_deep_is_a_serialization_error(server: DevServer, body: bytes) -> None:
    answer, _ = _exchange(server, _request(body))
    assert _status(answer) == 400 and _error(answer) == "SerializationException"
    _still_serves(server)


@pytest.mark.parametrize(
    "body",
    [
        b'{"registrationStatus": "REGISTERED", "registrationStatus": "DEPRECATED"}',
        b'{"registrationStatus": "REGISTERED", "maximumPageSize": NaN}',
        b'{"registrationStatus": "REGISTERED", "maximumPageSize": Infinity}',
    ],
)
def test_duplicate_keys_and_non_json_numbers_are_refused(server: DevServer, body: bytes) -> None:
    answer, _ = _exchange(server, _request(body))
    assert _status(answer) == 400 and _error(answer) == "SerializationException"


def test_idle_and_slow_connections_are_closed_and_hold_no_threads(server: DevServer) -> None:
    threads = threading.active_count()
    idle = [_connect(server) for _ in range(100)]
    slow = [_connect(server) for _ in range(100)]
    for sock in slow:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: swf\r\n")  # headers that never end
    assert threading.active_count() <= threads + 2  # a coroutine each, not a thread
    _still_serves(server)
    for sock in idle + slow:
        _, closed = _read_all(sock)  # the server hangs up (IDLE_TIMEOUT: 1 s here)
        assert closed
        sock.close()


def test_300_simultaneous_connections_are_all_answered(server: DevServer) -> None:
    sockets = [_connect(server, timeout=60) for _ in range(300)]
    for sock in sockets:
        sock.sendall(_request(LIST, b"Connection: close\r\n"))
    for sock in sockets:
        answer, _ = _read_all(sock)
        assert _status(answer) == 200
        sock.close()


_POLL = json.dumps({"domain": DOMAIN, "taskList": {"name": "activities"}}).encode()
LONG_POLL = (
    b"POST / HTTP/1.1\r\nHost: swf\r\nX-Amz-Target: SimpleWorkflowService.PollForActivityTask"
    b"\r\nContent-Length: %d\r\n\r\n" % len(_POLL) + _POLL
)  # a PollForActivityTask that waits: nothing is scheduled on that list


def test_long_polls_wait_on_the_loop_not_in_threads(server: DevServer) -> None:
    swf = client_for(server)
    register(swf)
    threads = threading.active_count()
    pollers = [_connect(server, timeout=30) for _ in range(200)]
    for sock in pollers:
        sock.sendall(LONG_POLL)
    deadline = time.monotonic() + 30
    while server.engine.waiting_pollers < 200:
        assert time.monotonic() < deadline, server.engine.waiting_pollers
        time.sleep(0.02)
    assert threading.active_count() <= threads + 2
    _still_serves(server)  # 200 parked polls block nobody
    for sock in pollers:
        sock.close()


def test_a_server_stopped_the_moment_it_starts_stops() -> None:
    """Stop may come before the HTTP loop runs: it is queued, not lost (no 10 s hang)."""
    for _ in range(5):
        server = DevServer().start()
        server.stop()
        assert not server.http._thread.is_alive()


def test_pipelined_requests_are_answered_in_order_on_one_connection(server: DevServer) -> None:
    swf = client_for(server)
    register(swf)
    describe = b"X-Amz-Target: SimpleWorkflowService.DescribeDomain\r\n"
    named = json.dumps({"name": DOMAIN}).encode()
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n"
    burst = (
        _request(LIST)
        + head + describe + b"Content-Length: %d\r\n\r\n" % len(named) + named
        + _request(LIST, b"Connection: close\r\n")
    )  # fmt: skip
    answer, closed = _exchange(server, burst)  # one write: h11 takes them one by one
    assert answer.count(b"HTTP/1.1 200 ") == 3 and closed
    first, second = answer.index(b"domainInfos"), answer.index(b'"domainInfo"')
    assert first < second < answer.rindex(b"domainInfos")


def test_a_long_poll_whose_client_leaves_is_dropped(server: DevServer) -> None:
    """Its task goes to a poller that is still there, not to a closed socket."""
    swf = client_for(server)
    register(swf)
    sock = _connect(server)
    sock.sendall(LONG_POLL)
    _wait_for(lambda: server.engine.waiting_pollers == 1)
    sock.close()
    _wait_for(lambda: server.engine.waiting_pollers == 0)  # long before its 30 s end
    assert not server.http._waiters


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server made no progress"
        time.sleep(0.01)


def test_a_client_expecting_100_continue_is_told_to_send_its_body(server: DevServer) -> None:
    head = b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Expect: 100-continue\r\n"
    with _connect(server) as sock:
        sock.sendall(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(LIST))
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 ")
        sock.sendall(LIST)
        answer, closed = _read_all(sock)
    assert _status(answer) == 200 and b"domainInfos" in answer and closed


@pytest.mark.parametrize(
    "head",
    [
        b"".join(b"X-Pad-%d: %s\r\n" % (n, b"a" * 100) for n in range(200))
        + b"Content-Length: 2\r\n\r\n{}",  # a whole request, with 20 KB of headers
        b"X-Never-Ends: " + b"a" * 40_000,  # one line with no end
    ],
)
def test_a_head_over_16_kb_is_431_and_closed(server: DevServer, head: bytes) -> None:
    answer, closed = _exchange(server, b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + head)
    assert _status(answer) == 431 and closed
    _still_serves(server)


def test_a_head_trickled_past_16_kb_is_431(server: DevServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: swf\r\nX-Slow: ")
        try:
            for _ in range(40):  # 40 KB, a line that never ends, in pieces
                sock.sendall(b"a" * 1024)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer, closed = _read_all(sock)
    assert _status(answer) == 431 and closed


def test_a_protocol_upgrade_is_refused_and_what_follows_never_runs(server: DevServer) -> None:
    upgrade = (
        b"POST / HTTP/1.1\r\nHost: swf\r\n" + TARGET + b"Connection: Upgrade\r\n"
        b"Upgrade: websocket\r\nContent-Length: %d\r\n\r\n" % len(LIST) + LIST
    )
    answer, closed = _exchange(server, upgrade + _request(LIST, b"Connection: close\r\n"))
    assert answer.count(b"HTTP/1.1 ") == 1 and _status(answer) == 400 and closed
    assert _error(answer) == "SerializationException"


def test_bytes_after_a_connection_close_request_are_never_run(server: DevServer) -> None:
    answer, closed = _exchange(
        server, _request(LIST, b"Connection: close\r\n") + _request(b"{}", b"Connection: close\r\n")
    )
    assert answer.count(b"HTTP/1.1 ") == 1 and _status(answer) == 200 and closed


def test_an_http_1_0_client_is_answered_and_closed(server: DevServer) -> None:
    request = _request(LIST).replace(b"HTTP/1.1", b"HTTP/1.0", 1)
    answer, closed = _exchange(server, request)
    assert _status(answer) == 200 and b"domainInfos" in answer and closed
