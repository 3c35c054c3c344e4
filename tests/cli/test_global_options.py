"""Review: the CLI from cron — another working directory, AGGREGATOR_CONFIG, --quiet and exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import EXIT_BUILD, EXIT_CONFIG, EXIT_OK, EXIT_SOURCES_FAILED, cli
from tests.paths import EXAMPLE

EXAMPLE = EXAMPLE


@pytest.fixture
def conference(tmp_path: Path) -> Path:
    """The offline example, copied, with its relative paths and an overrides file beside it."""
    folder = tmp_path / "conf"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", ".aggregator"))
    config = folder / "sources.yaml"
    text = config.read_text(encoding="utf-8")
    text += "\ndata_dir: state/\ntemplates: mytemplates/\noverrides: curation/overrides.yaml\n"
    config.write_text(text, encoding="utf-8")
    (folder / "mytemplates").mkdir()
    (folder / "curation").mkdir()
    (folder / "curation" / "overrides.yaml").write_text("hide: []\n", encoding="utf-8")
    return config


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "aggregator", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_quiet_run_from_another_folder_prints_nothing_and_uses_the_config_folder(conference: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "cron-home"
    elsewhere.mkdir()

    done = run_cli(["run", "--quiet"], cwd=elsewhere, AGGREGATOR_CONFIG=os.path.relpath(conference, elsewhere))

    assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, "", "")
    folder = conference.parent
    assert (folder / "output" / "index.html").is_file()
    assert (folder / "state" / "aggregator.sqlite3").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == []


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    code, output = invoke("--config", str(tmp_path / "nope.yaml"), "run")
    assert code == EXIT_CONFIG, output


def test_missing_overrides_file_exits_2(conference: Path) -> None:
    (conference.parent / "curation" / "overrides.yaml").unlink()
    code, output = invoke("--config", str(conference), "check")
    assert code == EXIT_CONFIG, output


def test_broken_template_exits_3_and_keeps_the_site(conference: Path) -> None:
    assert invoke("--config", str(conference), "run")[0] == EXIT_OK
    before = (conference.parent / "output" / "index.html").read_bytes()
    (conference.parent / "mytemplates" / "index.html").write_text("{{ nope(", encoding="utf-8")

    code, output = invoke("--config", str(conference), "build")

    assert code == EXIT_BUILD, output
    assert (conference.parent / "output" / "index.html").read_bytes() == before


def test_failed_source_exits_1(conference: Path) -> None:
    shutil.rmtree(conference.parent / "blogs")
    code, output = invoke("--config", str(conference), "run")
    assert code == EXIT_SOURCES_FAILED, output
