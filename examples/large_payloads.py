"""Large payloads by reference: 20 MB across activities, a child and a second workflow.

    python3 -m pip install -q uv && python3 -m uv run examples/large_payloads.py

SWF fields hold at most 32 KB. With an out-of-band store on the result channel, a
result is written once (content-addressed, checksummed) and only its envelope, about
a hundred bytes, travels through SWF. A promise passed as an argument is forwarded
as that same envelope: the decider never downloads what passes through it, and the
second workflow is started with the first one's result without this script reading it.

Here the store is a local folder; on AWS it is `S3DataStore("bucket")`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile

from swflow import LocalEnvironment, activity_task, decision_task
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore, ThresholdDataStore

DATA = ThresholdDataStore(
    LocalDataStore(
        os.environ.get("SWFLOW_EXAMPLE_DATA")
        or os.path.join(tempfile.gettempdir(), "swflow-examples")
    )
)
BIG = {"result_data_serializer": MsgpackSerializer(), "result_data_store": DATA}
SIZE = 20_000_000


@activity_task(**BIG)
def render_video(seconds: int) -> bytes:
    return bytes(range(256)) * (SIZE // 256)  # pretend: 20 MB of frames


@activity_task(**BIG)
def add_watermark(video: bytes) -> bytes:
    return video[:-9] + b"watermark"


@activity_task
def checksum(video: bytes) -> str:
    return f"{len(video):,} bytes, sha256 {hashlib.sha256(video).hexdigest()[:16]}"


@decision_task(**BIG)
def publish(video: bytes) -> bytes:  # a child workflow: its input arrives by reference
    return add_watermark(video).result


@decision_task(**BIG)
def produce() -> bytes:
    raw = render_video(60)  # A ...
    marked = add_watermark(raw)  # ... -> B, by reference
    return publish(marked).result  # -> a child workflow, by reference


@decision_task
def archive(video: bytes) -> str:  # the second workflow
    return checksum(video).result


if __name__ == "__main__":
    with LocalEnvironment() as local:
        first = local.start(produce)
        second = local.start(archive, first.promise())  # by reference, never read here
        print(f"archived: {second.result()}")
        for event in first.history()[-3:]:
            for name, envelope in event.envelopes().items():
                print(f"{event.event_type} {name}: {envelope.describe()}")
