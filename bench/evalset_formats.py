"""Wire formats for `make_eval_set.py`: programme files (frab XML, frab JSON, iCalendar), Bluesky
searchPosts pages, Mastodon statuses, an RSS recap feed and labels.csv, in the shapes of
`shared/eval/<set>/`. Standard library plus icalendar; deterministic."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
OPT_OUT_LABEL = "!no-unauthenticated"
PAGE_SIZE = 100


@dataclass(frozen=True)
class Talk:
    id: str
    title: str
    abstract: str
    speakers: tuple[str, ...]
    room: str
    start: datetime  # aware, conference zone
    end: datetime
    url: str
    track: str = ""
    language: str = "en"
    speaker_handle: str = ""  # a Bluesky handle the speaker is known by, when they have one


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    service: str  # "bluesky" | "mastodon"
    handle: str
    opted_out: bool = False

    @property
    def did(self) -> str:
        return "did:plc:" + base64.b32encode(_digest(self.handle)[:15]).decode().lower()


@dataclass
class Draft:
    key: str
    author: Account
    at: datetime  # aware
    text: str
    session: str  # gold label: session id, "" (hallway) or "EXCLUDED"
    clue: bool
    reply_to: Draft | None = None
    root: Draft | None = None
    quote_of: Draft | None = None
    image_alt: str = ""
    card: tuple[str, str] | None = None  # (url, title)
    lang: str = "en"
    extras: dict[str, Any] = field(default_factory=dict)


def _digest(seed: str) -> bytes:
    return hashlib.sha256(seed.encode()).digest()


def _number(seed: str, low: int, high: int) -> int:
    return low + int.from_bytes(_digest(seed)[:8], "big") % (high - low + 1)


def utc_z(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _cid(seed: str, codec: int) -> str:
    return "b" + base64.b32encode(bytes([1, codec, 0x12, 0x20]) + _digest(seed)).decode().lower().rstrip("=")


def _tid(moment: datetime, seed: str) -> str:
    value = (int(moment.timestamp() * 1_000_000) << 10) | _number(seed, 0, 1023)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def pretalx_code(seed: str) -> str:
    alphabet, number, chars = "ABCDEFGHJKLMNPQRSTUVWXYZ3789", _number(seed, 0, 2**48), []
    for _ in range(6):
        number, index = divmod(number, len(alphabet))
        chars.append(alphabet[index])
    return "".join(chars)


# ---------------------------------------------------------------- programmes


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]


def _conference_days(talks: list[Talk], day_change_hour: int) -> list[tuple[str, list[Talk]]]:
    """Talks grouped by conference day: a talk before ``day_change_hour`` belongs to the previous day."""
    days: dict[str, list[Talk]] = {}
    for talk in sorted(talks, key=lambda t: t.start):
        day = (talk.start - timedelta(hours=day_change_hour)).date().isoformat()
        days.setdefault(day, []).append(talk)
    return sorted(days.items())


def _event_dict(talk: Talk, index: int) -> dict[str, Any]:
    return {
        "id": int(talk.id), "guid": str(_uuid(talk.id)), "date": talk.start.isoformat(),
        "start": talk.start.strftime("%H:%M"), "duration": _hhmm(talk.end - talk.start), "room": talk.room,
        "slug": _slug(talk.title), "url": talk.url, "title": talk.title, "subtitle": "", "track": talk.track,
        "type": "Talk", "language": talk.language, "abstract": talk.abstract, "description": "",
        "persons": [{"id": _number(s, 1, 99999), "public_name": s} for s in talk.speakers], "links": [],
    }


def _uuid(seed: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def frab_json(acronym: str, title: str, zone: str, talks: list[Talk], day_change_hour: int = 5) -> str:
    rooms = sorted({t.room for t in talks})
    days = []
    for index, (day, members) in enumerate(_conference_days(talks, day_change_hour), 1):
        by_room: dict[str, list[dict[str, Any]]] = {room: [] for room in rooms}
        for talk in members:
            by_room[talk.room].append(_event_dict(talk, index))
        days.append({"index": index, "date": day, "day_start": members[0].start.isoformat(),
                     "day_end": max(t.end for t in members).isoformat(), "rooms": by_room})
    conference = {"acronym": acronym, "title": title, "start": days[0]["date"], "end": days[-1]["date"],
                  "daysCount": len(days), "timeslot_duration": "00:05", "time_zone_name": zone,
                  "rooms": [{"name": r} for r in rooms], "days": days}
    return json.dumps({"schedule": {"version": "1.0", "base_url": "", "conference": conference}}, indent=1,
                      ensure_ascii=False)


def frab_xml(acronym: str, title: str, zone: str, talks: list[Talk], day_change_hour: int = 5) -> str:
    root = ET.Element("schedule")
    ET.SubElement(root, "version").text = "1.0"
    conference = ET.SubElement(root, "conference")
    grouped = _conference_days(talks, day_change_hour)
    for name, value in (("acronym", acronym), ("title", title), ("start", grouped[0][0]),
                        ("end", grouped[-1][0]), ("days", str(len(grouped))), ("timeslot_duration", "00:05"),
                        ("time_zone_name", zone)):
        ET.SubElement(conference, name).text = value
    for index, (day, members) in enumerate(grouped, 1):
        day_element = ET.SubElement(root, "day", index=str(index), date=day, start=members[0].start.isoformat(),
                                    end=max(t.end for t in members).isoformat())
        for room in sorted({t.room for t in members}):
            room_element = ET.SubElement(day_element, "room", name=room)
            for talk in (t for t in members if t.room == room):
                event = _event_dict(talk, index)
                element = ET.SubElement(room_element, "event", guid=event["guid"], id=talk.id)
                for key in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track",
                            "type", "language", "abstract", "description"):
                    ET.SubElement(element, key).text = str(event[key])
                persons = ET.SubElement(element, "persons")
                for person in event["persons"]:
                    ET.SubElement(persons, "person", id=str(person["id"])).text = person["public_name"]
                ET.SubElement(element, "links")
    ET.indent(root)
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(root, encoding="unicode") + "\n"


def ical(title: str, zone: str, talks: list[Talk]) -> str:
    """Like pretalx's schedule.ics: SUMMARY "title - speakers", UID pretalx-<event>-<code>@host, TZID times."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//pretalx//pretalx.example.org//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    tz = ZoneInfo(zone)
    for talk in talks:
        event = icalendar.Event()
        event.add("uid", talk.id)
        speakers = ", ".join(talk.speakers)
        event.add("summary", f"{talk.title} - {speakers}" if speakers else talk.title)
        event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
        event.add("dtstart", talk.start.astimezone(tz))
        event.add("dtend", talk.end.astimezone(tz))
        event.add("location", talk.room)
        event.add("description", talk.abstract)
        event.add("url", talk.url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")


# ---------------------------------------------------------------- posts

_TOKEN = re.compile(r"(?P<url>https?://\S+)|(?<![\w/])#(?P<tag>\w+)|(?<![\w/])@(?P<mention>[a-z0-9.-]+\.[a-z]+)")


def _segments(text: str) -> list[tuple[str, str]]:
    parts, position = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            parts.append(("text", text[position:match.start()]))
        parts.append((match.lastgroup or "text", match.group(0)))
        position = match.end()
    if position < len(text):
        parts.append(("text", text[position:]))
    return parts


def _facets(text: str, dids: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    shown, facets = "", []
    for kind, piece in _segments(text):
        value = piece
        if kind == "url":
            bare = piece.split("://", 1)[1]
            piece = bare if len(bare) <= 28 else bare[:25] + "..."
        start = len(shown.encode())
        shown += piece
        end = len(shown.encode())
        feature = None
        if kind == "url":
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": value}
        elif kind == "tag":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": value[1:]}
        elif kind == "mention" and value[1:] in dids:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": dids[value[1:]]}
        if feature:
            facets.append({"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end},
                           "features": [feature]})
    return shown, facets


def _uri(draft: Draft) -> str:
    return f"at://{draft.author.did}/app.bsky.feed.post/{_tid(draft.at, draft.key)}"


def post_id(draft: Draft) -> str:
    return _uri(draft) if draft.author.service == "bluesky" else _status_uri(draft)


def _blob(seed: str) -> dict[str, Any]:
    return {"$type": "blob", "ref": {"$link": _cid(seed, 0x55)}, "mimeType": "image/jpeg",
            "size": _number(seed, 90_000, 480_000)}


def _author_view(account: Account) -> dict[str, Any]:
    labels = []
    if account.opted_out:
        labels.append({"src": account.did, "uri": f"at://{account.did}/app.bsky.actor.profile/self",
                       "cid": _cid("profile:" + account.handle, 0x71), "val": OPT_OUT_LABEL,
                       "cts": "2024-01-01T00:00:00.000Z"})
    return {"did": account.did, "handle": account.handle, "displayName": account.display_name,
            "avatar": f"https://cdn.bsky.app/img/avatar/plain/{account.did}/{_cid('a' + account.handle, 0x55)}@jpeg",
            "labels": labels, "createdAt": "2023-09-01T12:00:00.000Z"}


def _record(draft: Draft, dids: dict[str, str]) -> dict[str, Any]:
    text, facets = _facets(draft.text, dids)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": utc_z(draft.at),
                              "langs": [draft.lang]}
    if facets:
        record["facets"] = facets
    if draft.reply_to and draft.root:
        record["reply"] = {"root": {"uri": _uri(draft.root), "cid": _cid(draft.root.key, 0x71)},
                           "parent": {"uri": _uri(draft.reply_to), "cid": _cid(draft.reply_to.key, 0x71)}}
    if draft.image_alt:
        record["embed"] = {"$type": "app.bsky.embed.images", "images": [
            {"alt": draft.image_alt, "image": _blob(draft.key), "aspectRatio": {"width": 1600, "height": 900}}]}
    elif draft.card:
        record["embed"] = {"$type": "app.bsky.embed.external", "external": {
            "uri": draft.card[0], "title": draft.card[1], "description": "", "thumb": _blob("t" + draft.key)}}
    elif draft.quote_of:
        record["embed"] = {"$type": "app.bsky.embed.record", "record": {
            "uri": _uri(draft.quote_of), "cid": _cid(draft.quote_of.key, 0x71)}}
    return record


def _embed_view(draft: Draft, dids: dict[str, str]) -> dict[str, Any] | None:
    cdn = f"https://cdn.bsky.app/img/feed_fullsize/plain/{draft.author.did}/{_cid(draft.key, 0x55)}@jpeg"
    if draft.image_alt:
        return {"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": cdn, "fullsize": cdn, "alt": draft.image_alt, "aspectRatio": {"width": 1600, "height": 900}}]}
    if draft.card:
        return {"$type": "app.bsky.embed.external#view", "external": {
            "uri": draft.card[0], "title": draft.card[1], "description": "", "thumb": cdn}}
    if draft.quote_of and draft.quote_of.author.service == "bluesky":
        quoted = draft.quote_of
        return {"$type": "app.bsky.embed.record#view", "record": {
            "$type": "app.bsky.embed.record#viewRecord", "uri": _uri(quoted), "cid": _cid(quoted.key, 0x71),
            "author": _author_view(quoted.author), "value": _record(quoted, dids), "labels": [],
            "indexedAt": utc_z(quoted.at + timedelta(seconds=1))}}
    return None


