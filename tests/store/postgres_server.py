"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary folder,
listen on a Unix socket in it only, stop and delete it afterwards.

initdb refuses to run as root: as root the cluster belongs to the ``postgres`` user (Debian's
package creates it) and is run with ``runuser``/``su``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PORT = 5432  # only names the socket file: nothing listens on TCP
SUPERUSER = "postgres"


class Unavailable(RuntimeError):
    """PostgreSQL cannot be run here (its reason says why)."""


@dataclass(frozen=True)
class Cluster:
    folder: Path

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, schema: str = "", database: str = "postgres") -> str:
        options = f"&options=-csearch_path%3D{schema}" if schema else ""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={PORT}{options}"

    def new_schema(self) -> str:
        """A fresh, empty schema: one per test, so tests never see each other's rows."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl, or Unavailable."""
    candidates = [Path(d) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise Unavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return ["su", SUPERUSER, "-s", "/bin/sh", "-c", " ".join(map(_quote, command))]


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"


def _check_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable('the psycopg driver is not installed: pip install -e ".[postgres]"') from None


def _prepare_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="backchannel-pg-"))
    if os.geteuid() == 0:
        try:
            shutil.chown(folder, SUPERUSER, SUPERUSER)
        except (LookupError, OSError) as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise Unavailable(f"running as root, but the {SUPERUSER} user is missing: {exc}") from None
    folder.chmod(0o700)
    return folder


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a private cluster (about two seconds), yield it, stop and delete it."""
    binaries = server_binaries()
    _check_driver()
    folder = _prepare_folder()
    data = folder / "data"
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-locale",
              "-E", "UTF8", "--no-sync"], "initdb")  # fmt: skip
        options = f"-c listen_addresses='' -k {folder} -p {PORT} -c fsync=off -c synchronous_commit=off" \
                  " -c full_page_writes=off -c max_connections=50"  # fmt: skip
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
              "-o", options, "start"], "pg_ctl start")  # fmt: skip
        try:
            yield Cluster(folder)
        finally:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
