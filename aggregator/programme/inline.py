"""Sessions written straight into sources.yaml under ``sessions:``, alone or on top of a programme file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.lenient import normalize_hashtag, plain_text, unique
from aggregator.programme.model import Programme, ProgrammeHeader, assemble, resolve_zone
from aggregator.sanitize import is_safe_url


class InlineSession(BaseModel):
    """One session as a curator writes it in ``sessions:``."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True)

    id: str = Field(
        min_length=1,
        description="Session id, used in sessions.json and overrides; reuse a programme event's id to replace that event.",
    )
    title: str = Field(min_length=1, description="Session title as shown on the site.")
    start: datetime = Field(description="Start, ISO 8601 (2027-03-02T09:00); without an offset it is in the conference timezone.")
    end: datetime = Field(description="End, ISO 8601; without an offset it is in the conference timezone.")
    room: str = Field(default="", description="Room or track name shown in the programme grid.")
    speakers: list[str] = Field(default_factory=list, description="Speakers' names as readers know them.")
    abstract: str = Field(default="", description="Short description (plain text; HTML is stripped).")
    track: str = Field(default="", description="Programme track or theme.")
    url: str = Field(default="", description="The session's page on the conference site (http or https).")
    hashtags: list[str] = Field(
        default_factory=list, description='Hashtags or codes meaning this session, e.g. ["#c4l27-keynote"].'
    )
    links: list[str] = Field(
        default_factory=list, description="Slides, recordings or papers (http or https); posts linking to them are about this session."
    )

    @field_validator("url")
    @classmethod
    def _url_is_web(cls, value: str) -> str:
        if value and not is_safe_url(value):
            raise ValueError("must be an http:// or https:// address")
        return value

    @field_validator("links")
    @classmethod
    def _links_are_web(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not is_safe_url(v)]
        if bad:
            raise ValueError(f"must be http:// or https:// addresses, not {', '.join(map(repr, bad))}")
        return values

    @field_validator("hashtags")
    @classmethod
    def _normalize_hashtags(cls, values: list[str]) -> list[str]:
        return [tag for tag in (normalize_hashtag(v) for v in values) if tag]

    @model_validator(mode="after")
    def _ends_after_start(self) -> InlineSession:
        both_naive = self.start.tzinfo is None and self.end.tzinfo is None
        both_aware = self.start.tzinfo is not None and self.end.tzinfo is not None
        if (both_naive or both_aware) and self.end <= self.start:
            raise ValueError(f"end ({self.end.isoformat()}) must be after start ({self.start.isoformat()})")
        return self

    def to_session(self, tz: tzinfo) -> Session:
        """The Session, naive times read in ``tz``."""
        return Session(
            id=self.id,
            title=self.title,
            start=_aware(self.start, tz),
            end=_aware(self.end, tz),
            room=self.room,
            speakers=unique(s.strip() for s in self.speakers),
            abstract=plain_text(self.abstract),
            track=self.track,
            url=self.url,
            hashtags=unique(self.hashtags),
            links=unique(self.links),
        )


def inline_sessions(inline: Sequence[InlineSession], timezone: str | None) -> list[Session]:
    """The inline sessions as Sessions, naive times read in ``timezone`` (UTC when None)."""
    _, tz = resolve_zone(timezone or "")
    sessions = [item.to_session(tz) for item in inline]
    for session in sessions:
        if session.end <= session.start:  # only reachable when one end is naive and the other not
            raise ProgrammeError(f"inline session {session.id!r}: end must be after start")
    return sessions


def programme_from_inline(inline: Sequence[InlineSession], timezone: str | None, *, title: str = "") -> Programme:
    """A programme made only of inline sessions (no programme file configured)."""
    zone_name, _ = resolve_zone(timezone or "")
    header = ProgrammeHeader(title=title, timezone=zone_name)
    return assemble(header, inline_sessions(inline, timezone), source="inline sessions")


def _aware(moment: datetime, tz: tzinfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)
