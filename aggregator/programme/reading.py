"""Getting the programme's bytes (file or URL) and telling its format by content, not by name."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import httpx

from aggregator.errors import ProgrammeError, SourceError
from aggregator.http import make_client, network_settings, raise_for_status, request
from aggregator.programme.frab_json import parse_frab_json
from aggregator.programme.frab_xml import parse_frab_xml
from aggregator.programme.ical import parse_ical
from aggregator.programme.lenient import zone
from aggregator.programme.model import Programme

ProgrammeFormat = Literal["frab-xml", "frab-json", "ical"]

_HTML_START = re.compile(rb"^(<!--.*?-->\s*)*<(!doctype\s+html|html)[\s>]", re.I | re.S)
_XML_START = re.compile(rb"^<")
_ICAL_START = re.compile(rb"^BEGIN:VCALENDAR", re.I)


def read_source(source: str, base_dir: Path, *, client: httpx.Client | None = None) -> tuple[bytes, str]:
    """The bytes at ``source`` and a name for messages (the URL, or the resolved path)."""
    if re.match(r"^https?://", source.strip(), re.I):
        return _fetch(source.strip(), client), source.strip()
    path = (base_dir / Path(source.strip()).expanduser()).resolve()
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ProgrammeError(f"{path}: cannot read the programme file: {exc.strerror or exc}") from exc


def detect_format(data: bytes, source: str) -> ProgrammeFormat:
    head = _content_start(data)
    if _ICAL_START.match(head):
        return "ical"
    if head.startswith((b"{", b"[")):
        return "frab-json"
    if _HTML_START.match(head):
        raise ProgrammeError(f"{source}: is an HTML page, not a programme export (check the address)")
    if _XML_START.match(head):
        return "frab-xml"
    snippet = head[:40].decode("utf-8", "replace")
    raise ProgrammeError(
        f"{source}: not a frab XML, frab/pretalx JSON or iCalendar programme (it starts with {snippet!r})"
    )


def parse_programme(data: bytes, source: str, *, timezone: str | None = None) -> Programme:
    """Parse programme bytes of any supported format; ``source`` names them in messages."""
    if timezone and zone(timezone) is None:
        raise ProgrammeError(f"{source}: unknown time zone {timezone!r} (expected an IANA name like Europe/Berlin)")
    kind = detect_format(data, source)
    if kind == "ical":
        return parse_ical(data, source, timezone)
    if kind == "frab-xml":
        return parse_frab_xml(data, source, timezone)
    return parse_frab_json(_load_json(data, source), source, timezone)


def _fetch(url: str, client: httpx.Client | None) -> bytes:
    owned = client is None
    http = make_client() if client is None else client
    try:
        response = request(http, "GET", url, max_bytes=network_settings().max_programme_bytes)
        raise_for_status(response, "programme")
        return response.content
    except (SourceError, httpx.HTTPError) as exc:
        raise ProgrammeError(f"{url}: cannot download the programme: {exc}") from exc
    finally:
        if owned:
            http.close()


def _load_json(data: bytes, source: str) -> object:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProgrammeError(f"{source}: JSON programme is not UTF-8: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ProgrammeError(f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ProgrammeError(f"{source}: JSON nested too deeply to be a programme") from exc


def _content_start(data: bytes) -> bytes:
    return data.lstrip(b"\xef\xbb\xbf").lstrip()[:512]
