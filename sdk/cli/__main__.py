"""``python -m swflow.cli``: the ``swflow`` command."""

if __name__ == "__main__":
    from swflow.cli import main

    raise SystemExit(main())
