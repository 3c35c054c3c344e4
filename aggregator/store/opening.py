"""Which engine a configuration asks for, and opening it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from aggregator.errors import ConfigError
from aggregator.store.protocol import PostStore

if TYPE_CHECKING:
    from aggregator.config.model import Config

STORE_VARIABLE = "AGGREGATOR_STORE"  # overrides `store:` in sources.yaml
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def store_url(config: Config, environ: Mapping[str, str] = os.environ) -> str:
    """The store to use: $AGGREGATOR_STORE, else `store:` in sources.yaml, else "sqlite" (the data folder)."""
    return environ.get(STORE_VARIABLE, "").strip() or getattr(config, "store", "") or "sqlite"


def open_store(config: Config, environ: Mapping[str, str] = os.environ) -> PostStore:
    return open_url(store_url(config, environ), config.data_dir)


def open_url(url: str, data_dir: Path) -> PostStore:
    if url == "sqlite":
        from aggregator.store.sqlite import Store

        return Store(data_dir)
    if url.startswith(POSTGRES_SCHEMES):
        from aggregator.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ConfigError(
        f"store: expected 'sqlite' or a postgresql://user@host/database URL, got {redact(url)!r}"
        f" (from ${STORE_VARIABLE} or `store:` in sources.yaml)"
    )


def redact(url: str) -> str:
    """A URL fit for a message: its password replaced by ***."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return url
    userinfo, host = rest.split("@", 1)
    user, has_password, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if has_password else ''}@{host}"
