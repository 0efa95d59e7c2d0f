"""The payload envelope: one header line, then where the bytes are.

Every input, result, marker detail, signal input and control value that swflow puts in
an SWF field is an envelope:

```text
swflow/1 json inline 13 -
{"rows":[1,2]}

swflow/1 msgpack s3 52428800 9f86d0...
s3://swf-data/results/9f86d0...

swflow/2 json zstd,aesgcm:k2 result base64 1187 -
AWm3...
```

The header names the format version, the serializer spec, (version 2 only) the codec
chain that ran over the serialized bytes and the field they were written for, the
reference scheme, the stored size in bytes and its digest: hex for sha256,
``blake3:`` then hex for BLAKE3 (`swflow.stores.digests`), ``-`` for inline payloads,
which SWF keeps intact. Payloads no codec touched are written as version 1, which
every swflow reads. Inline payloads follow the header as text (``inline``) or base64
(``base64``), so an inline JSON payload stays readable in the SWF console. Text that
does not start with ``swflow/`` is read as plain JSON, as a workflow started from the
AWS console would send it.

An input may start with one more line, ``swflow-trace <W3C traceparent>``: the trace
context of the span that started the run or scheduled the task (OpenTelemetry, written
only when a span is recording). Readers set it aside before reading the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass

from swflow.errors import PayloadCorruptError, UnsupportedEnvelopeError
from swflow.serializers import JsonSerializer
from swflow.serializers.json_serializer import has_surrogate_escape
from swflow.stores import DIGESTS, Ref
from swflow.stores.digests import DEFAULT_DIGEST, check_digest_name

__all__ = [
    "ENVELOPE_VERSION",
    "NO_DIGEST",
    "TRACE_LINE",
    "Envelope",
    "codec_prefix",
    "field_token",
    "inline_json_body",
    "is_self_contained",
    "parse_envelope",
    "split_trace",
    "with_trace",
]

ENVELOPE_VERSION = 2
"""The newest envelope format this swflow reads (and writes when codecs ran)."""

MAGIC = "swflow/"
NO_DIGEST = "-"
_HEX = frozenset("0123456789abcdef")
_FIELDS = {1: 5, 2: 7}  # header fields per version
TRACE_LINE = "swflow-trace "
_TRACEPARENT = 55  # "00-" 32 hex "-" 16 hex "-" 2 hex


def codec_prefix(serializer: str, field: str) -> str:
    """The part of a version 2 header codecs bind: format, serializer and field token."""
    return f"{MAGIC}2 {serializer} {field}"


def split_trace(text: str) -> tuple[str | None, str]:
    """``(traceparent or None, the text after the trace line)``."""
    if not text.startswith(TRACE_LINE):
        return None, text
    line, _, rest = text.partition("\n")
    parent = line[len(TRACE_LINE) :]
    well_formed = len(parent) == _TRACEPARENT and _HEX.issuperset(parent.replace("-", ""))
    return (parent if well_formed else None), rest


def with_trace(text: str | None, traceparent: str | None, limit: int) -> str | None:
    """``text`` led by the trace line, when there is a trace and it still fits ``limit``."""
    if traceparent is None:
        return text
    traced = f"{TRACE_LINE}{traceparent}\n{text or ''}"
    return traced if len(traced) <= limit else text


def field_token(field: str) -> str:
    """An SWF field's name as a header token: ``"marker details"`` -> ``marker-details``."""
    return field.replace(" ", "-") or "-"


@dataclass(frozen=True, slots=True)
class Envelope:
    """A parsed envelope: which serializer reads the bytes, and where they are.

    Attributes:
        serializer: the serializer spec, e.g. ``"json"`` or ``"protobuf:pkg.Msg"``.
        ref: where the bytes are; for inline payloads, the bytes themselves.
        legacy: true for plain JSON written without an envelope.
        codecs: the codec chain that ran, comma separated (empty: none, version 1).
        field: the field it was written for, as a header token (version 2 only).
    """

    serializer: str
    ref: Ref
    legacy: bool = False
    codecs: str = ""
    field: str = ""

    @property
    def prefix(self) -> str:
        """What codecs bind as their context: format, serializer and field."""
        return codec_prefix(self.serializer, self.field)

    def to_text(self) -> str:
        """The envelope as it travels in an SWF field."""
        ref = self.ref
        if self.legacy:
            return ref.location
        digest = ref.digest or NO_DIGEST
        if ref.algorithm != DEFAULT_DIGEST and ref.digest:
            digest = f"{check_digest_name(ref.algorithm)}:{digest}"
        if self.codecs:
            head = f"{MAGIC}2 {self.serializer} {self.codecs} {self.field}"
        else:
            head = f"{MAGIC}1 {self.serializer}"
        return f"{head} {ref.scheme} {ref.size} {digest}\n{ref.location}"

    def describe(self) -> str:
        """One line for people: ``json/inline 13 B``, ``json+zstd/s3 2,300 B at s3://...``."""
        where = "" if self.ref.inline else f" at {self.ref.location}"
        chain = "".join(f"+{spec}" for spec in self.codecs.split(",") if spec)
        return f"{self.serializer}{chain}/{self.ref.scheme} {self.ref.size:,} B{where}"


