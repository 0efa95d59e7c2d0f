"""One devserver connection driven by hand on a loop, its transport a recorder: how it
reads, waits and writes when the client stops reading, pipelines, or answers slowly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from swflow.devserver.connection import Answer, HttpConnection, Limits

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


def _request(n: int) -> bytes:
    body = b'{"n": %d}' % n
    return b"POST / HTTP/1.1\r\nHost: swf\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)


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
        connection.data_received(_request(1) + _request(2) + _request(3))
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
        connection.data_received(_request(1))
        await asyncio.sleep(0)
        assert transport.reading  # one answer in flight: a client leaving is still seen
        connection.data_received(_request(2))
        assert not transport.reading and transport.written == b""  # at most one waits
        slow.set_result(Answer(200, b'{"n": 1}'))
        for _ in range(3):
            await asyncio.sleep(0)
        assert _answers(transport.written) == [b'{"n": 1}', b'{"n": 2}']
        assert transport.reading

    asyncio.run(scenario())


async def _later(answer: Awaitable[Answer]) -> Answer:
    return await answer
