"""The pretalx REST API (``https://HOST/api/events/SLUG/``, API v1 of pretalx 2025+).

Read: the event (name, time zone), then the current schedule with its slots expanded
(``schedules/latest/?expand=slots.room,slots.submission,...``). When a server answers with
slot ids only, the slots are read from ``slots/`` page by page, following ``next``. The
downloads are kept together as one JSON document, ``{"pretalx_api": URL, "event", "slots"}``,
which is what the saved copy holds and what :func:`parse_pretalx_api` reads.

Sessions are keyed on the submission ``code`` (slot ids change with every schedule release);
a submission scheduled twice gets ``CODE-2`` for its second slot. Slots without a submission
(breaks, blockers) are not sessions.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import tzinfo
from typing import Any
from urllib.parse import urlsplit

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.lenient import (
    as_list,
    parse_datetime,
    plain_text,
    safe_links,
    text,
    unique,
)
from aggregator.programme.model import Programme, ProgrammeHeader, assemble, programme_zone, session_end

log = logging.getLogger(__name__)

_API_PATH = re.compile(r"^(?P<prefix>.*)/api/events/(?P<slug>[^/]+)/?$")
EXPAND = "slots,slots.room,slots.submission,slots.submission.speakers,slots.submission.track,slots.submission.submission_type"
SLOT_EXPAND = "room,submission,submission.speakers,submission.track,submission.submission_type"
MAX_PAGES = 200  # 50 slots a page: 10,000 slots, more than any conference holds
_GONE_STATES = frozenset({"canceled", "cancelled", "withdrawn", "rejected", "deleted"})

GetJson = Callable[[str], Any]  # URL -> decoded JSON answer (raises ProgrammeError)


def is_pretalx_api_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and not parts.query and bool(_API_PATH.match(parts.path))


def is_pretalx_bundle(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("pretalx_api"), str) and "slots" in document


def download_pretalx_api(url: str, get_json: GetJson) -> bytes:
    """The event and its current schedule's slots, as one JSON document."""
    base = url.strip().rstrip("/") + "/"
    event = get_json(base)
    if not isinstance(event, dict) or "slug" not in event:
        raise ProgrammeError(f"{base}: is not a pretalx event (no 'slug' in the answer)")
    schedule = get_json(f"{base}schedules/latest/?expand={EXPAND}")
    slots = _expanded_slots(schedule)
    if slots is None:
        slots = _paged(f"{base}slots/?expand={SLOT_EXPAND}", get_json, base)
    return json.dumps({"pretalx_api": base, "event": event, "slots": slots}, ensure_ascii=False).encode()


def _expanded_slots(schedule: Any) -> list[Any] | None:
    """The schedule's slots when they came expanded; None when they are ids to read from ``slots/``."""
    slots = schedule.get("slots") if isinstance(schedule, dict) else None
    if isinstance(slots, list) and all(isinstance(slot, dict) for slot in slots):
        return slots
    return None


def _paged(first: str, get_json: GetJson, base: str) -> list[Any]:
    """Every ``results`` item of a paginated list, following ``next`` on the same server only."""
    results: list[Any] = []
    url: str | None = first
    for _ in range(MAX_PAGES):
        if url is None:
            return results
        page = get_json(url)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise ProgrammeError(f"{url}: expected a page of results with 'next' (pretalx API v1)")
        results.extend(page["results"])
        url = _next_page(page.get("next"), base)
    raise ProgrammeError(f"{first}: more than {MAX_PAGES} pages; stopped")


def _next_page(value: Any, base: str) -> str | None:
    following = text(value)
    if not following:
        return None
    if urlsplit(following).netloc != urlsplit(base).netloc:
        raise ProgrammeError(f"{base}: the next page {following!r} is on another server; not followed")
    return following


def parse_pretalx_api(document: Any, source: str, timezone: str | None = None) -> Programme:
    if not is_pretalx_bundle(document):
        raise ProgrammeError(f"{source}: not a pretalx API download")
    event = document.get("event") if isinstance(document.get("event"), dict) else {}
    choice = programme_zone((text(event.get("timezone")),), timezone)
    talk_base = _talk_base(document["pretalx_api"], text(event.get("slug")))
    counts: dict[str, int] = {}
    sessions = []
    for slot in sorted((s for s in as_list(document.get("slots")) if isinstance(s, dict)), key=_slot_start):
        session = _session(slot, choice.tz, talk_base, source)
        if session is not None:
            counts[session.id] = counts.get(session.id, 0) + 1
            repeat = counts[session.id]
            sessions.append(session if repeat == 1 else replace(session, id=f"{session.id}-{repeat}"))
    header = ProgrammeHeader(
        title=_i18n(event.get("name")),
        acronym=text(event.get("slug")),
        timezone=choice.name,
        zone_declared=choice.declared,
        url=f"{talk_base.rsplit('/talk/', 1)[0]}/",
    )
    return assemble(header, sessions, source=source)


def _talk_base(api_url: str, slug: str) -> str:
    parts = urlsplit(api_url)
    match = _API_PATH.match(parts.path)
    prefix = match["prefix"] if match else ""
    slug = slug or (match["slug"] if match else "")
    return f"{parts.scheme}://{parts.netloc}{prefix}/{slug}/talk/"


def _slot_start(slot: Mapping[str, Any]) -> str:
    return text(slot.get("start"))


def _session(slot: Mapping[str, Any], tz: tzinfo, talk_base: str, source: str) -> Session | None:
    submission = slot.get("submission")
    if not isinstance(submission, dict):
        return None  # a break or a blocker: a slot without a submission
    code, title = text(submission.get("code")), text(submission.get("title"))
    start = parse_datetime(slot.get("start"), tz)
    if not code or not title or start is None or text(submission.get("state")).lower() in _GONE_STATES:
        log.info("%s: slot %s skipped: no code, title or start, or withdrawn", source, text(slot.get("id")) or "?")
        return None
    end = parse_datetime(slot.get("end"), tz)
    return Session(
        id=code,
        title=title,
        start=start,
        end=end if end is not None and end >= start else session_end(start, None, title, source),
        room=_named(slot.get("room")),
        speakers=unique(_named(s) for s in as_list(submission.get("speakers"))),
        abstract=plain_text(submission.get("abstract")),
        description=plain_text(submission.get("description")),
        track=_named(submission.get("track")),
        url=f"{talk_base}{code}/" if re.fullmatch(r"[A-Za-z0-9]+", code) else "",
        language=text(submission.get("content_locale")),
        kind=_named(submission.get("submission_type")),
        links=safe_links(_resource(r) for r in as_list(submission.get("resources"))),
    )


def _named(value: Any) -> str:
    """An expanded object's (possibly multilingual) name; an unexpanded id names nothing."""
    if isinstance(value, dict):
        return _i18n(value.get("name"))
    return ""


def _i18n(value: Any) -> str:
    """A pretalx multilingual string: ``{"en": "...", "de": "..."}`` (English first) or a plain string."""
    if isinstance(value, dict):
        for key in ("en", *value.keys()):
            name = text(value.get(key))
            if name:
                return name
        return ""
    return text(value)


def _resource(resource: Any) -> str:
    return text(resource.get("resource") or resource.get("link")) if isinstance(resource, dict) else ""
