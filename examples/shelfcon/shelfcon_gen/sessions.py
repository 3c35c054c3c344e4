"""The ShelfCon 2026 programme: every talk with the material people quote from it, and the breaks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Amsterdam")
DAY_ONE = date(2026, 6, 11)
DAY_TWO = date(2026, 6, 12)
ROOMS = ("Atrium", "Reading Room", "Map Room")

METADATA = "Metadata & Linked Data"
PRESERVATION = "Digital Preservation"
OPEN_ACCESS = "Open Access & Scholarly Communication"
DISCOVERY = "Discovery & Accessibility"
PLENARY = "Plenary"


@dataclass(frozen=True)
class Talk:
    """One programme session, plus what attendees quote and photograph during it."""

    key: str
    day: date
    start: time
    minutes: int
    room: str
    title: str
    speakers: tuple[str, ...]
    track: str
    kind: str
    abstract: str
    quotes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    slide_alt: str = ""
    slides_url: str = ""

    @property
    def begins(self) -> datetime:
        return datetime.combine(self.day, self.start, TIMEZONE)

    @property
    def ends(self) -> datetime:
        return self.begins + timedelta(minutes=self.minutes)

    @property
    def speaker(self) -> str:
        return self.speakers[0]

    @property
    def quoted_speaker(self) -> str:
        """Whom people quote: on a panel, a panellist rather than the moderator listed first."""
        return self.speakers[1] if self.kind == "Panel" else self.speaker



@dataclass(frozen=True)
class Break:
    key: str
    day: date
    start: time
    minutes: int
    title: str
    abstract: str = ""
    room: str = "Atrium"

    @property
    def begins(self) -> datetime:
        return datetime.combine(self.day, self.start, TIMEZONE)

    @property
    def ends(self) -> datetime:
        return self.begins + timedelta(minutes=self.minutes)



def clock(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


BREAKS: tuple[Break, ...] = (
    Break("coffee-1a", DAY_ONE, clock(11), 30, "Coffee break", "Coffee, tea and stroopwafels in the Foyer."),
    Break("lunch-1", DAY_ONE, clock(12, 30), 60, "Lunch", "Lunch is served in the Foyer and on the terrace."),
    Break("coffee-1b", DAY_ONE, clock(15), 30, "Coffee break", "Coffee and tea in the Foyer."),
    Break("coffee-2a", DAY_TWO, clock(11), 30, "Coffee break", "Coffee, tea and stroopwafels in the Foyer."),
    Break("lunch-2", DAY_TWO, clock(12, 30), 60, "Lunch", "Lunch is served in the Foyer."),
)
