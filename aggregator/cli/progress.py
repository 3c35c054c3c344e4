"""Progress on a terminal while sources are read; silent when quiet or not a terminal (cron)."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


class ProgressDisplay:
    def __init__(self, enabled: bool = True) -> None:
        console = Console(file=sys.stderr)
        self._progress: Progress | None = None
        if enabled and console.is_terminal:
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.completed} posts"),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressDisplay:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress:
            self._progress.stop()

    def update(self, source: str, seen: int) -> None:
        if not self._progress:
            return
        if source not in self._tasks:
            self._tasks[source] = self._progress.add_task(source, total=None)
        self._progress.update(self._tasks[source], completed=seen)
