"""mkdocs hook: let mkdocstrings read swflow from this clone, as `swflow` sees itself.

The package swflow is sdk/ with serializers/ and stores/ beside it; only an installed
copy (what .ci/run passes as SWFLOW_DOCS_SOURCE) has that shape on disk. Without one,
this builds it from symlinks in a temporary folder, so `mkdocs serve` works as written.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

LEAVES = ("serializers", "stores")


@event_priority(100)  # before mkdocstrings reads its handlers' paths
def on_config(config: Any) -> Any:
    if os.environ.get("SWFLOW_DOCS_SOURCE"):
        return config
    repo = Path(config.config_file_path).resolve().parent
    root = Path(tempfile.mkdtemp(prefix="swflow-docs-"))
    atexit.register(shutil.rmtree, root, True)
    package = root / "swflow"
    package.mkdir()
    for entry in (repo / "sdk").iterdir():
        (package / entry.name).symlink_to(entry)
    for leaf in LEAVES:
        (package / leaf).symlink_to(repo / leaf)
    config.plugins["mkdocstrings"].config["handlers"]["python"]["paths"] = [str(root)]
    return config
