""""Happening now / next" on the home page, worked out at build time from the injectable clock.

The page is right without JavaScript as of its build; ``static/now.js`` recomputes the same
lists from the programme grid's session times when a reader opens a page built a while ago.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from aggregator.site.model import SessionView

# The box appears this long before the first session starts, so "next" greets early readers.
LEAD_TIME = timedelta(hours=2)

T = TypeVar("T")


@dataclass(frozen=True)
class NowAndNext:
    moment: datetime  # the build's "now"
    running: bool  # whether the conference is on at ``moment`` (from LEAD_TIME before its first session)
    now: tuple[SessionView, ...]  # sessions under way
    next: tuple[SessionView, ...]  # the sessions of the next slot to start


def now_and_next(sessions: tuple[SessionView, ...], moment: datetime) -> NowAndNext:
    running, current, following = _happening(sessions, lambda view: (view.session.start, view.session.end), moment)
    return NowAndNext(moment, running, current, following)


def happening_ids(
    spans: Sequence[tuple[str, datetime, datetime]], moment: datetime
) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """What the home page's box shows at ``moment`` for sessions given as (id, start, end)."""
    running, current, following = _happening(tuple(spans), lambda span: (span[1], span[2]), moment)
    return running, tuple(span[0] for span in current), tuple(span[0] for span in following)


def _happening(
    items: tuple[T, ...], span_of: Callable[[T], tuple[datetime, datetime]], moment: datetime
) -> tuple[bool, tuple[T, ...], tuple[T, ...]]:
    """Whether the conference is on at ``moment``, the items under way and those of the next slot."""
    if not items:
        return False, (), ()
    first_start = min(span_of(item)[0] for item in items)
    last_end = max(span_of(item)[1] for item in items)
    if not first_start - LEAD_TIME <= moment < last_end:
        return False, (), ()
    current = tuple(item for item in items if span_of(item)[0] <= moment < span_of(item)[1])
    upcoming = [item for item in items if span_of(item)[0] > moment]
    next_start = min((span_of(item)[0] for item in upcoming), default=None)
    following = tuple(item for item in upcoming if span_of(item)[0] == next_start)
    return True, current, following
