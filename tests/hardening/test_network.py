"""Hostile servers cannot hang a run, exhaust memory or hide which source failed (issue #9).

Each case runs the real CLI against loopback servers with short deadlines (so the suite stays
fast) and checks: a bounded time, a one-line message naming the source, exit 1, the healthy
source collected and the site built. The memory case measures a child process.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.store import Store
from tests.hardening.conftest import Behaviour, HostileServer, drip, gzip_bomb, rate_limited, redirect_loop

HEALTHY_FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Healthy blog</title><link>https://blog.example/</link>
<item><title>Day one recap #hc27</title><link>https://blog.example/one</link><guid>https://blog.example/one</guid>
<pubDate>Tue, 02 Mar 2027 15:00:00 GMT</pubDate><description>It was good.</description></item>
</channel></rss>
"""


def write_config(folder: Path, url: str, network: str = "timeout: 1.5, deadline: 3") -> Path:
    (folder / "healthy.xml").write_text(HEALTHY_FEED, encoding="utf-8")
    config = folder / "sources.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            conference: {{name: HardCon, hashtags: ["#hc27"], start: "2027-03-02", end: "2027-03-03"}}
            network: {{{network}}}
            sources:
              - {{type: feed, name: healthy, path: healthy.xml}}
              - {{type: feed, name: hostile, url: "{url}"}}
            """
        ),
        encoding="utf-8",
    )
    return config


def run_cli(config: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(config), "run"])
    return result.exit_code, result.output, time.monotonic() - started


def failed_after(output: str, source: str = "hostile") -> float:
    """How long the failed source took, as its one-line message says."""
    found = re.search(rf"{source}: FAILED after ([0-9.]+) s", output)
    assert found, output
    return float(found.group(1))


def assert_isolated_failure(folder: Path, code: int, output: str) -> str:
    assert code == 1, output
    assert (folder / "output" / "index.html").is_file()
    with Store(folder / ".aggregator" / "sources") as store:
        assert store.post_ids("healthy")
        error = store.state("hostile").last_error
    assert "hostile: FAILED" in output and "Traceback" not in output
    return error


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [
        (drip(0.3), "no complete answer within 1.5 s"),
        (redirect_loop, "redirect"),
        (gzip_bomb(64), "cap"),
    ],
    ids=["slow-loris", "redirect-loop", "gzip-bomb"],
)
def test_a_hostile_feed_fails_alone_quickly_in_one_line(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer], behaviour: Behaviour, expected: str
) -> None:
    server = hostile(behaviour)
    config = write_config(tmp_path, server.url, "timeout: 1.5, deadline: 3, max_feed_mb: 1")
    code, output, seconds = run_cli(config)
    error = assert_isolated_failure(tmp_path, code, output)
    assert expected in error and server.url.rstrip("/") in error
    assert failed_after(output) < 3 + 0.5  # the source's deadline
    assert seconds < 3 + 10  # plus the healthy source and the build, on a busy machine


def test_the_source_deadline_covers_retries(tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]) -> None:
    server = hostile(drip(0.2))
    config = write_config(tmp_path, server.url, "timeout: 1, deadline: 2.5")
    code, output, seconds = run_cli(config)
    assert_isolated_failure(tmp_path, code, output)
    assert server.requests >= 2  # it retried, and still ended within the source's deadline
    assert failed_after(output) < 2.5 + 0.5
    assert seconds < 2.5 + 10


def test_a_per_source_timeout_overrides_the_global_one(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]
) -> None:
    server = hostile(drip(0.2))
    config = write_config(tmp_path, server.url, "timeout: 30, deadline: 60")
    config.write_text(config.read_text().replace(f'url: "{server.url}"', f'url: "{server.url}", deadline: 2'))
    code, output, seconds = run_cli(config)
    assert_isolated_failure(tmp_path, code, output)
    assert failed_after(output) < 2 + 0.5
    assert seconds < 2 + 10


def test_a_long_429_is_remembered_and_the_source_skipped_until_its_reset(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]
) -> None:
    server = hostile(rate_limited(3600))
    config = write_config(tmp_path, server.url)
    code, output, _ = run_cli(config)
    assert_isolated_failure(tmp_path, code, output)
    with Store(tmp_path / ".aggregator" / "sources") as store:
        until = store.state("hostile").rate_limited_until
    assert until is not None and until - datetime.now(UTC) > timedelta(minutes=59)
    asked = server.requests
    code, output, _ = run_cli(config)
    assert code == 0, output
    assert server.requests == asked  # not asked again before the reset


GZIP_BOMB_CHILD = """
import resource, sys, textwrap
from pathlib import Path
from click.testing import CliRunner
from aggregator.cli.app import cli
result = CliRunner().invoke(cli, ["--quiet", "--config", sys.argv[1], "run"])
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(result.exit_code, round(peak_mb))
"""


def test_a_gzip_bomb_costs_bounded_memory_measured_on_a_child(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]
) -> None:
    server = hostile(gzip_bomb(1024))  # 1 GiB once decompressed, about 1 MB on the wire
    config = write_config(tmp_path, server.url)
    child = subprocess.run(
        [sys.executable, "-c", GZIP_BOMB_CHILD, str(config)], capture_output=True, text=True, timeout=120
    )
    code, peak_mb = map(int, child.stdout.split()[-2:])
    assert code == 1, child.stdout + child.stderr
    assert peak_mb < 500, f"peak memory {peak_mb} MB"


OUT_OF_MEMORY_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (800 * 1024 * 1024,) * 2)  # address space: the bomb cannot fit
from click.testing import CliRunner
from aggregator.cli.app import cli
result = CliRunner().invoke(cli, ["--quiet", "--config", sys.argv[1], "run"])
print(result.output)
print(result.exit_code)
"""


def test_an_answer_that_does_not_fit_in_memory_fails_its_source_in_one_line(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]
) -> None:
    server = hostile(gzip_bomb(1024))
    config = write_config(tmp_path, server.url, "timeout: 60, deadline: 60, max_feed_mb: 4000")  # a cap set too high
    child = subprocess.run(
        [sys.executable, "-c", OUT_OF_MEMORY_CHILD, str(config)], capture_output=True, text=True, timeout=120
    )
    *output, code = child.stdout.strip().splitlines()
    error = assert_isolated_failure(tmp_path, int(code), "\n".join(output))
    assert "did not fit in memory" in error and server.url.rstrip("/") in error


def test_a_programme_behind_a_redirect_loop_is_exit_2_in_one_line_naming_it(
    tmp_path: Path, hostile: Callable[[Behaviour], HostileServer]
) -> None:
    server = hostile(redirect_loop)
    config = write_config(tmp_path, "https://unused.invalid/feed.xml")
    config.write_text(config.read_text() + f'programme: "{server.url}schedule.xml"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(config), "run"])
    assert result.exit_code == 2, result.output
    assert "redirects" in result.stderr and server.url.rstrip("/") in result.stderr
    assert "Traceback" not in result.output
