"""``swflow payload show`` undoes codec chains with the keys the workers are given."""

from __future__ import annotations

import json

from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from tests.cli import sealed
from tests.cli.conftest import Swflow

ROWS = {"rows": [{"customer": n, "card": "4111-1111"} for n in range(100)]}


def _sealed() -> str:
    return sealed.CODEC.encode(ROWS, JsonSerializer(), InlineDataStore(), field="result")


def test_payload_show_decodes_through_the_workers_codecs(swflow: Swflow) -> None:
    text = _sealed()
    shown = swflow.ok("payload", "show", "--codec", "tests.cli.sealed:CODEC", "-", stdin=text)
    assert json.loads(shown.stdout) == ROWS
    assert "json+zstd+aesgcm:ops-2026:" in shown.stderr and "/base64 " in shown.stderr
    assert "written for result" in shown.stderr
    one_line = text.replace("\n", " ", 1)  # the "ref" form of `swflow history --json`
    again = swflow.ok("payload", "show", "--codec", "tests.cli.sealed:CODEC", one_line)
    assert json.loads(again.stdout) == ROWS


def test_payload_show_without_the_key_says_which_key(swflow: Swflow) -> None:
    refused = swflow("payload", "show", "-", stdin=_sealed())
    assert refused.exit_code != 0
    assert "MissingKeyError" in refused.stderr and "'ops-2026'" in refused.stderr
    compressed_only = swflow(
        "payload", "show", "--codec", "tests.cli.sealed:ZSTD", "-", stdin=_sealed()
    )
    assert "MissingKeyError" in compressed_only.stderr  # zstd alone does not decrypt


def test_payload_show_refuses_what_is_not_a_codec(swflow: Swflow) -> None:
    wrong = swflow("payload", "show", "--codec", "tests.cli.sealed:KEY", "-", stdin=_sealed())
    assert wrong.exit_code == 2 and "--codec" in wrong.stderr
