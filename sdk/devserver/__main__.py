"""``python -m swflow.devserver``: run the devserver until interrupted."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .server import DevServer


def default_db() -> str:
    """A file under the user's data folder (XDG_DATA_HOME, else ~/.local/share)."""
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return os.path.join(data, "swflow", "devserver.sqlite3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="swflow devserver", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument(
        "--db", default=default_db(), help="SQLite file, or :memory: (default: %(default)s)"
    )
    parser.add_argument("--time-skipping", action="store_true")
    parser.add_argument("--poll-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    server = DevServer(
        host=args.host,
        port=args.port,
        db=args.db,
        time_skipping=args.time_skipping,
        poll_timeout=args.poll_timeout,
    ).start()
    sys.stdout.write(
        f"swflow devserver on {server.endpoint} (db: {args.db})\n"
        f"export AWS_ENDPOINT_URL_SWF={server.endpoint}\n"
    )
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
