"""Validates the example's files: freshness, real wire formats (atproto SDK, feedparser) and label consistency."""
from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .bluesky import short_link
from .people import OPT_OUT_LABEL

TAG = "shelfcon26"
MAX_BSKY_GRAPHEMES = 300
MAX_MASTODON_CHARS = 500


def _check_fresh(folder: Path, files: dict[str, str]) -> list[str]:
    problems = []
    for relative, text in files.items():
        path = folder / relative
        if not path.exists():
            problems.append(f"{relative}: missing, run generate.py")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{relative}: differs from a fresh generation, run generate.py")
    for page in (folder / "bluesky").glob("searchPosts-*.json"):
        if page.relative_to(folder).as_posix() not in files:
            problems.append(f"{page.name}: stale page not produced by the generator")
    return problems


def _programme_sessions(programme: dict[str, Any]) -> tuple[dict[str, tuple[datetime, datetime]], set[str], set[str]]:
    sessions: dict[str, tuple[datetime, datetime]] = {}
    breaks: set[str] = set()
    rooms: set[str] = set()
    for day in programme["schedule"]["conference"]["days"]:
        for room, events in day["rooms"].items():
            for event in events:
                hours, minutes = map(int, event["duration"].split(":"))
                begins = datetime.fromisoformat(event["date"])
                if event["type"] == "Break":
                    breaks.add(str(event["id"]))
                    continue
                rooms.add(room)
                sessions[str(event["id"])] = (begins, begins + timedelta(hours=hours, minutes=minutes))
    return sessions, breaks, rooms


def _validate_page(name: str, page: dict[str, Any]) -> list[str]:
    from atproto_client import models
    from atproto_client.models.utils import get_or_create

    # Records are open unions inside a postView: validate them again on their own so that the strict
    # string formats (datetimes, handles, URIs) are checked there too.
    records = [post["record"] for post in page["posts"]]
    records += [post["embed"]["record"]["value"] for post in page["posts"]
                if post.get("embed", {}).get("$type") == "app.bsky.embed.record#view"]
    problems = []
    for data, model in [(page, models.AppBskyFeedSearchPosts.Response)] + [
            (record, models.AppBskyFeedPost.Record) for record in records]:
        try:
            get_or_create(data, model, strict=True, strict_string_format=True)
        except Exception as error:  # noqa: BLE001 - report every validation failure, whatever its type
            problems.append(f"{name}: atproto validation failed: {error}")
    return problems


def _facet_problems(uri: str, record: dict[str, Any], handles: dict[str, str]) -> list[str]:
    problems = []
    data = record["text"].encode("utf-8")
    for facet in record.get("facets", []):
        shown = data[facet["index"]["byteStart"]: facet["index"]["byteEnd"]].decode("utf-8", errors="replace")
        feature = facet["features"][0]
        kind = feature["$type"].rsplit("#", 1)[-1]
        if kind == "tag":
            expected = "#" + feature["tag"]
        elif kind == "mention":
            expected = "@" + handles.get(feature["did"], "?")
        else:
            expected = short_link(feature["uri"])
        if shown != expected:
            problems.append(f"{uri}: {kind} facet covers {shown!r}, expected {expected!r}")
    return problems


def _check_bluesky(folder: Path) -> tuple[list[str], list[dict[str, Any]]]:
    problems: list[str] = []
    pages = sorted((folder / "bluesky").glob("searchPosts-*.json"))
    posts: list[dict[str, Any]] = []
    for number, path in enumerate(pages, 1):
        page = json.loads(path.read_text(encoding="utf-8"))
        problems += _validate_page(path.name, page)
        if ("cursor" in page) != (number < len(pages)):
            problems.append(f"{path.name}: cursor must be on every page but the last")
        posts += page["posts"]
    by_uri = {post["uri"]: post for post in posts}
    handles = {post["author"]["did"]: post["author"]["handle"] for post in posts}
    stamps = [post["indexedAt"] for post in posts]
    if stamps != sorted(stamps, reverse=True):
        problems.append("bluesky: posts are not newest first across pages")
    for post in posts:
        record = post["record"]
        problems += _facet_problems(post["uri"], record, handles)
        if len(record["text"]) > MAX_BSKY_GRAPHEMES:
            problems.append(f"{post['uri']}: text longer than {MAX_BSKY_GRAPHEMES} characters")
        for ref in (record.get("reply") or {}).values():
            if by_uri.get(ref["uri"], {}).get("cid") != ref["cid"]:
                problems.append(f"{post['uri']}: reply ref {ref['uri']} not in the capture")
        tags = {f["features"][0].get("tag", "").lower() for f in record.get("facets", [])} | set(record.get("tags", []))
        if "reply" not in record and TAG not in tags:
            problems.append(f"{post['uri']}: thread root without #{TAG}")
    return problems, posts


