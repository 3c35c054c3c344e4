"""Full-size check of issue #9's slow-loris case, with the default limits (network.timeout 60 s,
network.deadline 120 s): one feed server dripping a byte every 2 s among healthy feeds served
on 127.0.0.1. The run must end within 2.5 minutes with exit 1, the healthy sources collected
and the site built. It runs as a child process, whose peak memory is measured with `resource`.

    python bench/slow_loris.py [--healthy 5] [--interval 2]

tests/hardening/test_network.py checks the same at small scale (short deadlines) on every run.
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LIMIT_SECONDS = 150.0
FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Blog {n}</title><link>https://blog{n}.example/</link>
<item><title>Recap {n} #sl27</title><link>https://blog{n}.example/recap</link><guid>https://blog{n}.example/recap</guid>
<pubDate>Tue, 02 Mar 2027 15:00:00 GMT</pubDate><description>Day one, blog {n}.</description></item>
</channel></rss>
"""


class HealthyFeeds(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 — the standard library's name
        body = FEED.format(n=self.path.strip("/")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve_dripping(listener: socket.socket, interval: float) -> None:
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=drip, args=(connection, interval), daemon=True).start()


def drip(connection: socket.socket, interval: float) -> None:
    try:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 1000000\r\n\r\n")
        while True:
            connection.sendall(b" ")
            time.sleep(interval)
    except OSError:
        connection.close()


def write_config(folder: Path, healthy_url: str, dripping_url: str, healthy: int) -> Path:
    sources = "".join(f'  - {{type: feed, name: healthy-{n}, url: "{healthy_url}{n}"}}\n' for n in range(healthy))
    config = folder / "sources.yaml"
    config.write_text(
        'conference: {name: SlowCon, hashtags: ["#sl27"], start: "2027-03-02", end: "2027-03-03"}\n'
        f'sources:\n{sources}  - {{type: feed, name: dripping, url: "{dripping_url}"}}\n',
        encoding="utf-8",
    )
    return config


@dataclass(frozen=True)
class Outcome:
    seconds: float
    exit_code: int
    peak_mb: float
    site_built: bool
    failed_lines: tuple[str, ...]


def run_child(healthy_feeds: int, interval: float) -> Outcome:
    """One `aggregator run` in a child process against the loopback servers."""
    healthy = ThreadingHTTPServer(("127.0.0.1", 0), HealthyFeeds)
    threading.Thread(target=healthy.serve_forever, daemon=True).start()
    dripping = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=serve_dripping, args=(dripping, interval), daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="slow-loris-") as workdir:
        folder = Path(workdir)
        healthy_url = f"http://127.0.0.1:{healthy.server_address[1]}/"
        config = write_config(folder, healthy_url, f"http://127.0.0.1:{dripping.getsockname()[1]}/", healthy_feeds)
        started = time.monotonic()
        child = subprocess.run(
            [sys.executable, "-m", "aggregator", "--quiet", "--config", str(config), "run"],
            capture_output=True, text=True, timeout=LIMIT_SECONDS * 2,
        )  # fmt: skip
        return Outcome(
            seconds=time.monotonic() - started,
            exit_code=child.returncode,
            peak_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            site_built=(folder / "output" / "index.html").is_file(),
            failed_lines=tuple(line for line in child.stderr.splitlines() if "FAILED" in line),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--healthy", type=int, default=5, help="healthy feeds beside the dripping one")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between the dripping server's bytes")
    arguments = parser.parse_args()
    outcome = run_child(arguments.healthy, arguments.interval)
    failed = outcome.failed_lines
    checks = {
        f"ended within {LIMIT_SECONDS:g} s": outcome.seconds < LIMIT_SECONDS,
        "exit code 1": outcome.exit_code == 1,
        "only the dripping source failed": len(failed) == 1 and "dripping" in failed[0],
        "site built": outcome.site_built,
    }
    print("measure                  | value")
    print("-------------------------+---------------------")
    print(f"wall time                | {outcome.seconds:.1f} s")
    print(f"exit code                | {outcome.exit_code}")
    print(f"peak memory of the child | {outcome.peak_mb:.0f} MB")
    print(f"healthy feeds            | {arguments.healthy}")
    print(f"failure message          | {failed[0] if failed else '(none)'}")
    for name, passed in checks.items():
        print(f"{'ok  ' if passed else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
