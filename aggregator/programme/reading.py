"""Getting the programme's bytes (file or URL) and telling its format by content, not by name."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, cast, get_args

import httpx

from aggregator.errors import ProgrammeError, SourceError
from aggregator.http import make_client, network_settings, raise_for_status, request
from aggregator.programme.csv_table import looks_like_csv, parse_csv
from aggregator.programme.frab_json import parse_frab_json
from aggregator.programme.frab_xml import parse_frab_xml
from aggregator.programme.ical import parse_ical
from aggregator.programme.lenient import zone
from aggregator.programme.model import Programme
from aggregator.programme.pretalx_api import (
    download_pretalx_api,
    is_pretalx_api_url,
    is_pretalx_bundle,
    parse_pretalx_api,
)
from aggregator.programme.sessionize import is_sessionize, parse_sessionize

ProgrammeFormat = Literal["frab-xml", "frab-json", "ical", "sessionize", "pretalx-api", "csv"]
PROGRAMME_FORMATS: tuple[str, ...] = ("auto", *get_args(ProgrammeFormat))  # the values of `programme_format:`
_JSON_FORMATS = frozenset({"frab-json", "sessionize", "pretalx-api"})

_HTML_START = re.compile(rb"^(<!--.*?-->\s*)*<(!doctype\s+html|html)[\s>]", re.I | re.S)
_XML_START = re.compile(rb"^<")
_ICAL_START = re.compile(rb"^BEGIN:VCALENDAR", re.I)


def read_source(
    source: str, base_dir: Path, *, client: httpx.Client | None = None, programme_format: str = "auto"
) -> tuple[bytes, str]:
    """The bytes at ``source`` and a name for messages (the URL, or the resolved path).

    A pretalx API address (``https://HOST/api/events/SLUG/``) is read through the API, its
    answers kept together as one JSON document."""
    url = source.strip()
    if re.match(r"^https?://", url, re.I):
        if programme_format == "pretalx-api" or (programme_format == "auto" and is_pretalx_api_url(url)):
            return _with_client(client, lambda http: download_pretalx_api(url, lambda u: _get_json(http, u))), url
        return _with_client(client, lambda http: _fetch(http, url)), url
    path = (base_dir / Path(source.strip()).expanduser()).resolve()
    try:
        return path.read_bytes(), str(path)
    except OSError as exc:
        raise ProgrammeError(f"{path}: cannot read the programme file: {exc.strerror or exc}") from exc


def detect_format(data: bytes, source: str) -> ProgrammeFormat:
    return _detect(data, source)[0]


def _detect(data: bytes, source: str) -> tuple[ProgrammeFormat, Any]:
    """The format told by content, and the decoded JSON document when it is JSON (read once)."""
    head = _content_start(data)
    if _ICAL_START.match(head):
        return "ical", None
    if head.startswith((b"{", b"[")):
        document = _load_json(data, source)
        return _json_format(document), document
    if _HTML_START.match(head):
        raise ProgrammeError(f"{source}: is an HTML page, not a programme export (check the address)")
    if _XML_START.match(head):
        return "frab-xml", None
    if looks_like_csv(data):
        return "csv", None
    snippet = head[:40].decode("utf-8", "replace")
    raise ProgrammeError(
        f"{source}: not a frab XML, frab/pretalx JSON, pretalx API, Sessionize, iCalendar or CSV programme "
        f"(it starts with {snippet!r})"
    )


def parse_programme(
    data: bytes, source: str, *, timezone: str | None = None, programme_format: str = "auto"
) -> Programme:
    """Parse programme bytes; ``source`` names them in messages. The format is told by content
    unless ``programme_format`` names it."""
    if timezone and zone(timezone) is None:
        raise ProgrammeError(f"{source}: unknown time zone {timezone!r} (expected an IANA name like Europe/Berlin)")
    if _HTML_START.match(_content_start(data)):
        raise ProgrammeError(f"{source}: is an HTML page, not a programme export (check the address)")
    if programme_format == "auto":
        kind, document = _detect(data, source)
    else:
        kind, document = _named_format(programme_format, source), None
    if kind == "ical":
        return parse_ical(data, source, timezone)
    if kind == "frab-xml":
        return parse_frab_xml(data, source, timezone)
    if kind == "csv":
        return parse_csv(data, source, timezone)
    if document is None:
        document = _load_json(data, source)
    if kind == "sessionize":
        return parse_sessionize(document, source, timezone)
    if kind == "pretalx-api":
        return parse_pretalx_api(document, source, timezone)
    return parse_frab_json(document, source, timezone)


def _json_format(document: Any) -> ProgrammeFormat:
    if is_pretalx_bundle(document):
        return "pretalx-api"
    if is_sessionize(document):
        return "sessionize"
    return "frab-json"  # its reader explains what a schedule.json should hold


def _named_format(name: str, source: str) -> ProgrammeFormat:
    if name not in PROGRAMME_FORMATS:
        raise ProgrammeError(f"{source}: unknown programme format {name!r} (expected one of {', '.join(PROGRAMME_FORMATS)})")
    return cast(ProgrammeFormat, name)


def _with_client(client: httpx.Client | None, read: Callable[[httpx.Client], bytes]) -> bytes:
    http = make_client() if client is None else client
    try:
        return read(http)
    finally:
        if client is None:
            http.close()


def _fetch(http: httpx.Client, url: str, headers: Mapping[str, str] | None = None) -> bytes:
    try:
        response = request(http, "GET", url, headers=headers, max_bytes=network_settings().max_programme_bytes)
        raise_for_status(response, "programme")
        return response.content
    except (SourceError, httpx.HTTPError) as exc:
        raise ProgrammeError(f"{url}: cannot download the programme: {exc}") from exc


def _get_json(http: httpx.Client, url: str) -> Any:
    data = _fetch(http, url, {"Accept": "application/json"})
    if _HTML_START.match(_content_start(data)):
        raise ProgrammeError(f"{url}: is an HTML page, not a pretalx API answer (check the address)")
    return _load_json(data, url)


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