def bluesky_pages(drafts: list[Draft]) -> list[str]:
    posts = sorted((d for d in drafts if d.author.service == "bluesky"), key=lambda d: d.at, reverse=True)
    dids = {d.author.handle: d.author.did for d in posts}
    views = []
    for draft in posts:
        view: dict[str, Any] = {"uri": _uri(draft), "cid": _cid(draft.key, 0x71), "author": _author_view(draft.author),
                                "record": _record(draft, dids)}
        embed = _embed_view(draft, dids)
        if embed:
            view["embed"] = embed
        view.update(replyCount=0, repostCount=0, likeCount=_number("l" + draft.key, 0, 40), quoteCount=0,
                    indexedAt=utc_z(draft.at + timedelta(seconds=2)), labels=[])
        views.append(view)
    pages = []
    for offset in range(0, len(views), PAGE_SIZE):
        page: dict[str, Any] = {"posts": views[offset:offset + PAGE_SIZE]}
        if offset + PAGE_SIZE < len(views):
            page["cursor"] = str(offset + PAGE_SIZE)
        pages.append(json.dumps(page, indent=1, ensure_ascii=False))
    return pages


def _status_id(draft: Draft) -> str:
    return str((int(draft.at.timestamp() * 1000) << 16) | _number(draft.key, 0, 65535))


