"""The `assignment:` section of sources.yaml (tuning knobs of the session-assignment engine).

Every weight is in the same unit: natural-log odds added to a candidate session's score. A
weight of 2.3 makes a session ten times likelier than it was; the time prior and the
hallway weight set the starting odds.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aggregator.patterns import RegexPattern

log = logging.getLogger(__name__)


class SignalWeights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: float = Field(
        3.0, ge=0.0, description="multiplier of the BM25 text similarity to a session's programme entry"
    )
    title: float = Field(4.0, ge=0.0, description="the post quotes the session's title")
    link: float = Field(9.0, ge=0.0, description="the post links to the session's page, slides or recording")
    hashtag: float = Field(9.0, ge=0.0, description="the post carries the session's own hashtag or code")
    speaker: float = Field(3.5, ge=0.0, description="the post names one of the session's speakers")
    handle: float = Field(3.5, ge=0.0, description="the post mentions an account that looks like a speaker's")
    own_talk: float = Field(
        6.0, ge=0.0, description="a speaker (by display name) speaks of their own talk: 'my slides', 'my talk'"
    )
    room: float = Field(2.5, ge=0.0, description="the post names the session's room (near the session's time)")
    track: float = Field(
        2.0, ge=0.0, description="the post names the session's track or block, 'the text mining session' (near its time)"
    )
    inherit: float = Field(
        5.0, ge=0.0, description="a reply or quote, times the confidence of what it answers or quotes"
    )
    continuity: float = Field(3.0, ge=0.0, description="the author was confidently in this session with another thread")
    hallway: float = Field(
        4.5, ge=0.0, description="per hallway word (lunch, coffee, badge...), in favour of the hallway"
    )


class DiscoverySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gap_minutes: int = Field(20, ge=1, description="a pause this long between posts ends a discovered session")
    min_threads: int = Field(
        3, ge=1, description="fewer threads than this in a burst make no session (they stay in the hallway)"
    )
    max_minutes: int = Field(120, ge=10, description="bursts longer than this are split at their quietest moment")
    title_words: int = Field(4, ge=1, le=12, description="how many characteristic words name a discovered session")


class AssignmentSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.5, ge=0.0, le=1.0, description="below this confidence a thread goes to the hallway")
    favourite_ratio: float = Field(
        2.0,
        ge=1.0,
        description="below the threshold, a session this many times likelier than any alternative still wins",
    )
    favourite_min: float = Field(0.05, ge=0.0, le=1.0, description="...as long as its confidence reaches this")
    replies: Literal["conversation", "separate", "none"] = Field(
        "conversation",
        description="others' replies: kept in the thread as conversation, threads of their own (separate), or dropped (none)",
    )
    lead_minutes: int = Field(15, ge=0, description="posts this long before a session starts may already be about it")
    reflection_minutes: int = Field(30, ge=0, description="posts this long after a session ends may still be about it")
    hallway_weight: float = Field(
        0.35, gt=0.0, description="prior weight of the hallway against one session running at the post's time"
    )
    recap_weight: float = Field(
        0.01,
        gt=0.0,
        description="prior weight of a session outside the post's time window (recaps days later, text only)",
    )
    stay_share: float = Field(
        0.25,
        ge=0.0,
        lt=1.0,
        description="share of people who stay in the room for the next session: a weak prior for an author's next thread "
        "(with many rooms it tips a weak clue, it never places a thread alone; 0 turns it off)",
    )
    weights: SignalWeights = Field(SignalWeights(), description="how much each signal counts")
    session_code_patterns: list[RegexPattern] = Field(
        default_factory=list,
        description=r"regular expressions whose first group is a session id or code found in posts, e.g. '#c4l27-(\d+)'",
    )
    hallway_words: list[str] = Field(
        default_factory=list, description="extra words that mark a post as hallway chatter, added to the built-in list"
    )
    stopwords: list[str] = Field(default_factory=list, description="extra words ignored by text matching")
    discovery: DiscoverySettings = Field(
        DiscoverySettings(), description="grouping posts into time-bursts when no programme is configured"
    )

    @field_validator("replies", mode="before")
    @classmethod
    def _old_spelling_of_conversation(cls, value: object) -> object:
        if value == "self":  # before 0.2 'self' meant what a source's `replies: self` does not
            log.warning("assignment.replies: 'self' is deprecated, write 'conversation' (same meaning)")
            return "conversation"
        return value

    @field_validator("session_code_patterns")
    @classmethod
    def _patterns_have_a_group(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if re.compile(pattern).groups < 1:
                raise ValueError(f"{pattern!r} needs a (group) around the session id or code")
        return patterns
