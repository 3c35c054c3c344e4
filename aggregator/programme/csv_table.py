"""A programme typed or exported as a table (CSV from a spreadsheet), for conferences whose
programme exists only as a PDF or a spreadsheet.

Columns (header names matched case-insensitively, with common aliases): ``id``, ``title``,
``start``, ``end``, ``room``, ``speakers``, ``track``, ``abstract``, ``url``; or ``date`` plus
``start``/``end`` clock times (``09:30``, ``9:30 am``); ``duration`` (minutes or ``1:30``) may
stand in for ``end``. Times without an offset are in the conference zone. Speakers are
separated by ``;`` (or ``,`` when there is no ``;``). Unlike the exports of programme software,
a curator's table is read strictly: every bad row is reported as ``file:line: column: what was
expected``, all at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.lenient import (
    digest_id,
    parse_clock,
    parse_date,
    parse_duration,
    plain_text,
    safe_url,
    split_names,
    text,
)
from aggregator.programme.model import Programme, ProgrammeHeader, assemble, programme_zone

# Canonical column -> the header names accepted for it (compared lower-case, spaces/_/- removed).
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "sessionid", "code", "number", "no", "#", "ref"),
    "title": ("title", "sessiontitle", "session", "name", "talk", "talktitle", "sessionname"),
    "date": ("date", "day"),
    "start": ("start", "starts", "startsat", "starttime", "begin", "begins", "from", "time"),
    "end": ("end", "ends", "endsat", "endtime", "finish", "until", "to"),
    "duration": ("duration", "length", "minutes"),
    "room": ("room", "location", "venue", "hall", "stage", "place"),
    "speakers": ("speakers", "speaker", "presenters", "presenter", "authors", "author", "people", "by"),
    "track": ("track", "category", "stream", "theme", "topic"),
    "abstract": ("abstract", "description", "summary", "details"),
    "url": ("url", "link", "page", "website", "web"),
}
REQUIRED = ("title", "start")
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
_AM_PM = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$", re.I)


class _Problem(Protocol):
    """Records what a column of the current row should have held."""

    def __call__(self, column: str, expected: str) -> None: ...


@dataclass(frozen=True)
class _Row:
    line: int
    cells: Mapping[str, str]


def header_columns(header: Sequence[str]) -> dict[str, int]:
    """Canonical column -> index, for the header cells this reader recognises (first one wins)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _ALIASES.get(_key(name))
        if column and column not in found:
            found[column] = index
    return found


def looks_like_csv(data: bytes) -> bool:
    """Whether the first line is a header naming at least a title and a start column."""
    first = _decode(data).lstrip().split("\n", 1)[0]
    dialect = _dialect(first)
    header = next(csv.reader([first], dialect), [])
    return all(column in header_columns(header) for column in REQUIRED)


def parse_csv(data: bytes, source: str, timezone: str | None = None) -> Programme:
    choice = programme_zone((), timezone)
    rows = _rows(_decode(data), source)
    sessions: list[Session] = []
    problems: list[str] = []
    for row in rows:
        session, row_problems = _session(row, choice.tz, source)
        problems.extend(row_problems)
        if session is not None:
            sessions.append(session)
    if problems:
        raise ProgrammeError("\n".join(problems))
    header = ProgrammeHeader(timezone=choice.name, zone_declared=choice.declared)
    return assemble(header, sessions, source=source)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark); else Windows-1252, as spreadsheets on Windows save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(first_line: str) -> type[csv.Dialect]:
    delimiter = max((",", ";", "\t"), key=first_line.count)

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _rows(content: str, source: str) -> list[_Row]:
    lines = content.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and not lines[skipped].strip():
        skipped += 1
    if skipped == len(lines):
        raise ProgrammeError(f"{source}: the table is empty")
    reader = csv.reader(io.StringIO("".join(lines[skipped:])), _dialect(lines[skipped]))
    try:
        header = next(reader)
        columns = header_columns(header)
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise ProgrammeError(
                f"{source}:{skipped + 1}: header: no {' or '.join(missing)} column "
                f"(expected columns {', '.join(COLUMNS)}; got {', '.join(map(repr, header))})"
            )
        return list(_records(reader, columns, skipped))
    except csv.Error as exc:
        raise ProgrammeError(f"{source}:{skipped + reader.line_num}: not a readable table: {exc}") from exc


