"""Hostile loopback servers for the hardening suite: each answers every request with one behaviour."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator

import pytest

Behaviour = Callable[[socket.socket], None]


class HostileServer:
    """A raw TCP server on 127.0.0.1 that runs ``behaviour`` on every connection, in its own thread."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.stopped = threading.Event()
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.requests += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                self.behaviour(connection)
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.listener.close()


def drip(interval: float = 0.5) -> Behaviour:
    """Slow-loris: a valid header, then one byte of body every ``interval`` seconds, for ever."""

    def behaviour(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
        while True:
            connection.sendall(b" ")
            time.sleep(interval)

    return behaviour


def gzip_bomb(decompressed_mb: int) -> Behaviour:
    body = _gzipped_zeros(decompressed_mb)

    def behaviour(connection: socket.socket) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"
        connection.sendall(head.encode() + body)

    return behaviour


def _gzipped_zeros(megabytes: int) -> bytes:
    """gzip of ``megabytes`` MiB of zeros, made a MiB at a time (this process never holds them all)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()


def redirect_loop(connection: socket.socket) -> None:
    # Connection: close, as the socket is closed after each answer: a client that reused it would
    # race the close and see a reset instead of the next redirect
    connection.sendall(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def rate_limited(seconds: int) -> Behaviour:
    def behaviour(connection: socket.socket) -> None:
        head = f"HTTP/1.1 429 Too Many\r\nRetry-After: {seconds}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        connection.sendall(head.encode())

    return behaviour


@pytest.fixture
def hostile() -> Iterator[Callable[[Behaviour], HostileServer]]:
    servers: list[HostileServer] = []

    def start(behaviour: Behaviour) -> HostileServer:
        servers.append(HostileServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
