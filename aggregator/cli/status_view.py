"""`aggregator status` as a person reads it (rich tables) or a script does (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from aggregator.durations import format_duration
from aggregator.status import Status
from aggregator.store import SourceHealth


def status_json(status: Status) -> str:
    data: dict[str, Any] = asdict(status)
    data["max_failing"] = format_duration(status.max_failing)
    data["unhealthy"] = list(status.unhealthy)
    data["next_runs"] = data.pop("daemon") or None
    return json.dumps(data, default=_plain, indent=2, ensure_ascii=False)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def print_status(status: Status, console: Console) -> None:
    console.print(f"[bold]{status.conference}[/bold]  store: {status.store}")
    console.print(_sources_table(status))
    console.print(_runs_table(status))
    if status.publish is not None:
        style = "green" if status.publish.ok else "red"
        console.print(f"[{style}]{status.publish.summary()}[/{style}] at {_when(status.publish.started)}")
    if status.daemon is None:
        console.print("no scheduler running")
    for name in status.unhealthy:
        console.print(f"[red]{name} has been failing for longer than {format_duration(status.max_failing)}[/red]")


def _sources_table(status: Status) -> Table:
    table = Table(title="Sources")
    for column in ("source", "last success", "last error", "failing since", "posts", "next run"):
        table.add_column(column, overflow="fold")
    next_runs = status.daemon.next_runs if status.daemon else {}
    for health in status.sources:
        table.add_row(
            health.name,
            _when(health.last_success),
            _error(health),
            _when(health.failing_since),
            str(health.posts),
            _when(next_runs.get(health.name)),
            style="red" if health.name in status.unhealthy else None,
        )
    return table


def _error(health: SourceHealth) -> str:
    if not health.last_error:
        return ""
    limited = f" (rate limited until {_when(health.rate_limited_until)})" if health.rate_limited_until else ""
    kind = f"{health.error_class}: " if health.error_class else ""
    return f"{kind}{health.last_error[:200]}{limited}"


def _runs_table(status: Status) -> Table:
    table = Table(title="Latest runs and builds")
    for column in ("#", "kind", "started", "finished", "status"):
        table.add_column(column)
    for run in status.runs:
        table.add_row(str(run["id"]), run["kind"], run["started_at"] or "", run["finished_at"] or "", run["status"])
    return table


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else ""
