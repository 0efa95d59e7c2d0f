"""One devserver connection driven by hand on a loop, its transport a recorder: how it
reads, waits and writes when the client stops reading, pipelines, is answered slowly,
or goes idle (on a loop whose clock the test moves)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from swflow.devserver.connection import Answer, HttpConnection, Limits
from tests.badinput.test_http_front import _request

LIMITS = Limits(max_body=1_048_576, max_head=16 * 1024, body_timeout=10.0, idle_timeout=20.0)


class Recorder(asyncio.Transport):
    """What the connection wrote and whether it is read, as a socket's transport says."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.reading = True
        self.closed = False

    def write(self, data: Any) -> None:
        self.written += bytes(data)

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def _body(n: int) -> bytes:
    return _request(b'{"n": %d}' % n)


def _answers(written: bytes) -> list[bytes]:
    return [part.split(b"\r\n\r\n", 1)[1][:9] for part in written.split(b"HTTP/1.1 ")[1:]]


def _echo(method: bytes, headers: dict[bytes, bytes], body: bytes) -> Answer:
    return Answer(200, body)


def test_a_client_that_stops_reading_is_answered_in_order_once_it_reads_again() -> None:
    async def scenario() -> None:
        connection, transport = HttpConnection(_echo, LIMITS, set()), Recorder()
        connection.connection_made(transport)
        connection.pause_writing()  # the client's window is full
        assert not transport.reading  # so it is not read either
        connection.data_received(_body(1) + _body(2) + _body(3))
        assert transport.written == b""  # nothing written while writes are paused
        connection.resume_writing()
        assert _answers(transport.written) == [b'{"n": 1}', b'{"n": 2}', b'{"n": 3}']
        assert transport.reading and not transport.closed

    asyncio.run(scenario())


def test_a_request_pipelined_behind_a_slow_answer_waits_and_stops_the_reading() -> None:
    async def scenario() -> None:
        slow: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()

        def handler(method: bytes, headers: dict[bytes, bytes], body: bytes) -> Any:
            if body == b'{"n": 1}':
                return _later(slow)  # a long poll
            return _echo(method, headers, body)

        connection, transport = HttpConnection(handler, LIMITS, set()), Recorder()
        connection.connection_made(transport)
        connection.data_received(_body(1))
        await asyncio.sleep(0)
        assert transport.reading  # one answer in flight: a client leaving is still seen
        connection.data_received(_body(2))
        assert not transport.reading and transport.written == b""  # at most one waits
        slow.set_result(Answer(200, b'{"n": 1}'))
        for _ in range(3):
            await asyncio.sleep(0)
        assert _answers(transport.written) == [b'{"n": 1}', b'{"n": 2}']
        assert transport.reading

    asyncio.run(scenario())


async def _later(answer: Awaitable[Answer]) -> Answer:
    return await answer


class ManualClock(asyncio.SelectorEventLoop):
    """A loop whose time moves only when the test says: its timers fire as it does."""

    now = 0.0

    def time(self) -> float:
        return self.now


def test_the_idle_timeout_counts_from_the_last_answer_on_one_shared_timer() -> None:
    loop = ManualClock()

    async def at(seconds: float) -> None:
        loop.now = seconds
        for _ in range(3):
            await asyncio.sleep(0)

    async def scenario() -> None:
        connection, transport = HttpConnection(_echo, LIMITS, set()), Recorder()
        connection.connection_made(transport)  # idle from 0: the first deadline is 20
        for n, second in enumerate((15.0, 30.0, 45.0), start=1):
            await at(second)
            connection.data_received(_body(n))
            assert not transport.closed  # in use across the first deadlines
        await at(64.9)
        assert not transport.closed  # 20 s after the last answer, not yet
        await at(65.1)
        assert transport.closed
        ids = [head.split(b"x-amzn-requestid: ", 1)[1][:36] for head in _heads(transport)]
        assert len(set(ids)) == 3  # every answer has its own request id

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()


def _heads(transport: Recorder) -> list[bytes]:
    return transport.written.split(b"HTTP/1.1 ")[1:]