def _check_mastodon(folder: Path) -> tuple[list[str], list[dict[str, Any]]]:
    problems: list[str] = []
    statuses = json.loads((folder / "mastodon" / "statuses.json").read_text(encoding="utf-8"))
    ids = {status["id"] for status in statuses}
    if len(ids) != len(statuses):
        problems.append("mastodon: duplicate status ids")
    stamps = [status["created_at"] for status in statuses]
    if stamps != sorted(stamps, reverse=True):
        problems.append("mastodon: statuses are not newest first")
    boosts = [status for status in statuses if status["reblog"]]
    if len(boosts) != 1 or boosts[0]["reblog"]["id"] not in ids:
        problems.append("mastodon: expected exactly one boost of a status in the file")
    for status in statuses:
        if status["in_reply_to_id"] and status["in_reply_to_id"] not in ids:
            problems.append(f"{status['uri']}: in_reply_to_id not in the file")
        if any(not media["description"] for media in status["media_attachments"]):
            problems.append(f"{status['uri']}: image without a description")
    return problems, [status for status in statuses if not status["reblog"]]


def _check_feed(folder: Path) -> tuple[list[str], list[str]]:
    import feedparser

    parsed = feedparser.parse((folder / "blogs" / "recaps.xml").read_bytes())
    problems = [f"recaps.xml: not well-formed: {parsed.bozo_exception}"] if parsed.bozo else []
    for entry in parsed.entries:
        if not (entry.get("content") and entry.get("author") and entry.get("tags")):
            problems.append(f"recaps.xml: {entry.get('id')} lacks content, author or categories")
    return problems, [entry.id for entry in parsed.entries]


def _moment(stamp: str) -> datetime | None:
    """An aware datetime, or None when the stamp is not a full ISO 8601 time with an offset."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _running(sessions: dict[str, tuple[datetime, datetime]], moment: datetime) -> int:
    return sum(1 for begins, ends in sessions.values() if begins <= moment < ends)


def _check_labels(folder: Path, sessions: dict[str, tuple[datetime, datetime]], breaks: set[str],
                  bluesky: list[dict[str, Any]], mastodon: list[dict[str, Any]], feed: list[str]) -> list[str]:
    problems = []
    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8")))
    labelled = {row["id"]: row for row in rows}
    if len(labelled) != len(rows):
        problems.append("labels.csv: duplicate ids")
    expected = {post["uri"]: ("bluesky", post) for post in bluesky}
    expected |= {status["uri"]: ("mastodon", status) for status in mastodon}
    expected |= {guid: ("feed", None) for guid in feed}
    if set(labelled) != set(expected):
        problems.append(f"labels.csv: ids differ from the data ({len(set(labelled) ^ set(expected))} mismatched)")
    for pid, row in labelled.items():
        source, item = expected.get(pid, ("", None))
        opted_out = source == "bluesky" and any(lab["val"] == OPT_OUT_LABEL for lab in item["author"]["labels"])
        if (row["session"] == "EXCLUDED") != opted_out:
            problems.append(f"labels.csv: {pid} EXCLUDED must match the author's {OPT_OUT_LABEL} label")
        if row["session"] in breaks or (row["session"] not in sessions and row["session"] not in ("", "EXCLUDED")):
            problems.append(f"labels.csv: {pid} has session {row['session']!r}, not a programme session")
        if row["source"] != source:
            problems.append(f"labels.csv: {pid} source {row['source']!r}, expected {source!r}")
        if item is not None:
            created = item["record"]["createdAt"] if source == "bluesky" else item["created_at"]
            posted, stamped = _moment(created), _moment(row["time"])
            if posted is None or stamped is None or abs(posted - stamped) > timedelta(milliseconds=1):
                problems.append(f"labels.csv: {pid} time {row['time']} != createdAt {created}")
            elif int(row["parallel"]) != _running(sessions, stamped):
                problems.append(f"labels.csv: {pid} parallel {row['parallel']} is wrong")
    return problems


def run_checks(folder: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    """Returns (problems, summary lines)."""
    problems = _check_fresh(folder, files)
    programme = json.loads((folder / "programme.json").read_text(encoding="utf-8"))
    sessions, breaks, rooms = _programme_sessions(programme)
    if len(sessions) < 24 or len(rooms) < 3 or not breaks:
        problems.append("programme: needs >= 24 sessions, >= 3 rooms and some breaks")
    bluesky_problems, bluesky = _check_bluesky(folder)
    mastodon_problems, mastodon = _check_mastodon(folder)
    feed_problems, feed = _check_feed(folder)
    problems += bluesky_problems + mastodon_problems + feed_problems
    problems += _check_labels(folder, sessions, breaks, bluesky, mastodon, feed)
    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8")))
    summary = [
        f"programme: {len(sessions)} sessions in {len(rooms)} rooms, {len(breaks)} breaks",
        f"bluesky: {len(bluesky)} posts ({sum(1 for p in bluesky if 'reply' not in p['record'])} thread roots)",
        f"mastodon: {len(mastodon)} statuses (+1 boost)",
        f"feed: {len(feed)} recaps",
        f"labels: {len(rows)} rows, {sum(r['session'] == '' for r in rows)} hallway, "
        f"{sum(r['session'] == 'EXCLUDED' for r in rows)} excluded",
    ]
    return problems, summary
