"""`aggregator serve`: preview the built site on localhost with the standard library's server."""

from __future__ import annotations

import functools
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve_folder(folder: Path, bind: str, port: int, announce: Callable[[str], None] = print) -> None:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    with ThreadingHTTPServer((bind, port), handler) as server:
        host, actual_port = server.server_address[:2]
        announce(f"serving {folder} on http://{host}:{actual_port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            announce("stopped")
