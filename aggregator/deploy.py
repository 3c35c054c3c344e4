"""`publish:`: the curator's command that copies a fresh site to where it is served.

Run after each successful build (by `run`, `build` and, in a thread of its own, the scheduler),
split like a shell line but run without a shell, in the config file's folder, within its
timeout; not after a skipped build whose site was already published successfully. Its outcome is kept in the store (meta ``publish``) for `aggregator status`; a failure
is logged and recorded, never fatal to collection or to the build.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator.config.model import PublishSettings
from aggregator.store import PostStore

log = logging.getLogger(__name__)

PUBLISH_KEY = "publish"  # the meta key holding the last outcome
MESSAGE_CHARS = 500


@dataclass(frozen=True)
class PublishOutcome:
    command: str
    ok: bool
    started: datetime
    seconds: float
    exit_code: int | None = None  # None: it could not start, or was stopped at its timeout
    message: str = ""  # the end of its error output, or why it did not run
    site: str = ""  # build_inputs.site_identity of the folder it published ("" when unknown)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PublishOutcome | None:
        try:
            data: dict[str, Any] = json.loads(text)
            data["started"] = datetime.fromisoformat(data["started"])
            return cls(**data)
        except (ValueError, KeyError, TypeError):
            return None

    def summary(self) -> str:
        if self.ok:
            return f"published with {self.command!r} in {self.seconds:.1f} s"
        code = f" (exit code {self.exit_code})" if self.exit_code is not None else ""
        return f"publishing with {self.command!r} FAILED{code} after {self.seconds:.1f} s: {self.message}"


def publish_site(settings: PublishSettings, cwd: Path, site: str = "") -> PublishOutcome | None:
    """Run the publish command, if one is configured, and log its outcome; ``site`` names the
    output folder it publishes (see :func:`already_published`)."""
    if not settings.command:
        return None
    started, began = datetime.now(UTC), time.monotonic()
    exit_code, message = _run(shlex.split(settings.command), cwd, settings.timeout.total_seconds())
    outcome = PublishOutcome(
        command=settings.command,
        ok=exit_code == 0,
        started=started,
        seconds=time.monotonic() - began,
        exit_code=exit_code,
        message=message,
        site=site,
    )
    log.log(logging.INFO if outcome.ok else logging.ERROR, "%s", outcome.summary())
    return outcome


def _run(argv: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    try:
        process = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout stops its children too
        )  # fmt: skip
    except OSError as exc:
        return None, f"cannot start {argv[0]!r}: {exc.strerror or exc}"
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, f"stopped after its timeout of {timeout:g} s"
    return process.returncode, _tail(errors.decode("utf-8", "replace"))


def _tail(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else "…" + text[-MESSAGE_CHARS:]


def record_publish(store: PostStore, outcome: PublishOutcome) -> None:
    store.set_meta(PUBLISH_KEY, outcome.to_json())


def last_publish(store: PostStore) -> PublishOutcome | None:
    value = store.meta(PUBLISH_KEY)
    return PublishOutcome.from_json(value) if value else None


def already_published(store: PostStore, site: str) -> bool:
    """Whether the last publish succeeded and published the output folder as ``site`` names it:
    after a skipped build, publishing again would upload nothing new."""
    last = last_publish(store)
    return bool(site) and last is not None and last.ok and last.site == site
