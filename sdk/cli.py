"""The ``swflow`` command. For now: ``swflow devserver``; the rest comes with the workers."""

from __future__ import annotations

import sys

__all__ = ["main"]

_USAGE = "usage: swflow devserver [--host H] [--port N] [--db FILE|:memory:] [--time-skipping]\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return 0 if args else 2
    if args[0] == "devserver":
        from .devserver.__main__ import main as devserver

        return devserver(args[1:])
    sys.stderr.write(f"swflow: unknown command {args[0]!r}\n{_USAGE}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
