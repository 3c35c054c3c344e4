"""Atomic publishing: build a whole site beside the output folder, then swap it in.

Readers (a web server, a sync job) see either the old site or the new one, never a
half-written mix. A build that raises leaves the previous site exactly as it was.

The swap is one ``renameat2(RENAME_EXCHANGE)`` on Linux. Where that is unavailable it is
two renames (old folder aside, new folder in); a crash between them leaves the old site
in ``.<name>.old``, which the next publish puts back before doing anything else.

Publishing replaces only a folder this tool made: one holding its marker file
(:data:`SITE_MARKER`), a site of an earlier version (``index.html``, ``sessions.json`` and
``feed.atom``), or an empty folder. Anything else (a file, someone's folder) is refused with a
:class:`~aggregator.errors.ConfigError`. Staging folders carry their builder's process id, so
the next build removes those whose builder is gone.

Files whose bytes did not change are carried over from the previous site as hard links
(:func:`carry_over_unchanged`): after the swap they keep their inode and mtime, so ``rsync``,
object-storage sync and static hosts see only the files that really changed.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from aggregator.errors import BuildError, ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STALE_BUILD_SECONDS = 6 * 3600  # a staging folder of an earlier version (no pid in its name) this old is dead
_SITE_MODE = 0o755  # mkdtemp makes 0o700; web servers must be able to read the site
SITE_MARKER = ".conference-backchannel"  # in every published site: this folder may be replaced
_MARKER_TEXT = "This folder is published by conference-backchannel and replaced on every build.\n"
_LEGACY_SITE_FILES = ("index.html", "sessions.json", "feed.atom")  # what sites of earlier versions always hold


def publish_atomically(output_dir: Path, build: Callable[[Path], T]) -> T:
    """Run ``build(staging_dir)`` and, if it returns, make ``staging_dir`` the new ``output_dir``.

    Any exception from ``build`` (or from the swap) removes the staging folder, leaves
    ``output_dir`` untouched and is raised as :class:`BuildError` with the cause chained.
    """
    # A symlinked output (``output -> /var/www/c4l27``) is published into its target: swapping
    # the link itself would replace it with a plain folder and leave the target stale.
    output_dir = Path(os.path.realpath(output_dir))
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        recover_interrupted_swap(output_dir)
        require_replaceable(output_dir)
        staging = Path(tempfile.mkdtemp(prefix=_own_staging_prefix(output_dir), dir=output_dir.parent))
    except OSError as exc:
        raise BuildError(f"cannot prepare a build folder beside {output_dir}: {exc}") from exc
    try:
        result = build(staging)
        (staging / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        rewritten = carry_over_unchanged(output_dir, staging)
        log.info("%d files new or changed in %s; the others are kept as they were", len(rewritten), output_dir)
        staging.chmod(_SITE_MODE)
        _swap_in(staging, output_dir)
    except Exception as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"building {output_dir} failed, previous site kept: {exc!r}") from exc
    except BaseException:  # KeyboardInterrupt and friends: clean up, then let them through
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def carry_over_unchanged(previous: Path, staging: Path) -> tuple[str, ...]:
    """Replace every file of ``staging`` whose bytes equal its counterpart in ``previous`` by a hard
    link to that counterpart; returns the site-relative paths that are new or changed."""
    if not previous.is_dir() or not is_replaceable(previous):
        return tuple(str(path.relative_to(staging)) for path in _files(staging))
    rewritten = []
    for path in _files(staging):
        relative = path.relative_to(staging)
        if not _link_if_same(previous / relative, path):
            rewritten.append(str(relative))
    return tuple(rewritten)


def carry_over_folder(previous: Path, staging: Path) -> bool:
    """Hard-link every file of the folder ``previous`` into ``staging`` (absent): False when it cannot."""
    if not previous.is_dir() or previous.is_symlink():
        return False
    try:
        for path in _files(previous):
            target = staging / path.relative_to(previous)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return False
    return True


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def _link_if_same(old: Path, new: Path) -> bool:
    """Whether ``new`` is now (or already was) a hard link to ``old`` because their bytes are equal."""
    try:
        old_stat, new_stat = old.lstat(), new.lstat()
        if (old_stat.st_dev, old_stat.st_ino) == (new_stat.st_dev, new_stat.st_ino):
            return True
        if not old.is_file() or old.is_symlink() or old_stat.st_size != new_stat.st_size:
            return False
        if old.read_bytes() != new.read_bytes():
            return False
        spare = new.with_name(f".{new.name}.link")
        os.link(old, spare)
        os.replace(spare, new)
    except OSError:  # no such old file, or a filesystem without hard links: keep the new copy
        return False
    return True


def recover_interrupted_swap(output_dir: Path) -> None:
    """Undo what a crash mid-publish left behind: restore the old site, drop dead staging folders."""
    aside = _aside_path(output_dir)
    if aside.exists():
        if output_dir.exists():
            shutil.rmtree(aside)
        else:
            log.warning("restoring %s from an interrupted publish", output_dir)
            os.rename(aside, output_dir)
    prefix = _staging_prefix(output_dir)
    for leftover in output_dir.parent.glob(prefix + "*"):
        if leftover.is_dir() and _builder_is_gone(leftover, prefix):
            shutil.rmtree(leftover, ignore_errors=True)


def _builder_is_gone(staging: Path, prefix: str) -> bool:
    """Whether the build that made ``staging`` has ended: its process (whose id is in the name, as in
    the run lock) is gone, or the folder is older than any build (an earlier version's, or a reused pid)."""
    if time.time() - staging.stat().st_mtime > _STALE_BUILD_SECONDS:
        return True
    rest = staging.name[len(prefix) :]
    pid_text = rest.split("-", 1)[0] if "-" in rest else ""
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):  # alive and someone else's; or no such pid at all
        return False
    return False


