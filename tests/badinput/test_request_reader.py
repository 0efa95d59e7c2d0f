"""The devserver's request reader, fed bytes directly: however a stream is cut into
chunks, the same requests come out in order; hostile bytes give refusals, never an
exception; the head cap holds whether a head arrives at once or a byte at a time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from swflow.devserver.faults import Fault
from swflow.devserver.request_reader import Request, RequestReader
from tests.badinput.test_http_front import _request

MAX_HEAD, MAX_BODY = 16 * 1024, 1_048_576


def _feed(stream: bytes, cuts: list[int]) -> RequestReader:
    reader = RequestReader(MAX_HEAD, MAX_BODY)
    start = 0
    for cut in [*sorted(set(cuts)), len(stream)]:
        reader.feed(stream[start:cut])
        start = cut
    return reader


_bodies = st.lists(
    st.tuples(st.binary(max_size=300), st.booleans(), st.integers(0, 3)), min_size=1, max_size=4
)


@settings(max_examples=200, deadline=None)
@given(_bodies, st.lists(st.integers(0, 4000), max_size=12))
def test_any_cut_of_pipelined_requests_gives_them_whole_and_in_order(
    requests: list[tuple[bytes, bool, int]], cuts: list[int]
) -> None:
    stream = b"".join(
        _request(body, *(b"X-N-%d: %d\r\n" % (i, n) for i in range(n)), chunked=chunked)
        for body, chunked, n in requests
    )
    reader = _feed(stream, [c for c in cuts if c < len(stream)])
    got = list(reader.ready)
    assert all(isinstance(item, Request) for item in got), got
    assert [r.body for r in got if isinstance(r, Request)] == [body for body, _, _ in requests]
    assert all(r.method == b"POST" and r.keep_alive for r in got if isinstance(r, Request))
    headers = [r.headers for r in got if isinstance(r, Request)]
    assert [sum(k.startswith(b"x-n-") for k in h) for h in headers] == [n for _, _, n in requests]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000), max_size=8))
def test_arbitrary_bytes_are_refused_or_waited_on_never_raised(
    junk: bytes, cuts: list[int]
) -> None:
    reader = _feed(junk, [c for c in cuts if c < len(junk)])
    refusals = [item for item in reader.ready if isinstance(item, Fault)]
    assert len(refusals) <= 1 and reader.refused == bool(refusals)
    if refusals:
        assert reader.ready[-1] is refusals[0]  # nothing after a refusal


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40), st.sampled_from([1, 7, 1024, 65536]))
def test_the_head_cap_holds_however_the_head_is_cut(kilobytes: int, piece: int) -> None:
    pad = b"X-Pad: " + b"a" * (kilobytes * 1024) + b"\r\n"
    stream = _request(b"{}", pad)
    reader = _feed(stream, list(range(piece, len(stream), piece)))
    refused = [item for item in reader.ready if isinstance(item, Fault)]
    if kilobytes * 1024 + 100 > MAX_HEAD:  # over the cap, whatever the cut
        assert refused and refused[0].status == 431
    elif kilobytes * 1024 + 200 < MAX_HEAD:  # well under it: never a false refusal
        assert not refused and len(reader.ready) == 1


def test_a_head_line_that_never_ends_is_refused_a_byte_at_a_time() -> None:
    reader = RequestReader(MAX_HEAD, MAX_BODY)
    reader.feed(b"POST / HTTP/1.1\r\nX-Never: ")
    for _ in range(MAX_HEAD + 10):
        reader.feed(b"a")
    assert reader.refused and isinstance(reader.ready[-1], Fault)
    assert reader.ready[-1].status == 431


def test_a_trailer_that_never_ends_is_refused() -> None:
    reader = RequestReader(MAX_HEAD, MAX_BODY)
    reader.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n")
    reader.feed(b"X-Trailer: ")
    for _ in range(40):
        reader.feed(b"a" * 1024)
    assert [f.status for f in reader.ready if isinstance(f, Fault)] == [431]


def test_a_body_sent_a_byte_at_a_time_is_never_mistaken_for_framing() -> None:
    body = b'{"a": "' + b"b" * 40_000 + b'"}'
    reader = RequestReader(MAX_HEAD, MAX_BODY)
    reader.feed(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body))
    for n in range(len(body)):
        reader.feed(body[n : n + 1])
    assert [r.body for r in reader.ready if isinstance(r, Request)] == [body]


def test_a_body_over_the_cap_is_refused_at_its_headers_and_chunked_as_it_arrives() -> None:
    declared = RequestReader(MAX_HEAD, MAX_BODY)
    declared.feed(b"POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1))
    assert [f.status for f in declared.ready if isinstance(f, Fault)] == [413]
    chunked = RequestReader(MAX_HEAD, MAX_BODY)
    chunked.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(17):
        chunked.feed(b"%x\r\n%s\r\n" % (65536, b"a" * 65536))
    assert [f.status for f in chunked.ready if isinstance(f, Fault)] == [413]
