"""Every exit code means exactly what the README says, proved on real configs through click's
runner (and a real process for the signal): one case per code, each with its one-line message (issue #9)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.cli.exits import MEANINGS, ExitCode
from aggregator.store.lock import run_lock
from aggregator.store.sqlite import Store
from tests.hardening.conftest import Behaviour, HostileServer, drip, hostile  # noqa: F401 (a fixture)
from tests.hardening.test_network import HEALTHY_FEED
from tests.paths import REPO

CONFERENCE = 'conference: {name: ExitCon, hashtags: ["#ec27"], start: "2027-03-02", end: "2027-03-03"}\n'


def write(folder: Path, sources: str = "  - {type: feed, name: healthy, path: healthy.xml}\n", extra: str = "") -> Path:
    (folder / "healthy.xml").write_text(HEALTHY_FEED, encoding="utf-8")
    config = folder / "sources.yaml"
    config.write_text(CONFERENCE + extra + "sources:\n" + sources, encoding="utf-8")
    return config


@dataclass(frozen=True)
class Done:
    returncode: int
    stderr: str


def aggregator(config: Path, *args: str, flag: str = "--quiet") -> Done:
    result = CliRunner().invoke(cli, [flag, "--config", str(config), *args])
    return Done(result.exit_code, result.stderr)


def one_line_error(done: Done) -> str:
    """The command's own message: exactly one line, no traceback."""
    assert "Traceback" not in done.stderr, done.stderr
    own = [line for line in done.stderr.splitlines() if line.startswith("aggregator: ")]
    assert len(own) == 1, done.stderr
    return own[0]


def test_0_success(tmp_path: Path) -> None:
    done = aggregator(write(tmp_path), "run")
    assert (done.returncode, done.stderr) == (ExitCode.OK, "")
    assert (tmp_path / "output" / "index.html").is_file()


def test_1_a_source_failed_and_the_site_was_still_built(tmp_path: Path) -> None:
    config = write(tmp_path, "  - {type: feed, name: healthy, path: healthy.xml}\n  - {type: feed, name: gone, path: gone.xml}\n")
    done = aggregator(config, "run")
    assert done.returncode == ExitCode.SOURCES_FAILED, done.stderr
    assert "gone: FAILED" in done.stderr and "gone.xml" in done.stderr
    assert (tmp_path / "output" / "index.html").is_file()


def test_1_dump_of_a_missing_file_names_it_in_one_line(tmp_path: Path) -> None:
    config = write(tmp_path, "  - {type: feed, name: gone, path: gone.xml}\n")
    done = aggregator(config, "dump", "gone")
    assert done.returncode == ExitCode.SOURCES_FAILED
    assert str(tmp_path / "gone.xml") in one_line_error(done)


def test_2_configuration_error(tmp_path: Path) -> None:
    config = write(tmp_path, extra="outptu: site/\n")
    done = aggregator(config, "check")
    assert done.returncode == ExitCode.CONFIG
    assert "outptu" in done.stderr and "Traceback" not in done.stderr


def test_3_the_build_failed_and_the_previous_site_is_untouched(tmp_path: Path) -> None:
    config = write(tmp_path, extra="templates: mytemplates/\n")
    (tmp_path / "mytemplates").mkdir()
    assert aggregator(config, "run").returncode == ExitCode.OK
    before = (tmp_path / "output" / "index.html").read_bytes()
    (tmp_path / "mytemplates" / "index.html").write_text("{{ nope(", encoding="utf-8")
    done = aggregator(config, "build")
    assert done.returncode == ExitCode.BUILD
    assert "build failed, the previous site is untouched" in one_line_error(done)
    assert (tmp_path / "output" / "index.html").read_bytes() == before


def test_3_serve_without_a_built_site(tmp_path: Path) -> None:
    done = aggregator(write(tmp_path), "serve")
    assert done.returncode == ExitCode.BUILD
    assert "run `aggregator build` first" in one_line_error(done)


def test_4_another_run_holds_the_lock(tmp_path: Path) -> None:
    config = write(tmp_path)
    with run_lock(tmp_path / ".aggregator" / "sources"):
        done = aggregator(config, "run")
    assert done.returncode == ExitCode.LOCKED
    assert "in use by pid" in one_line_error(done)


def test_5_the_store_cannot_be_used(tmp_path: Path) -> None:
    config = write(tmp_path)
    (tmp_path / ".aggregator" / "sources").mkdir(parents=True)
    (tmp_path / ".aggregator" / "sources" / "aggregator.sqlite3").write_bytes(b"not a database, " * 64)
    done = aggregator(config, "collect")
    assert done.returncode == ExitCode.STORE
    assert "aggregator.sqlite3" in one_line_error(done)


@pytest.mark.parametrize(("flag", "traceback"), [("--quiet", False), ("--verbose", True)])
def test_6_an_unexpected_error_is_one_line_with_the_traceback_under_verbose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str, traceback: bool
) -> None:
    def buggy_explain(*args: object) -> str:
        raise TypeError("a bug deep inside")

    monkeypatch.setattr("aggregator.assignment.explain", buggy_explain)
    done = aggregator(write(tmp_path), "explain", "at://x", flag=flag)
    assert done.returncode == ExitCode.INTERNAL, done.stderr
    assert "aggregator: unexpected TypeError: a bug deep inside" in done.stderr
    assert ("Traceback" in done.stderr) is traceback


def test_130_interrupted_and_recorded_as_failed(tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]) -> None:
    server = hostile(drip(0.2))
    config = write(tmp_path, f'  - {{type: feed, name: healthy, path: healthy.xml}}\n  - {{type: feed, name: slow, url: "{server.url}"}}\n')
    child = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--quiet", "--config", str(config), "run"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while server.requests == 0 and time.monotonic() < deadline:  # interrupt it mid-download
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == ExitCode.INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1] == "aggregator: interrupted"
    with Store(tmp_path / ".aggregator" / "sources") as store:
        assert store.last_runs(1)[0]["status"] == "failed"


def test_the_readme_says_what_each_code_means() -> None:
    commands = (REPO / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    listed = dict(re.findall(r"^\| `(\d+)` \| (.+) \|$", commands, flags=re.MULTILINE))
    assert listed == {str(int(code)): meaning for code, meaning in MEANINGS.items()}


def test_the_help_lists_every_code() -> None:
    shown = " ".join(CliRunner().invoke(cli, ["--help"]).output.split())  # click wraps the epilog to the terminal's width
    assert all(f"{int(code)} {MEANINGS[code]}" in shown for code in ExitCode)
