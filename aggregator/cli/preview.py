"""`aggregator serve`: preview the built site on localhost with the standard library's server."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 — the stdlib's name
        pass  # a preview needs no access log on the terminal


def make_server(folder: Path, bind: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    handler = functools.partial(QuietHandler, directory=str(folder))
    return ThreadingHTTPServer((bind, port), handler)


def serve_folder(folder: Path, bind: str, port: int, announce: Callable[[str], None] = print) -> None:
    with make_server(folder, bind, port) as server:
        host, actual_port = str(server.server_address[0]), server.server_address[1]
        announce(f"serving {folder} on http://{host}:{actual_port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            announce("stopped")
