"""``python -m swflow.devserver``: the same as ``swflow devserver``."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from swflow.cli import main

    raise SystemExit(main(["devserver", *sys.argv[1:]]))
