"""A speaker on their own talk as something over: "sorry I had to run out after my talk", "thanks
for coming to my talk", "the slides of my talk". A speaker with several sessions (a talk, then a
panel) means one that has begun by then, not the one still ahead."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from aggregator.assignment.text import says_any
from aggregator.models import Session

PAST_OWN_TALK_PHRASES = (
    "after my",
    "my talk was",
    "my talk went",
    "gave my",
    "given my",
    "finished my",
    "done with my",
    "thanks for coming to my",
    "thank you for coming to my",
    "thanks to everyone who came to my",
    "slides from my",
    "slides of my",
    "slides for my talk this",
    "during my",
    "i presented",
    "i talked",
    "i spoke",
    "nach meinem",
    "après ma",
    "después de mi",
)


def speaks_of_it_as_over(phrases: str) -> bool:
    """Whether a text (in phrase_form) speaks of the author's own talk as over."""
    return says_any(phrases, PAST_OWN_TALK_PHRASES)


def begun_by(indices: Collection[int], sessions: Sequence[Session], moment: datetime) -> set[int]:
    """Of a speaker's sessions, those begun by ``moment``; all of them when none has (the clock
    may be off: then the tense does not choose)."""
    begun = {index for index in indices if sessions[index].start <= moment}
    return begun or set(indices)


# A speaker's account beside a word for a talk ("@i_steves talk", "missed your talk, @ledell", "@_lacion_
# fez uma ótima apresentação") names that speaker's talk more firmly than a mention in passing.
TALK_WORD_BONUS = 2.5
TALK_WORDS = frozenset(
    {
        "talk", "talks", "presentation", "slides", "keynote", "workshop", "tutorial",
        "vortrag", "folien", "présentation", "exposé", "apresentação", "palestra", "charla", "presentación",
    }
)  # fmt: skip


def speaks_of_a_talk(phrases: str) -> bool:
    """Whether a text (in phrase_form) speaks of a talk."""
    return says_any(phrases, TALK_WORDS)
