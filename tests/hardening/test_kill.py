"""kill -9 at any moment of a run loses nothing (issue #9): the store stays intact with no
duplicate, the site is the old one or a whole new one (never a mix), and the next run succeeds
and removes what the killed one left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.site.publish import SITE_MARKER
from tests.paths import EXAMPLE

KILL_AFTER_SECONDS = (1.0, 2.5, 4.0)  # spread over start-up, collecting, rendering and publishing


def copy_example(tmp_path: Path) -> Path:
    folder = tmp_path / "conf"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", ".aggregator"))
    return folder / "sources.yaml"


def stored_posts(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "aggregator.sqlite3") as database:
        assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(database.execute("SELECT COUNT(*) FROM posts").fetchone()[0])


def assert_one_whole_site(output: Path) -> None:
    assert (output / SITE_MARKER).is_file() and (output / "index.html").is_file()
    exported = json.loads((output / "sessions.json").read_text(encoding="utf-8"))
    assert len(list((output / "sessions").glob("*.html"))) == len(exported["sessions"])


def kill_a_run(config: Path, after: float) -> None:
    child = subprocess.Popen([sys.executable, "-m", "aggregator", "--quiet", "--config", str(config), "run"])
    time.sleep(after)
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=60)


def test_kill_9_at_any_moment_loses_nothing_and_the_next_run_succeeds(tmp_path: Path) -> None:
    config = copy_example(tmp_path)
    folder = config.parent
    assert CliRunner().invoke(cli, ["--quiet", "--config", str(config), "run"]).exit_code == 0
    posts = stored_posts(folder / ".aggregator" / "sources")
    for after in KILL_AFTER_SECONDS:
        kill_a_run(config, after)
        assert stored_posts(folder / ".aggregator" / "sources") == posts  # intact, and not one duplicate
        assert_one_whole_site(folder / "output")
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(config), "run"])
    assert result.exit_code == 0, result.output
    assert_one_whole_site(folder / "output")
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".output")) == []  # no staging left
