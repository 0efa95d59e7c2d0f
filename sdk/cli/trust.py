"""``--root``, ``--bucket``, ``--store``: the stores a command may read payloads from.

A payload reference names where its bytes are, but a process reads only from stores
it trusts (docs/payloads.md); at the command line, trust is given with these options.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from swflow.codecs import Codec
from swflow.payloads import PayloadCodec
from swflow.stores import DataStore, LocalDataStore, S3DataStore

from .common import import_target

__all__ = ["named_object", "trust_options", "trusted_codecs", "trusted_stores"]

F = TypeVar("F", bound=Callable[..., Any])


def named_object(spec: str) -> Any:
    """The object ``MODULE:NAME`` names (None when it names nothing)."""
    module, _, name = spec.partition(":")
    return getattr(import_target(module), name, None) if name else None


def trusted_stores(
    roots: tuple[str, ...], buckets: tuple[str, ...], specs: tuple[str, ...]
) -> tuple[DataStore, ...]:
    stores: list[DataStore] = [LocalDataStore(root) for root in roots]
    for text in buckets:
        bucket, _, prefix = text.removeprefix("s3://").partition("/")
        try:
            stores.append(S3DataStore(bucket, prefix))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--bucket") from None
    for spec in specs:
        store = named_object(spec)
        if not isinstance(store, DataStore):
            raise click.BadParameter(
                f"{spec} is not MODULE:NAME of a DataStore object", param_hint="--store"
            )
        stores.append(store)
    return tuple(stores)


def trusted_codecs(specs: tuple[str, ...]) -> tuple[Codec, ...]:
    """The codecs ``MODULE:NAME`` objects stand for: a Codec, a list of them, or the
    codecs of a `PayloadCodec` (the one the workers are given)."""
    codecs: list[Codec] = []
    for spec in specs:
        found = named_object(spec)
        if isinstance(found, PayloadCodec):
            found = found.codecs
        items = list(found) if isinstance(found, list | tuple) else [found]
        chosen = [item for item in items if isinstance(item, Codec)]
        if not items or len(chosen) != len(items):
            raise click.BadParameter(
                f"{spec} is not MODULE:NAME of a Codec, a list of them or a PayloadCodec",
                param_hint="--codec",
            )
        codecs += chosen
    return tuple(codecs)


def trust_options(func: F) -> F:
    """Adds the options, passed on as ``codec``: a `PayloadCodec` trusting those stores."""

    @click.option(
        "--root", "roots", multiple=True, metavar="PATH", help="Trust a LocalDataStore root."
    )
    @click.option(
        "--bucket",
        "buckets",
        multiple=True,
        metavar="NAME[/PREFIX]",
        help="Trust an S3 bucket (or a prefix of it), read with the default AWS chain.",
    )
    @click.option(
        "--store",
        "specs",
        multiple=True,
        metavar="MODULE:NAME",
        help="Trust a configured DataStore object, e.g. the one your decorators use.",
    )
    @click.option(
        "--codec",
        "codec_specs",
        multiple=True,
        metavar="MODULE:NAME",
        help="Read with these codecs (and their keys): a Codec, a list, or a PayloadCodec.",
    )
    @functools.wraps(func)
    def wrapper(
        *args: Any,
        roots: tuple[str, ...],
        buckets: tuple[str, ...],
        specs: tuple[str, ...],
        codec_specs: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        stores = trusted_stores(roots, buckets, specs)
        codec = PayloadCodec(cache_bytes=0, stores=stores)  # show what is stored now
        codec.register_codecs(trusted_codecs(codec_specs))  # to read with, not to write
        kwargs["codec"] = codec
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
