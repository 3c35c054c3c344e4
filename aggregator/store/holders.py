"""Who runs a run: the process recorded in the runs table, and whether it may still be running."""

from __future__ import annotations

import os
import socket


def holder() -> str:
    """Who runs this process, as the runs table records it: 'host pid N'."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def holder_alive(who: str) -> bool:
    """Whether the process recorded as ``who`` may still run (one on another machine is assumed to)."""
    host, _, pid = who.rpartition(" pid ")
    if host != socket.gethostname() or not pid.isdigit():
        return bool(who) and host != socket.gethostname()
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def application_name(who: str) -> str:
    """How the process ``who`` ('host pid N') names its PostgreSQL connections. pg_stat_activity
    keeps 63 bytes: the pid comes first, so a long host name is what gets cut, never the pid."""
    host, _, pid = who.rpartition(" pid ")
    return f"aggregator pid {pid} on {host}"[:63]
