""""Happening now / next" on the home page, worked out at build time from the injectable clock.

The page is right without JavaScript as of its build; ``static/now.js`` recomputes the same
lists from the programme grid's session times when a reader opens a page built a while ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aggregator.site.model import SessionView

# The box appears this long before the first session starts, so "next" greets early readers.
LEAD_TIME = timedelta(hours=2)


@dataclass(frozen=True)
class NowAndNext:
    moment: datetime  # the build's "now"
    running: bool  # whether the conference is on at ``moment`` (from LEAD_TIME before its first session)
    now: tuple[SessionView, ...]  # sessions under way
    next: tuple[SessionView, ...]  # the sessions of the next slot to start


def now_and_next(sessions: tuple[SessionView, ...], moment: datetime) -> NowAndNext:
    if not sessions:
        return NowAndNext(moment, False, (), ())
    first_start = min(view.session.start for view in sessions)
    last_end = max(view.session.end for view in sessions)
    if not first_start - LEAD_TIME <= moment < last_end:
        return NowAndNext(moment, False, (), ())
    current = tuple(view for view in sessions if view.session.start <= moment < view.session.end)
    upcoming = [view for view in sessions if view.session.start > moment]
    next_start = min((view.session.start for view in upcoming), default=None)
    following = tuple(view for view in upcoming if view.session.start == next_start)
    return NowAndNext(moment, True, current, following)
