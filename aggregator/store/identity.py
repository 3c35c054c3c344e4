"""Which conference a store belongs to: recorded by the first run, checked by every later one.

Two configurations sharing one data folder (or one database) would otherwise publish each
other's posts. A store is another conference's when neither the name nor any hashtag matches:
renaming a conference, or adding a hashtag, keeps its store.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from aggregator.errors import ConfigError

CONFERENCE_KEY = "conference"  # the meta key holding the identity


@dataclass(frozen=True)
class ConferenceIdentity:
    name: str
    hashtags: tuple[str, ...]

    def same_as(self, other: ConferenceIdentity) -> bool:
        return self.name.casefold() == other.name.casefold() or bool(set(self.hashtags) & set(other.hashtags))

    def describe(self) -> str:
        tags = ", ".join("#" + tag for tag in self.hashtags)
        return f"{self.name!r} ({tags})"

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "hashtags": list(self.hashtags)}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ConferenceIdentity | None:
        try:
            data = json.loads(text)
            return cls(str(data["name"]), tuple(str(tag) for tag in data["hashtags"]))
        except (ValueError, KeyError, TypeError):
            return None


class ConferenceMismatch(ConfigError):
    """The store holds another conference's posts."""


def refuse_other(recorded: ConferenceIdentity, wanted: ConferenceIdentity, location: str) -> None:
    if not recorded.same_as(wanted):
        raise ConferenceMismatch(
            f"{location} holds the posts of {recorded.describe()}, not of {wanted.describe()}: "
            "give this configuration its own `data_dir:` (or `store:`), or point it at that conference's config"
        )


def recorded_conference(database: Path) -> ConferenceIdentity | None:
    """The identity recorded in an SQLite store file, read without changing it (None: none, or unreadable)."""
    if not database.is_file():
        return None
    try:
        with sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True) as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (CONFERENCE_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    return ConferenceIdentity.from_json(row[0]) if row else None