def _records(reader: Iterator[list[str]], columns: Mapping[str, int], offset: int) -> Iterator[_Row]:
    previous_end = 1
    for cells in reader:
        line = offset + previous_end + 1
        previous_end = reader.line_num  # type: ignore[attr-defined]
        values = {c: text(cells[i]) if i < len(cells) else "" for c, i in columns.items()}
        if any(values.values()):
            yield _Row(line, values)


def _session(row: _Row, tz: tzinfo, source: str) -> tuple[Session | None, list[str]]:
    cells = row.cells
    problems: list[str] = []

    def problem(column: str, expected: str) -> None:
        problems.append(f"{source}:{row.line}: {column}: expected {expected}, got {cells.get(column, '')!r}")

    title = cells.get("title", "")
    if not title:
        problem("title", "the session's title")
    start, end = _times(cells, tz, problem)
    url = cells.get("url", "")
    if url and not safe_url(url):
        problem("url", "an http:// or https:// address")
    if problems or start is None or end is None:
        return None, problems
    return (
        Session(
            id=cells.get("id") or digest_id("row", title, start),
            title=title,
            start=start,
            end=end,
            room=cells.get("room", ""),
            speakers=split_names(cells.get("speakers", "")),
            abstract=plain_text(cells.get("abstract")),
            track=cells.get("track", ""),
            url=url,
        ),
        [],
    )


def _times(cells: Mapping[str, str], tz: tzinfo, problem: _Problem) -> tuple[datetime | None, datetime | None]:
    day: date | None = None
    if cells.get("date"):
        day = parse_date(cells["date"]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells["date"]) else None
        if day is None:
            problem("date", "a date such as 2027-03-02")
    start = _moment(cells.get("start", ""), day, tz)
    if start is None:
        problem("start", "a time such as 2027-03-02 09:30" + (" or a clock time such as 09:30" if day else ""))
        return None, None
    return start, _end(cells, start, day, tz, problem)


def _end(cells: Mapping[str, str], start: datetime, day: date | None, tz: tzinfo, problem: _Problem) -> datetime | None:
    raw_end, raw_duration = cells.get("end", ""), cells.get("duration", "")
    if not raw_end and raw_duration:
        duration = parse_duration(raw_duration)
        if duration is None or duration <= timedelta(0):
            problem("duration", "minutes (45) or hours:minutes (1:30)")
            return None
        return start + duration
    end = _moment(raw_end, day or start.date(), tz)
    if end is None:
        problem("end", "an end time such as 10:15" + ("" if raw_end else " (or a duration column)"))
        return None
    if end <= start and _is_clock(raw_end):
        end += timedelta(days=1)  # 23:30 to 00:30 ends the next morning
    if end <= start:
        problem("end", f"a time after the start ({start.isoformat()})")
        return None
    return end


def _moment(raw: str, day: date | None, tz: tzinfo) -> datetime | None:
    clock = _clock(raw)
    if clock is not None:
        return datetime.combine(day, clock, tzinfo=tz) if day else None
    try:
        parsed = datetime.fromisoformat(raw.replace("/", "-")) if len(raw) > 10 else None
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _clock(raw: str) -> time | None:
    match = _AM_PM.match(raw.strip())
    if not match:
        return parse_clock(raw.replace(".", ":"))
    hours, minutes, half = int(match[1]), int(match[2] or 0), match[3].lower()
    if not 1 <= hours <= 12 or minutes > 59:
        return None
    return time(hours % 12 + (12 if half == "p" else 0), minutes)


def _is_clock(raw: str) -> bool:
    return _clock(raw) is not None


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", text(name).lower())
