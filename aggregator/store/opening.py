"""Which engine a configuration asks for, and opening it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from aggregator.errors import ConfigError
from aggregator.store.protocol import PostStore

if TYPE_CHECKING:
    from aggregator.config.model import Config

STORE_VARIABLE = "AGGREGATOR_STORE"  # overrides `store:` in sources.yaml
BUILD_SCOPE = "build"  # the lock scope of building the site: one builder at a time
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def store_url(config: Config, environ: Mapping[str, str] = os.environ) -> str:
    """The store to use: $AGGREGATOR_STORE, else `store:` in sources.yaml, else "sqlite" (the data folder)."""
    return environ.get(STORE_VARIABLE, "").strip() or config.store or "sqlite"


def store_is_shared(config: Config, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether processes on other machines may use the configured store (a database server)."""
    return store_url(config, environ).startswith(POSTGRES_SCHEMES)


def open_store(config: Config, environ: Mapping[str, str] = os.environ) -> PostStore:
    return open_url(store_url(config, environ), config.data_dir)


def lock_scopes(config: Config, kind: str, only: Iterable[str] = ()) -> tuple[str, ...]:
    """What a run of ``kind`` ("collect", "build" or "run") holds: the sources it collects (the
    named ones, else every enabled one) and the build. Collectors of different sources do not
    exclude each other on a server database; SQLite has one writer per file whatever the scopes."""
    sources = tuple(only) or tuple(s.label() for s in config.sources if s.enabled)
    collected = sources if kind in ("collect", "run") else ()
    return (*collected, *((BUILD_SCOPE,) if kind in ("build", "run") else ()))


def open_url(url: str, data_dir: Path) -> PostStore:
    if url == "sqlite":
        from aggregator.store.sqlite import Store

        return Store(data_dir)
    if url.startswith(POSTGRES_SCHEMES):
        from aggregator.store.postgres import PostgresStore

        return PostgresStore(url, legacy_folder=data_dir)
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
