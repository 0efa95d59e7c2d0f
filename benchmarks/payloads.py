"""Payload path benchmark: serializers, stores and the codec, beside the raw libraries.

    python3 -m uv run --all-extras python benchmarks/payloads.py [--runs 5] [--only-codecs]

Prints medians of --runs runs (MB/s of payload moved; encode+decode, put+get) and the
peak RSS growth of a 50 MB round trip through each store. S3 is moto's server in its
own process on 127.0.0.1, reached by swflow, raw boto3 and raw s3fs alike.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3
import msgpack
import s3fs

from benchmarks._moto import moto_server
from swflow import PayloadCodec
from swflow.codecs import AesGcmCodec, Codec, GzipCodec, ZstdCodec
from swflow.serializers import (
    JsonSerializer,
    MsgpackSerializer,
    ProtobufSerializer,
    Serializer,
)
from swflow.stores import DataStore, InlineDataStore, LocalDataStore, S3DataStore
from tests.protos import Record, RecordBatch

MB = 2**20
BUCKET = "swflow-bench"


def _nothing() -> None:
    return None


def median_seconds(
    action: Callable[[], Any], runs: int, setup: Callable[[], Any] = _nothing
) -> float:
    """Median time of one ``action``; fast actions repeat within a sample to last >= 50 ms."""
    setup()
    start = time.perf_counter()
    action()  # warm up: imports, connections, caches
    repeat = 1 if setup is not _nothing else max(1, int(0.05 / (time.perf_counter() - start)))
    times = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        times.append((time.perf_counter() - start) / repeat)
    return statistics.median(times)


def records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "name": f"user-{i:06d}",
            "email": f"user{i}@example.com",
            "score": i * 0.37,
            "active": i % 3 == 0,
            "tags": ["alpha", "beta", f"t{i % 7}"],
        }
        for i in range(count)
    ]


def record_batch(rows: list[dict[str, Any]]) -> Any:
    return RecordBatch(
        records=[
            Record(
                id=r["id"],
                name=r["name"],
                score=r["score"],
                blob=r["email"].encode(),
                tags=r["tags"],
            )
            for r in rows
        ]
    )


def blob() -> bytes:
    return os.urandom(MB) * 50


def values() -> dict[str, dict[str, Any]]:
    rows, data = records(7_200), blob()  # about 1 MB of JSON; 50 MB of bytes
    return {
        "json": {"1 MB records": rows, "50 MB blob": data.hex()[: 50 * MB]},  # JSON: no bytes
        "msgpack": {"1 MB records": rows, "50 MB blob": data},
        "protobuf": {"1 MB records": record_batch(rows), "50 MB blob": Record(blob=data)},
    }


SERIALIZERS: dict[str, Serializer] = {
    "json": JsonSerializer(),
    "msgpack": MsgpackSerializer(),
    "protobuf": ProtobufSerializer(RecordBatch),
}
RAW: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "json": (json.dumps, json.loads),
    "msgpack": (msgpack.packb, msgpack.unpackb),
    "protobuf": (lambda m: m.SerializeToString(), RecordBatch.FromString),
}


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)))


def bench_serializers(runs: int, values: dict[str, dict[str, Any]]) -> None:
    rows = []
    for name, serializer in SERIALIZERS.items():
        value = values[name]["1 MB records"]
        raw_dump, raw_load = RAW[name]
        size = len(serializer.dumps(value)) / MB
        ours = median_seconds(lambda: serializer.loads(serializer.dumps(value)), runs)  # noqa: B023
        raw = median_seconds(lambda: raw_load(raw_dump(value)), runs)  # noqa: B023
        rows.append(
            [
                name,
                f"{size:.2f}",
                f"{size / ours:,.0f}",
                f"{size / raw:,.0f}",
                f"{ours / raw:.2f}x",
                "yes" if ours / raw <= 1.25 else "NO",
            ]
        )
    table(
        "Serializers, 1 MB records, dumps+loads (target: cost <= 1.25x the raw library)",
        ["serializer", "MB", "swflow MB/s", "raw MB/s", "cost ratio", "target met"],
        rows,
    )


def bench_stores(runs: int, endpoint: str, root: Path, data: bytes) -> None:
    size = len(data) / MB
    client = boto3.client("s3", endpoint_url=endpoint)
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint}, skip_instance_cache=True)
    s3 = S3DataStore(BUCKET, "bench/", client_kwargs={"endpoint_url": endpoint})
    s3_blake3 = S3DataStore(
        BUCKET, "bench-b3/", digest="blake3", client_kwargs={"endpoint_url": endpoint}
    )
    local = LocalDataStore(root / "store")
    local_blake3 = LocalDataStore(root / "store", digest="blake3")
    raw_file = root / "raw.bin"

    def put_get(
        put: Callable[[], Any], get: Callable[[], Any], setup: Callable[[], Any] = _nothing
    ) -> tuple[float, float]:
        return size / median_seconds(put, runs, setup), size / median_seconds(get, runs)

    ref, blake3_ref = s3.put(data), s3_blake3.put(data)
    local_ref, local_blake3_ref = local.put(data), local_blake3.put(data)
    figures = {
        "S3DataStore": put_get(lambda: s3.put(data), lambda: s3.get(ref)),
        "S3DataStore(digest=blake3)": put_get(
            lambda: s3_blake3.put(data), lambda: s3_blake3.get(blake3_ref)
        ),
        "raw boto3": put_get(
            lambda: client.put_object(Bucket=BUCKET, Key="raw", Body=data),
            lambda: client.get_object(Bucket=BUCKET, Key="raw")["Body"].read(),  # noqa: PLW0108
        ),
        "raw s3fs": put_get(
            lambda: fs.pipe_file(f"{BUCKET}/raw2", data), lambda: fs.cat_file(f"{BUCKET}/raw2")
        ),
        # Content addressing skips a payload already there: delete it, untimed, first.
        "LocalDataStore": put_get(
            lambda: local.put(data),
            lambda: local.get(local_ref),
            setup=lambda: Path(local_ref.location).unlink(missing_ok=True),
        ),
        "LocalDataStore(digest=blake3)": put_get(
            lambda: local_blake3.put(data),
            lambda: local_blake3.get(local_blake3_ref),
            setup=lambda: Path(local_blake3_ref.location).unlink(missing_ok=True),
        ),
        "LocalDataStore(fsync=False)": put_get(
            lambda: LocalDataStore(root / "store", fsync=False).put(data),
            lambda: local.get(local_ref),
            setup=lambda: Path(local_ref.location).unlink(missing_ok=True),
        ),
        "raw file": put_get(lambda: raw_file.write_bytes(data), raw_file.read_bytes),
        "raw file + fsync": put_get(lambda: _write_fsync(raw_file, data), raw_file.read_bytes),
    }
    best_s3 = (
        max(figures["raw boto3"][0], figures["raw s3fs"][0]),
        max(figures["raw boto3"][1], figures["raw s3fs"][1]),
    )
    rows = []
    for name, (put, get) in figures.items():
        peer = best_s3 if name.startswith("S3") else figures["raw file"]
        versus = "" if name.startswith("raw") else f"{put / peer[0]:.0%} / {get / peer[1]:.0%}"
        rows.append([name, f"{put:,.0f}", f"{get:,.0f}", versus])
    table(
        "Stores, 50 MB blob, put and get with integrity checks "
        "(target: >= 80% of the faster raw client / raw file)",
        ["store", "put MB/s", "get MB/s", "vs best raw (put / get)"],
        rows,
    )


def _write_fsync(path: Path, data: bytes) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def stores_for(endpoint: str, root: Path) -> dict[str, DataStore]:
    return {
        "inline*": InlineDataStore(),
        "local": LocalDataStore(root / "codec"),
        "s3": S3DataStore(BUCKET, "codec/", client_kwargs={"endpoint_url": endpoint}),
    }


def bench_codec(runs: int, endpoint: str, root: Path, values: dict[str, dict[str, Any]]) -> None:
    rows = []
    for payload in ("1 MB records", "50 MB blob"):
        for name, serializer in SERIALIZERS.items():
            value = values[name][payload]
            use = (
                serializer
                if name != "protobuf" or payload.startswith("1")
                else ProtobufSerializer(Record)
            )
            size = len(use.dumps(value)) / MB
            row = [payload, name]
            for store in stores_for(endpoint, root).values():
                codec = PayloadCodec(cache_bytes=0)  # measure the store, not the cache

                def trip(codec: PayloadCodec = codec, store: DataStore = store) -> None:
                    codec.decode(codec.encode(value, use, store, field="bench", limit=sys.maxsize))  # noqa: B023

                row.append(f"{size / median_seconds(trip, runs):,.0f}")
            rows.append(row)
    table(
        "Codec, encode+decode through serializer x store, MB/s "
        "(*inline beyond 32 KB is refused in SWF; shown for the text/base64 cost)",
        ["payload", "serializer", *stores_for(endpoint, root)],
        rows,
    )


def bench_codecs(runs: int, root: Path, values: dict[str, dict[str, Any]]) -> None:
    """Compression ratio and speed, encryption speed, and what each adds to a round trip."""
    records_json = JsonSerializer().dumps(values["json"]["1 MB records"])
    records_msgpack = MsgpackSerializer().dumps(values["msgpack"]["1 MB records"])
    data = values["msgpack"]["50 MB blob"]
    key = AesGcmCodec({"bench": os.urandom(32)})
    rows = []
    for label, codec in (
        ("zstd level 3", ZstdCodec()),
        ("gzip level 6", GzipCodec()),
        ("aes-gcm", key),
    ):
        for payload, raw in (
            ("1 MB records, JSON", records_json),
            ("1 MB records, msgpack", records_msgpack),
            ("50 MB blob", data),
        ):
            if label.startswith("gzip") and payload == "50 MB blob":
                continue  # minutes of runs for a codec zstd beats on every row above
            rows.append([label, payload, *_codec_row(codec, raw, runs)])
    table(
        "Codecs on serialized bytes: size ratio, encode and decode MB/s "
        "(target: zstd level 3 shrinks the 1 MB JSON records >= 3x)",
        ["codec", "payload", "ratio", "encode MB/s", "decode MB/s"],
        rows,
    )
    folder = root / "codec-trip"
    store = LocalDataStore(folder)
    serializer = MsgpackSerializer()

    def empty_store() -> None:  # every trip writes: equal payloads would be stored once
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()

    chains: dict[str, tuple[Codec, ...]] = {
        "none": (),
        "aes-gcm": (key,),
        "zstd": (ZstdCodec(),),
        "zstd + aes-gcm": (ZstdCodec(), key),
    }
    trips = {}
    for name, chain in chains.items():
        codec = PayloadCodec(cache_bytes=0, codecs=chain)

        def trip(codec: PayloadCodec = codec) -> None:
            codec.decode(codec.encode(data, serializer, store, field="bench", limit=sys.maxsize))

        trips[name] = median_seconds(trip, runs, setup=empty_store)
    size = len(data) / MB
    base = trips["none"]
    table(
        "50 MB msgpack blob, encode+decode through a local store, by codec chain, each trip "
        "writing its file (target: AES-GCM adds <= 30%)",
        ["codecs", "MB/s", "time vs none", "target met"],
        [
            [
                name,
                f"{size / seconds:,.0f}",
                f"{seconds / base:.2f}x",
                ("yes" if seconds / base <= 1.3 else "NO") if name == "aes-gcm" else "",
            ]
            for name, seconds in trips.items()
        ],
    )


def _codec_row(codec: Codec, raw: bytes, runs: int) -> list[str]:
    context = b"bench"
    done = codec.encode(raw, context)
    if done is None:
        return ["skipped", "", ""]
    spec, out = done
    argument = spec.partition(":")[2]
    encode = median_seconds(lambda: codec.encode(raw, context), runs)
    decode = median_seconds(lambda: codec.decode(out, argument, context), runs)
    size = len(raw) / MB
    return [f"{len(raw) / len(out):.2f}x", f"{size / encode:,.0f}", f"{size / decode:,.0f}"]


def peak_rss_child(endpoint: str, store_name: str, root: str) -> None:
    """Runs in a fresh process: RSS growth of one 50 MB msgpack round trip."""
    data = blob()
    store = stores_for(endpoint, Path(root))[store_name]
    codec = PayloadCodec()
    store.put(b"warm up")  # connect and import before measuring
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    value = codec.decode(
        codec.encode(data, MsgpackSerializer(), store, field="bench", limit=sys.maxsize)
    )
    grown = _status_kib("VmHWM") - before
    assert value == data
    print(json.dumps({"store": store_name, "peak_growth": grown * 1024 / len(data)}))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def bench_memory(endpoint: str, root: Path) -> None:
    rows = []
    for store_name in stores_for(endpoint, root):
        done = subprocess.run(
            [sys.executable, __file__, "--peak-rss-child", endpoint, store_name, str(root)],
            capture_output=True,
            text=True,
            check=True,
        )
        growth = json.loads(done.stdout.splitlines()[-1])["peak_growth"]
        met = "n/a*" if store_name == "inline*" else "yes" if growth <= 3 else "NO"
        rows.append([store_name, f"{growth:.2f}x", met])
    table(
        "Peak RSS growth of a 50 MB msgpack round trip (encode+decode, cache on), "
        "as a multiple of the payload (target: <= 3x)",
        ["store", "peak growth", "target met"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peak-rss-child", nargs=3, metavar=("ENDPOINT", "STORE", "ROOT"))
    parser.add_argument("--only-codecs", action="store_true", help="Only the codec tables.")
    args = parser.parse_args()
    if args.peak_rss_child:
        peak_rss_child(*args.peak_rss_child)
        return
    print(
        f"swflow payload benchmark: medians of {args.runs} runs, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    if args.only_codecs:
        with tempfile.TemporaryDirectory() as folder:
            bench_codecs(args.runs, Path(folder), values())
        return
    with moto_server() as endpoint, tempfile.TemporaryDirectory() as folder:
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        root = Path(folder)
        payloads = values()
        bench_serializers(args.runs, payloads)
        bench_stores(args.runs, endpoint, root, payloads["msgpack"]["50 MB blob"])
        bench_codec(args.runs, endpoint, root, payloads)
        bench_codecs(args.runs, root, payloads)
        bench_memory(endpoint, root)


if __name__ == "__main__":
    main()
