"""Choosing the engine: `store:` in sources.yaml, $AGGREGATOR_STORE, and the CLI on either engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import EXIT_OK, cli
from aggregator.config.model import load_config
from aggregator.errors import ConfigError
from aggregator.store import STORE_VARIABLE, lock_scopes, open_store, store_url
from aggregator.store.opening import redact
from aggregator.store.sqlite import Store
from tests.paths import EXAMPLE


def write(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        'conference: {name: "T", hashtags: ["#t"]}\n'
        "sources:\n  - {type: feed, name: a, url: https://a.example/feed}\n"
        "  - {type: feed, name: b, url: https://b.example/feed, enabled: false}\n" + extra
    )
    return path


def test_sqlite_in_the_data_folder_is_the_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path))
    assert store_url(config, environ={}) == "sqlite"
    with open_store(config, environ={}) as store:
        assert isinstance(store, Store) and store.location == str(config.data_dir / "aggregator.sqlite3")


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "store: postgresql://db.example/one\n"))
    assert store_url(config, environ={}) == "postgresql://db.example/one"
    assert store_url(config, environ={STORE_VARIABLE: "postgresql://db.example/two"}) == "postgresql://db.example/two"


def test_an_unknown_engine_is_a_config_error_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sources.yaml:5: store: .*expected 'sqlite' or a URL"):
        load_config(write(tmp_path, "store: mysql://db.example/x\n"))
    config = load_config(write(tmp_path))
    with pytest.raises(ConfigError, match=r"got 'mysql://me:\*\*\*@db' \(from \$AGGREGATOR_STORE"):
        open_store(config, environ={STORE_VARIABLE: "mysql://me:secret@db"})


def test_passwords_never_appear_in_messages() -> None:
    assert redact("postgresql://me:secret@db.example:5432/c4l27") == "postgresql://me:***@db.example:5432/c4l27"
    assert redact("postgresql://db.example/c4l27") == "postgresql://db.example/c4l27"


def test_a_run_holds_its_enabled_sources_and_the_build(tmp_path: Path) -> None:
    config = load_config(write(tmp_path))
    assert lock_scopes(config, "run") == ("a", "build")
    assert lock_scopes(config, "collect", ("b",)) == ("b",)
    assert lock_scopes(config, "build") == ("build",)


def build_example(folder: Path, monkeypatch, store: str) -> dict:
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", ".aggregator"))
    monkeypatch.setenv(STORE_VARIABLE, store)
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(folder / "sources.yaml"), "run"])
    assert result.exit_code == EXIT_OK, result.output
    exported = json.loads((folder / "output" / "sessions.json").read_text())
    exported.pop("generated_at", None)
    return exported


def test_the_example_conference_builds_the_same_site_on_either_engine(
    tmp_path: Path, postgres_url: str, monkeypatch
) -> None:
    on_sqlite = build_example(tmp_path / "sqlite", monkeypatch, "sqlite")
    on_postgres = build_example(tmp_path / "postgresql", monkeypatch, postgres_url)
    assert on_sqlite == on_postgres
    assert sum(len(s["posts"]) for s in on_sqlite["sessions"]) > 50
    assert (tmp_path / "sqlite" / ".aggregator" / "sources" / "aggregator.sqlite3").exists()
    assert not (tmp_path / "postgresql" / ".aggregator" / "sources" / "aggregator.sqlite3").exists()