def _status_uri(draft: Draft) -> str:
    return f"https://glammr.example/users/{draft.author.name}/statuses/{_status_id(draft)}"


def _html(text: str, tag_base: str) -> str:
    out = []
    for kind, piece in _segments(text):
        if kind == "tag":
            out.append(f'<a href="{tag_base}/tags/{piece[1:].lower()}" class="mention hashtag" rel="tag">'
                       f"#<span>{html.escape(piece[1:])}</span></a>")
        elif kind == "url":
            out.append(f'<a href="{html.escape(piece)}" rel="nofollow noopener" target="_blank">'
                       f"{html.escape(piece)}</a>")
        else:
            out.append(html.escape(piece))
    return "<p>" + "".join(out) + "</p>"


def mastodon_statuses(drafts: list[Draft]) -> str:
    base = "https://glammr.example"
    statuses = []
    for draft in sorted((d for d in drafts if d.author.service == "mastodon"), key=lambda d: d.at, reverse=True):
        account = draft.author
        tags = [p[1:] for k, p in _segments(draft.text) if k == "tag"]
        media = []
        if draft.image_alt:
            media.append({"id": _status_id(draft), "type": "image", "url": f"{base}/media/{draft.key}.jpg",
                          "preview_url": f"{base}/media/{draft.key}_s.jpg", "description": draft.image_alt,
                          "meta": {}, "blurhash": None, "remote_url": None})
        statuses.append({
            "id": _status_id(draft), "created_at": utc_z(draft.at),
            "in_reply_to_id": _status_id(draft.reply_to) if draft.reply_to else None,
            "in_reply_to_account_id": str(_number(draft.reply_to.author.name, 10**8, 10**9)) if draft.reply_to else None,
            "sensitive": False, "spoiler_text": "", "visibility": "public", "language": draft.lang,
            "uri": _status_uri(draft), "url": f"{base}/@{account.name}/{_status_id(draft)}",
            "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "content": _html(draft.text, base),
            "reblog": None,
            "account": {"id": str(_number(account.name, 10**8, 10**9)), "username": account.name,
                        "acct": account.name, "display_name": account.display_name, "url": f"{base}/@{account.name}",
                        "avatar": f"{base}/avatars/{account.name}.png", "bot": False, "discoverable": True,
                        "created_at": "2022-11-01T00:00:00.000Z", "note": "", "fields": [], "emojis": []},
            "media_attachments": media, "mentions": [], "emojis": [],
            "card": {"url": draft.card[0], "title": draft.card[1], "description": "", "type": "link"} if draft.card else None,
            "poll": None, "tags": [{"name": t.lower(), "url": f"{base}/tags/{t.lower()}"} for t in tags],
        })
    return json.dumps(statuses, indent=1, ensure_ascii=False)