def is_self_contained(text: str) -> bool:
    """Whether decoding ``text`` needs no store and no codec: a version 1 inline payload
    (text or base64), or legacy plain JSON. (Cheap: the replay asks it of every result it reads.)"""
    if text.startswith(_INLINE_JSON) or not text.startswith(MAGIC):
        return True
    return text.startswith(f"{MAGIC}1 ") and text.split(" ", 3)[2:3] in (["inline"], ["base64"])


_INLINE_JSON = f"{MAGIC}1 json inline "  # the common case, answered by one comparison
_INLINE_JSON_SIZE = len(_INLINE_JSON)


def inline_json_body(text: str) -> str | None:
    """The JSON text of a version 1 inline JSON envelope that needs no check but the
    JSON parse itself (ASCII, its size right, no digest, no surrogate escape), else
    None. (The replay's hot path: most results of a long history are such.)"""
    if not text.startswith(_INLINE_JSON):
        return None
    header, _, body = text.partition("\n")
    if (
        header[_INLINE_JSON_SIZE:] == f"{len(body)} {NO_DIGEST}"
        and body.isascii()
        and not has_surrogate_escape(body)
    ):
        return body
    return None


def parse_envelope(text: str) -> Envelope:
    """Read an envelope's header without fetching or decoding anything.

    Raises:
        PayloadCorruptError: a malformed header.
        UnsupportedEnvelopeError: an envelope from a newer swflow.
    """
    if text.startswith(TRACE_LINE):
        text = split_trace(text)[1]
    if not text.startswith(MAGIC):
        return Envelope(JsonSerializer.name, Ref("inline", text, utf8_size(text)), legacy=True)
    header, newline, location = text.partition("\n")
    fields = header.split(" ")
    number = fields[0].removeprefix(MAGIC)
    version = int(number) if number.isascii() and number.isdigit() else 0
    if version > ENVELOPE_VERSION:
        raise UnsupportedEnvelopeError(
            f"payload envelope version {number} was written by a newer swflow; this one "
            f"reads versions 1-{ENVELOPE_VERSION}: upgrade swflow"
        )
    if version not in _FIELDS or number != str(version):
        raise PayloadCorruptError(f"malformed swflow envelope version {fields[0][:40]!r}")
    if not newline or len(fields) != _FIELDS[version] or not all(fields):
        raise PayloadCorruptError(f"malformed swflow envelope header {header[:200]!r}")
    spec, *middle, scheme, size, digest = fields[1:]
    if not (size.isascii() and size.isdigit()):
        raise PayloadCorruptError(f"malformed swflow envelope header {header[:200]!r}")
    named, colon, digest = digest.rpartition(":")
    algorithm = named if colon else DEFAULT_DIGEST
    if digest == NO_DIGEST and not colon:
        digest = ""
    elif not (len(digest) == 64 and _HEX.issuperset(digest)):
        raise PayloadCorruptError(
            f"envelope checksum {fields[-1][:80]!r} is not a hex digest, blake3:digest or -"
        )
    elif algorithm not in DIGESTS:
        raise UnsupportedEnvelopeError(
            f"payload digest {algorithm[:40]!r} is unknown to this swflow (it has "
            f"{', '.join(DIGESTS)}): upgrade swflow"
        )
    codecs, field = middle if middle else ("", "")
    ref = Ref(scheme, location, int(size), digest, algorithm)
    return Envelope(spec, ref, codecs=codecs, field=field)


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8; `PayloadCorruptError` for a lone surrogate."""
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise PayloadCorruptError(
            f"payload text holds a lone surrogate at character {exc.start}: not valid UTF-8"
        ) from None