def is_replaceable(output_dir: Path) -> bool:
    """Whether publishing may replace ``output_dir``: absent, empty, or a site this tool made."""
    if not output_dir.exists() and not output_dir.is_symlink():
        return True
    if not output_dir.is_dir():
        return False
    if (output_dir / SITE_MARKER).is_file() or all((output_dir / name).is_file() for name in _LEGACY_SITE_FILES):
        return True
    return not any(output_dir.iterdir())


def require_replaceable(output_dir: Path) -> None:
    if not is_replaceable(output_dir):
        what = "a file" if output_dir.exists() and not output_dir.is_dir() else "a folder this tool did not make"
        raise ConfigError(
            f"output: {output_dir} is {what}; it would be replaced by the site. Choose another `output:` "
            f"(an empty or new folder), or put an empty file named {SITE_MARKER} in it if it is yours to replace"
        )


def output_conflict(output_dir: Path, protected: dict[str, Path], inside_forbidden: dict[str, Path]) -> str:
    """Why ``output_dir`` may not be published into ("" when it may): it is or contains a ``protected``
    folder (the config's, the data folder, a `path:` source), or lies inside one of ``inside_forbidden``."""
    output = Path(os.path.realpath(output_dir))
    for what, folder in protected.items():
        folder = Path(os.path.realpath(folder))
        if folder == output or output in folder.parents:
            return f"output: {output} contains {what} ({folder}), which the published site would replace"
    for what, folder in inside_forbidden.items():
        folder = Path(os.path.realpath(folder))
        if folder in output.parents:
            return f"output: {output} is inside {what} ({folder}); publish the site somewhere else"
    return ""


def _swap_in(staging: Path, output_dir: Path) -> None:
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        shutil.rmtree(staging)  # now holds the previous site
        return
    aside = _aside_path(output_dir)
    os.rename(output_dir, aside)
    try:
        os.rename(staging, output_dir)
    except OSError:
        os.rename(aside, output_dir)
        raise
    shutil.rmtree(aside)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2``; False when the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # kernel or filesystem without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(second))


def _renameat2() -> Callable[..., int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    function = getattr(libc, "renameat2", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _staging_prefix(output_dir: Path) -> str:
    return f".{output_dir.name}.build-"


def _own_staging_prefix(output_dir: Path) -> str:
    return f"{_staging_prefix(output_dir)}{os.getpid()}-"


def _aside_path(output_dir: Path) -> Path:
    return output_dir.with_name(f".{output_dir.name}.old")
