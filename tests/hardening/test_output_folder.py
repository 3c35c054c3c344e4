"""Publishing never destroys what it did not make (issue #9: output folder cases, staging leftovers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.site import publish
from aggregator.site.publish import SITE_MARKER, publish_atomically, recover_interrupted_swap
from tests.hardening.test_network import HEALTHY_FEED

CONFIG = """conference: {{name: HardCon, hashtags: ["#hc27"], start: "2027-03-02", end: "2027-03-03"}}
output: {output}
sources:
  - {{type: feed, name: healthy, path: saved/healthy.xml}}
"""


def run_with_output(folder: Path, output: str) -> tuple[int, str]:
    (folder / "saved").mkdir(exist_ok=True)
    (folder / "saved" / "healthy.xml").write_text(HEALTHY_FEED, encoding="utf-8")
    config = folder / "sources.yaml"
    config.write_text(CONFIG.format(output=output), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(config), "run"])
    return result.exit_code, result.output


@pytest.mark.parametrize("output", ['"."', '".."', '".aggregator"', '".aggregator/sources/site"', "saved", "saved/healthy.xml"])
def test_an_output_holding_or_inside_what_the_tool_reads_is_refused_with_exit_2(tmp_path: Path, output: str) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    code, message = run_with_output(folder, output)
    assert code == 2, message
    assert "sources.yaml:2: output:" in message
    assert (folder / "sources.yaml").is_file() and (folder / "saved" / "healthy.xml").is_file()


def test_an_output_naming_a_file_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, message = run_with_output(tmp_path, "notes.txt")
    assert code == 2 and "is a file" in message, message
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert not list(tmp_path.glob(".notes.txt*"))


def test_a_folder_the_tool_did_not_make_is_refused(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "thesis.tex").write_text("years of work", encoding="utf-8")
    code, message = run_with_output(tmp_path, "www")
    assert code == 2 and "did not make" in message, message
    assert (tmp_path / "www" / "thesis.tex").is_file()


def test_new_empty_own_and_earlier_version_sites_are_replaced(tmp_path: Path) -> None:
    code, message = run_with_output(tmp_path, "site")
    assert code == 0, message
    assert (tmp_path / "site" / SITE_MARKER).is_file()
    assert run_with_output(tmp_path, "site")[0] == 0  # its own site, again
    (tmp_path / "empty").mkdir()
    assert run_with_output(tmp_path, "empty")[0] == 0
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for name in ("index.html", "sessions.json", "feed.atom"):  # what earlier versions wrote, without a marker
        (legacy / name).write_text("old", encoding="utf-8")
    assert run_with_output(tmp_path, "legacy")[0] == 0
    assert (legacy / SITE_MARKER).is_file()


def test_staging_folders_of_dead_builders_are_removed_at_the_next_build(tmp_path: Path) -> None:
    output = tmp_path / "output"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    killed = tmp_path / f".output.build-{dead_pid}-abc123"
    alive = tmp_path / f".output.build-{os.getppid()}-def456"  # a live process: maybe still building
    for folder in (killed, alive):
        folder.mkdir()
        (folder / "page.html").write_text("x" * 1000, encoding="utf-8")
    recover_interrupted_swap(output)
    assert not killed.exists() and alive.exists()


def test_a_publish_names_its_staging_folder_after_its_process(tmp_path: Path) -> None:
    seen: list[str] = []
    publish_atomically(tmp_path / "output", lambda staging: seen.append(staging.name))
    assert seen[0].startswith(f".output.build-{os.getpid()}-")
    assert publish._STALE_BUILD_SECONDS > 0
