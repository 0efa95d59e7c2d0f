"""Per-task storage: each decorator picks how its payloads are written and where.

    python3 -m pip install -q uv && python3 -m uv run examples/per_task_storage.py

- `load_rows` writes its (large, binary-friendly) result as msgpack on local disk:
  only a reference travels through SWF, and `summarize` receives it by reference.
- `summarize` keeps swflow's default, JSON inline: readable in the SWF console.
- `thresholds` is a @cached side effect recorded as msgpack.
- the workflow's own result goes inline while small, to disk once it grows.

On AWS, swap LocalDataStore for S3DataStore("my-bucket"): nothing else changes.
"""

from __future__ import annotations

import os
import tempfile

from swflow import LocalDecisionWorker, activity_task, cached, decision_task
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore, ThresholdDataStore

DATA = LocalDataStore(
    os.environ.get("SWFLOW_EXAMPLE_DATA") or os.path.join(tempfile.gettempdir(), "swflow-examples")
)


@activity_task(result_data_serializer=MsgpackSerializer(), result_data_store=DATA)
def load_rows(count: int) -> list[dict[str, int]]:
    return [{"id": i, "score": (i * 7919) % 1000} for i in range(count)]


@activity_task
def summarize(rows: list[dict[str, int]], threshold: int) -> dict[str, int]:
    passing = [row for row in rows if row["score"] >= threshold]
    return {"rows": len(rows), "passing": len(passing), "best": max(r["score"] for r in rows)}


@cached(result_data_serializer=MsgpackSerializer())
def thresholds() -> dict[str, int]:
    return {"pass": 500}  # imagine a configuration service: asked once per run, ever


@decision_task(result_data_store=ThresholdDataStore(DATA, max_inline_bytes=1024))
def storage_report(count: int = 20_000) -> dict[str, int]:
    rows = load_rows(count)  # a promise of a reference: the decider never reads the rows
    return summarize(rows, thresholds()["pass"]).result


if __name__ == "__main__":
    print(LocalDecisionWorker(storage_report).start(20_000))
    print(f"payload files under {DATA.root}: {sum(len(f) for _, _, f in os.walk(DATA.root))}")
