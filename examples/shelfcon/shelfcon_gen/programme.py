"""Writes the programme as a pretalx `schedule.json` (frab JSON), breaks included as `Break` events."""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time
from typing import Any

from . import ids
from .sessions import BREAKS, DAY_ONE, DAY_TWO, ROOMS, TIMEZONE, Break, Talk
from .talks import TALKS, biography

BASE_URL = "https://shelfcon.example/2026/"
FIRST_BREAK_ID = 901


def _event_ids() -> dict[str, int]:
    """pretalx ids follow submission order, not the timetable: shuffle them deterministically."""
    by_hash = sorted(TALKS, key=lambda talk: hashlib.sha256(talk.key.encode()).hexdigest())
    return {talk.key: 211 + index * 3 for index, talk in enumerate(by_hash)}


EVENT_IDS: dict[str, int] = _event_ids()


def event_id(talk_key: str) -> str:
    return str(EVENT_IDS[talk_key])


def talk_url(talk: Talk) -> str:
    return f"{BASE_URL}talk/{ids.pretalx_code(talk.key)}/"


def _slugify(text: str) -> str:
    ascii_text = text.lower().encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _duration(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _person(name: str) -> dict[str, Any]:
    return {
        "id": int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 900 + 100,
        "code": ids.pretalx_code("person:" + name),
        "public_name": name,
        "biography": biography(name),
        "answers": [],
    }


def _talk_event(talk: Talk) -> dict[str, Any]:
    number = EVENT_IDS[talk.key]
    links = [{"url": talk.slides_url, "title": "Slides", "type": "related"}] if talk.slides_url else []
    return {
        "id": number,
        "guid": ids.stable_uuid(talk_url(talk)),
        "logo": "",
        "date": talk.begins.isoformat(),
        "start": talk.start.strftime("%H:%M"),
        "duration": _duration(talk.minutes),
        "room": talk.room,
        "slug": f"shelfcon26-{number}-{_slugify(talk.title)}",
        "url": talk_url(talk),
        "title": talk.title,
        "subtitle": "",
        "track": talk.track,
        "type": talk.kind,
        "language": "en",
        "abstract": talk.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": talk.kind == "Workshop",
        "persons": [_person(name) for name in talk.speakers],
        "links": links,
        "attachments": [],
    }


def _break_event(item: Break, number: int) -> dict[str, Any]:
    return {
        "id": number,
        "guid": ids.stable_uuid(BASE_URL + "break/" + item.key),
        "logo": "",
        "date": item.begins.isoformat(),
        "start": item.start.strftime("%H:%M"),
        "duration": _duration(item.minutes),
        "room": item.room,
        "slug": f"shelfcon26-{number}-{_slugify(item.title)}",
        "url": "",
        "title": item.title,
        "subtitle": "",
        "track": None,
        "type": "Break",
        "language": "en",
        "abstract": item.abstract,
        "description": "",
        "recording_license": "",
        "do_not_record": True,
        "persons": [],
        "links": [],
        "attachments": [],
    }


def _day(index: int, day: date, events: list[tuple[Talk | Break, dict[str, Any]]]) -> dict[str, Any]:
    rooms: dict[str, list[dict[str, Any]]] = {room: [] for room in ROOMS}
    for item, event in sorted(events, key=lambda pair: (pair[0].begins, pair[1]["id"])):
        if item.day == day:
            rooms[item.room].append(event)
    return {
        "index": index,
        "date": day.isoformat(),
        "day_start": datetime.combine(day, time(8), TIMEZONE).isoformat(),
        "day_end": datetime.combine(day, time(19), TIMEZONE).isoformat(),
        "rooms": rooms,
    }


def programme_json() -> dict[str, Any]:
    events: list[tuple[Talk | Break, dict[str, Any]]] = [(talk, _talk_event(talk)) for talk in TALKS]
    events += [(item, _break_event(item, FIRST_BREAK_ID + n)) for n, item in enumerate(BREAKS)]
    room_list = [
        {"name": room, "guid": ids.stable_uuid(BASE_URL + "room/" + room), "description": None, "capacity": None}
        for room in ROOMS
    ]
    return {
        "schedule": {
            "version": "1.2",
            "base_url": BASE_URL + "schedule/",
            "conference": {
                "acronym": "shelfcon26",
                "title": "ShelfCon 2026",
                "start": DAY_ONE.isoformat(),
                "end": DAY_TWO.isoformat(),
                "daysCount": 2,
                "timeslot_duration": "00:15",
                "time_zone_name": "Europe/Amsterdam",
                "url": BASE_URL,
                "rooms": room_list,
                "days": [_day(1, DAY_ONE, events), _day(2, DAY_TWO, events)],
            },
        }
    }
