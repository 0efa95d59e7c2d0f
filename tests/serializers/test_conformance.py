"""The conformance suite every serializer runs.

Each case says which values the serializer accepts (a hypothesis strategy), what they
come back as, and what it must refuse, with the path the error must name.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import strategies as st

from swflow.errors import DeserializationError, SerializationError, UnknownSerializerError
from swflow.serializers import (
    SERIALIZERS,
    JsonSerializer,
    MsgpackSerializer,
    ProtobufSerializer,
    Serializer,
    serializer_from_spec,
)
from swflow.testing import SerializerCase, SerializerConformance
from tests.protos import Record, RecordBatch


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _circular() -> dict[str, Any]:
    value: dict[str, Any] = {"a": [1]}
    value["a"].append(value)
    return value


def _plain_normalize(value: Any) -> Any:
    """What JSON and msgpack give back: tuples as lists, bytearrays as bytes."""
    if isinstance(value, tuple | list):
        return [_plain_normalize(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain_normalize(item) for key, item in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _containers(scalars: st.SearchStrategy[Any], keys: st.SearchStrategy[Any]) -> Any:
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5)
            | st.tuples(children, children)
            | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=30,
    )


JSON_VALUES = _containers(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
MSGPACK_VALUES = _containers(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.binary().map(bytearray),
    st.text()
    | st.binary()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.booleans()
    | st.tuples(st.integers(min_value=0, max_value=9), st.text(max_size=3)),
)
PROTOBUF_VALUES = st.builds(
    Record,
    id=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    name=st.text(),
    score=st.floats(allow_nan=False),
    blob=st.binary(),
    tags=st.lists(st.text(), max_size=4),
)


CASES: dict[str, SerializerCase] = {
    "json": SerializerCase(
        JsonSerializer(),
        samples=[{"a": [1, 2.5, None, True, "é"]}, [], ""],
        values=JSON_VALUES,
        normalize=_plain_normalize,
        refused=[
            (b"raw", "$", "bytes"),
            ({"rows": [1, 2, {"blob": b"x"}]}, "$['rows'][2]['blob']", "bytes"),
            ({"tags": {"a", "b"}}, "$['tags']", "set"),
            ([1.0, math.nan], "$[1]", "float"),
            ({"x": math.inf}, "$['x']", "float"),
            ({"when": object()}, "$['when']", "object"),
            ({(1, 2): "pair"}, "$[(1, 2)] (key)", "tuple"),
            (["ok", "\ud800"], "$[1]", "str"),
            (_circular(), "$['a'][1]", "dict"),
        ],
        garbage=[b'{"a":', b"\xff\xfe\x00", b"[1,]", b"nan", b"[" * 100_000 + b"]" * 100_000],
    ),
    "msgpack": SerializerCase(
        MsgpackSerializer(),
        samples=[{"a": [1, 2.5, None, True, b"\x00"]}, [], b""],
        values=MSGPACK_VALUES,
        normalize=_plain_normalize,
        refused=[
            (2**64, "$", "int"),
            ({"big": [-(2**63) - 1]}, "$['big'][0]", "int"),
            ({"s": frozenset()}, "$['s']", "frozenset"),
            ([None, object()], "$[1]", "object"),
            ({(1, frozenset()): 2}, "$[(1, frozenset())] (key)", "tuple"),
            ({"k": "\udfff"}, "$['k']", "str"),
            (_circular(), "$['a'][1]", "dict"),
        ],
        garbage=[b"\x92\x01", b"\xc1", b"\xd4\x05\x00", b"\x81\x81\x01\x02\x03", b"\x01\x02"],
    ),
    "protobuf": SerializerCase(
        ProtobufSerializer(Record),
        samples=[Record(id=1, name="a", score=1.5, blob=b"\x00", tags=["t"]), Record()],
        values=PROTOBUF_VALUES,
        refused=[
            ({"id": 1}, "$", "dict"),
            (RecordBatch(), "$", "RecordBatch"),
            (None, "$", "NoneType"),
        ],
        garbage=[b"\xff\xff\xff\xff", b"\x0a\x05ab", b"\x08"],
    ),
}


def test_every_registered_serializer_has_a_conformance_case() -> None:
    assert set(SERIALIZERS) == set(CASES)


class TestBuiltInSerializers(SerializerConformance):
    """The public suite (`swflow.testing`), over every built-in serializer."""

    @pytest.fixture(params=sorted(CASES))
    def serializer_case(self, request: pytest.FixtureRequest) -> SerializerCase:
        return CASES[request.param]


@pytest.mark.parametrize(
    "spec", ["protobuf:swflow.test.RecordBatch", "protobuf:google.protobuf.Struct"]
)
def test_protobuf_specs_name_any_imported_message_type(spec: str) -> None:
    from google.protobuf import struct_pb2  # registers google.protobuf.Struct

    assert struct_pb2.Struct
    assert serializer_from_spec(spec).spec == spec


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.serializer.is_text])
def test_text_serializers_write_utf8(name: str) -> None:
    assert CASES[name].serializer.dumps({"é": "ü"}).decode("utf-8") == '{"é":"ü"}'


@pytest.mark.parametrize("name", ["json", "msgpack"])
def test_values_nested_beyond_the_library_limit_are_refused_as_such(name: str) -> None:
    with pytest.raises(SerializationError, match="nested deeper than") as caught:
        CASES[name].serializer.dumps({"deep": _nested(100_000)})
    assert caught.value.path.startswith("$['deep'][0][0]")


def test_msgpack_tuple_keys_come_back_as_tuples() -> None:
    serializer = MsgpackSerializer()
    value = {(1, ("a", b"b")): [(1, 2)], "plain": {2: None}}
    assert serializer.loads(serializer.dumps(value)) == {
        (1, ("a", b"b")): [[1, 2]],
        "plain": {2: None},
    }


@pytest.mark.parametrize("spec", ["yaml", "pickle", "json:pretty", "protobuf", "protobuf:no.Such"])
def test_unknown_specs_raise_unknown_serializer(spec: str) -> None:
    with pytest.raises(UnknownSerializerError):
        serializer_from_spec(spec)


def test_protobuf_unknown_type_says_to_import_its_module() -> None:
    with pytest.raises(UnknownSerializerError, match="import the module that defines it"):
        serializer_from_spec("protobuf:acme.Missing")


def test_protobuf_refuses_a_non_message_class() -> None:
    with pytest.raises(TypeError, match="generated message class"):
        ProtobufSerializer(dict)


def test_json_coerces_scalar_keys_to_strings_as_documented() -> None:
    serializer = JsonSerializer()
    assert serializer.loads(serializer.dumps({1: "a", None: "b", 2.5: "c", False: "d"})) == {
        "1": "a",
        "null": "b",
        "2.5": "c",
        "false": "d",
    }


# Call arguments: how a call's (args, kwargs) become one value and back.


@pytest.mark.parametrize("serializer", [JsonSerializer(), MsgpackSerializer()])
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, "two"), {}), (([1], {"a": None}), {}), ((3,), {"scale": 2.5}), ((), {"x": 1})],
)
def test_plain_serializers_round_trip_call_arguments(
    serializer: Serializer, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    packed = serializer.loads(serializer.dumps(serializer.pack_arguments(args, kwargs)))
    assert serializer.unpack_arguments(packed) == (args, kwargs)


@pytest.mark.parametrize(
    ("typed_by_hand", "expected"),
    [
        ([1, 2], ((1, 2), {})),
        ({"args": [1], "kwargs": {"b": 2}}, ((1,), {"b": 2})),
        ({"kwargs": {"b": 2}}, ((), {"b": 2})),
        ({"b": 2}, (({"b": 2},), {})),
        ({}, (({},), {})),
        ("hello", (("hello",), {})),
        (None, ((None,), {})),
    ],
)
def test_hand_typed_input_follows_the_args_kwargs_convention(
    typed_by_hand: Any, expected: Any
) -> None:
    assert JsonSerializer().unpack_arguments(typed_by_hand) == expected


@pytest.mark.parametrize("bad", [{"args": 5}, {"kwargs": []}, {"kwargs": {1: 2}}])
def test_malformed_args_kwargs_raise_deserialization_error(bad: Any) -> None:
    with pytest.raises(DeserializationError, match="call arguments"):
        JsonSerializer().unpack_arguments(bad)


def test_protobuf_takes_exactly_one_message_argument() -> None:
    serializer = ProtobufSerializer(Record)
    record = Record(id=7, name="seven")
    assert serializer.unpack_arguments(serializer.pack_arguments((record,), {})) == ((record,), {})
    for args, kwargs in [
        ((), {}),
        ((record, record), {}),
        ((record,), {"x": 1}),
        (({"id": 7},), {}),
    ]:
        with pytest.raises(SerializationError, match=r"one positional swflow\.test\.Record"):
            serializer.pack_arguments(args, kwargs)