@dataclass(frozen=True)
class Recap:
    guid: str
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]
    session: str


def rss(tag: str, recaps: list[Recap]) -> str:
    rss_element = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss_element, "channel")
    for name, value in (("title", "Notes from the stacks"), ("link", "https://notes.example.org/"),
                        ("description", "A librarian's conference notes")):
        ET.SubElement(channel, name).text = value
    for recap in sorted(recaps, key=lambda r: r.published, reverse=True):
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = recap.title
        ET.SubElement(item, "link").text = recap.guid
        ET.SubElement(item, "guid", isPermaLink="true").text = recap.guid
        ET.SubElement(item, "pubDate").text = format_datetime(recap.published.astimezone(UTC))
        ET.SubElement(item, "{http://purl.org/dc/elements/1.1/}creator").text = recap.author
        ET.SubElement(item, "category").text = tag
        ET.SubElement(item, "description").text = " ".join(recap.paragraphs)[:240]
        ET.SubElement(item, "{http://purl.org/rss/1.0/modules/content/}encoded").text = "".join(
            f"<p>{html.escape(p)}</p>" for p in recap.paragraphs)
    ET.register_namespace("content", "http://purl.org/rss/1.0/modules/content/")
    ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    return "<?xml version='1.0' encoding='utf-8'?>\n" + ET.tostring(rss_element, encoding="unicode")


def labels_csv(drafts: list[Draft], recaps: list[Recap], talks: list[Talk]) -> str:
    def parallel(moment: datetime) -> int:
        return sum(1 for t in talks if t.start <= moment < t.end)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "id", "session", "clue", "time", "parallel"])
    for draft in drafts:
        writer.writerow([draft.author.service, post_id(draft), draft.session, int(draft.clue), utc_z(draft.at),
                         parallel(draft.at)])
    for recap in recaps:
        writer.writerow(["feed", recap.guid, recap.session, int(bool(recap.session)), utc_z(recap.published),
                         parallel(recap.published)])
    return out.getvalue()
