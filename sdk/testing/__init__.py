"""Testing workflows and plug-ins without a server.

* `HistoryBuilder` writes realistic SWF histories and `run_workflow` drives a decider
  through them in memory (replay tests: history in, decisions out).
* `StoreConformance`, `OutOfBandStoreConformance`, `SerializerConformance`,
  `CodecConformance` and `EncryptingCodecConformance` are the suites every built-in
  store, serializer and codec passes; subclass one in your own tests to hold a
  third-party plug-in to the same contract (see their docstrings).

May import anything of swflow; pytest and hypothesis only inside the suites' tests.
"""

from .codec_conformance import CodecCase, CodecConformance, EncryptingCodecConformance
from .conformance import (
    OutOfBandStoreConformance,
    SerializerCase,
    SerializerConformance,
    StoreConformance,
)
from .histories import HistoryBuilder, run_workflow

__all__ = [
    "CodecCase",
    "CodecConformance",
    "EncryptingCodecConformance",
    "HistoryBuilder",
    "OutOfBandStoreConformance",
    "SerializerCase",
    "SerializerConformance",
    "StoreConformance",
    "run_workflow",
]
