"""Protobuf messages for tests and benchmarks, built at run time (no protoc needed).

Registers ``swflow.test.Record`` and ``swflow.test.RecordBatch`` in the default
descriptor pool, exactly as importing a generated ``*_pb2`` module would.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_FIELD = descriptor_pb2.FieldDescriptorProto


def _build() -> tuple[type[Any], type[Any]]:
    pool = descriptor_pool.Default()
    try:
        pool.FindMessageTypeByName("swflow.test.Record")
    except KeyError:
        file = descriptor_pb2.FileDescriptorProto(
            name="swflow_test_records.proto", package="swflow.test", syntax="proto3"
        )
        record = file.message_type.add(name="Record")
        for number, (name, kind) in enumerate(
            [
                ("id", _FIELD.TYPE_INT64),
                ("name", _FIELD.TYPE_STRING),
                ("score", _FIELD.TYPE_DOUBLE),
                ("blob", _FIELD.TYPE_BYTES),
                ("tags", _FIELD.TYPE_STRING),
            ],
            start=1,
        ):
            label = _FIELD.LABEL_REPEATED if name == "tags" else _FIELD.LABEL_OPTIONAL
            record.field.add(name=name, number=number, type=kind, label=label)
        batch = file.message_type.add(name="RecordBatch")
        batch.field.add(
            name="records",
            number=1,
            type=_FIELD.TYPE_MESSAGE,
            type_name=".swflow.test.Record",
            label=_FIELD.LABEL_REPEATED,
        )
        pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("swflow.test.Record")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("swflow.test.RecordBatch")),
    )


Record, RecordBatch = _build()
