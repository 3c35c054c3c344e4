"""Explicit evidence that names a session: its page or slides, its hashtag or code, a
speaker's name or account, its title, its room.

:class:`ProgrammeEvidence` prepares lookup tables once per programme (phrases, links, tags,
handle forms); :class:`ThreadClues` extracts what one thread offers once; then
:meth:`ProgrammeEvidence.named` looks each of the thread's phrases up, so the cost per
thread does not grow with the number of candidate sessions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import SplitResult, urlsplit

from aggregator.assignment.handles import (
    Speaker,
    SpeakerAccounts,
    account_local_part,
    author_key,
    compact_form,
    speaker_variants,
)
from aggregator.assignment.own_talk import TALK_WORD_BONUS, begun_by, speaks_of_a_talk, speaks_of_it_as_over
from aggregator.assignment.quoted_titles import QuotedTitles
from aggregator.assignment.settings import SignalWeights
from aggregator.assignment.text import OWN_TALK_PHRASES, STOPWORDS, phrase_form, split_scripts, without_urls
from aggregator.models import Author, Post, Session, Signal, Thread

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@([\w][\w.-]*(?:@[\w-]+(?:\.[\w-]+)+)?)", re.UNICODE)
_HASHTAG = re.compile(r"(?<![\w#])#([^\W_][\w-]*)", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TITLE_SPLIT = re.compile(r"\s*(?::|\s[–—-]\s|\|)\s*")
ROOM_CONTEXT = frozenset({"in", "im", "at", "room", "raum", "saal", "hall", "halle", "stage", "bühne"})
MIN_PHRASE_CHARS = 8  # shorter single-word titles ("Go") would match ordinary text
MAX_PHRASE_WORDS = 16  # longer titles are matched by their main part


def _split(url: str) -> SplitResult | None:
    """The parts of a URL, or None when it does not parse ("http://[host]...", a bad port):
    an unreadable address is no evidence, and never an error."""
    try:
        parts = urlsplit(url.strip().casefold() if "://" in url else f"//{url.strip().casefold()}")
        parts.port  # noqa: B018 - raises on a bad port, which later readers would trip over
    except ValueError:
        return None
    return parts


def normalize_url(url: str) -> str:
    """Host (without www.) and path, case-folded: "" for an address that does not parse."""
    parts = _split(url)
    if parts is None:
        return ""
    return f"{parts.netloc.removeprefix('www.')}{parts.path.rstrip('/')}"


def _page_key(url: str) -> str:
    """The last path segment of a URL when it is specific enough to name one page (a slug or code)."""
    parts = _split(url)
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1] if parts else ""
    return segment if len(segment) >= 5 and not segment.isdigit() and "." not in segment else ""


_SOCIAL_PROFILE = re.compile(
    r"^(?:(?:mobile\.)?twitter\.com|x\.com)/(?!i/|search|hashtag)([\w]{2,})(?:/|$)"
    r"|^bsky\.app/profile/([\w.-]+)"
    r"|^[\w.-]+/@([\w]+)(?:/|$)"
)


def linked_account(link: str) -> str:
    """The account a link to a post or profile names (a quoted post's address names its author)."""
    match = _SOCIAL_PROFILE.match(link)
    return next((group for group in match.groups() if group), "") if match else ""


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", split_scripts(unicodedata.normalize("NFKC", text))).split()


@dataclass(frozen=True)
class ThreadClues:
    """What a thread's own posts offer as evidence (others' replies do not speak for the author)."""

    text: str
    phrases: str  # phrase_form of text: case-folded words, single spaces, padded
    words: tuple[str, ...]  # the words as written (case kept), for one-word names
    links: frozenset[str]  # normalized URLs
    hashtags: frozenset[str]
    handles: frozenset[str]  # compact local parts of mentioned accounts
    codes: frozenset[str]  # session codes found by the configured patterns
    author: Author
    own_talk: str  # the phrase in which the author speaks of their own talk ("my slides"), if any

    @classmethod
    def of(cls, thread: Thread, code_patterns: Sequence[re.Pattern[str]] = ()) -> ThreadClues:
        posts = thread.own_posts
        text = "\n".join(p.searchable_text() for p in posts)
        prose = without_urls(text)
        links = frozenset(normalize_url(u) for u in _links(posts, text)) - {""}
        return cls(
            text=text,
            phrases=phrase_form(prose),
            words=tuple(_words(prose)),
            links=links,
            hashtags=frozenset(t.casefold().lstrip("#") for p in posts for t in p.hashtags)
            | frozenset(m.casefold() for m in _HASHTAG.findall(text)),
            handles=frozenset(key for h in _handles(posts, text, links) for key in _handle_keys(h)) - {""},
            codes=frozenset(m.casefold() for pattern in code_patterns for m in _first_groups(pattern, text)),
            author=thread.author,
            own_talk=_own_talk_phrase(prose),
        )


@dataclass
class Named:
    """What one thread names explicitly: signals per session index, and the rooms it names."""

    signals: dict[int, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    rooms: set[str] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)  # named tracks or session blocks ("the text mining session")
    clues: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # ids of every clue naming a session

    def add(self, indices: Iterable[int], signal: Signal) -> None:
        """Credit ``signal`` (one object for all the sessions one clue names) to each session, once per kind."""
        for index in indices:
            self.clues[index].add(id(signal))
            if all(s.name != signal.name for s in self.signals[index]):
                self.signals[index].append(signal)


@dataclass(frozen=True)
class _Phrase:
    kind: str  # "title", "speaker" or "room"
    indices: tuple[int, ...]
    detail: str
    needs_capital: bool = False  # one-word names count only when written capitalized
    needs_context: bool = False  # one-word rooms count only after "in", "room", "@"...


class ProgrammeEvidence:
    def __init__(self, sessions: Sequence[Session], weights: SignalWeights) -> None:
        self.sessions = sessions
        self.weights = weights
        self.by_link: dict[str, set[int]] = defaultdict(set)
        self.by_page: dict[str, set[int]] = defaultdict(set)  # last path segment (pretalx code, slug)
        self.by_tag: dict[str, set[int]] = defaultdict(set)
        self.by_code: dict[str, set[int]] = defaultdict(set)
        for index, session in enumerate(sessions):
            for url in (session.url, *session.links):
                if url:
                    self.by_link[normalize_url(url)].add(index)
                    if page := _page_key(url):
                        self.by_page[page].add(index)
            for tag in session.hashtags:
                self.by_tag[tag.casefold().lstrip("#")].add(index)
                self.by_code[tag.casefold().lstrip("#")].add(index)
            self.by_code[session.id.casefold()].add(index)
        self.phrases = _phrase_table(sessions)
        self.quoted_titles = QuotedTitles(sessions)
        self.longest_from: dict[str, int] = {}  # first word of a phrase -> most words a phrase starting so has
        for phrase in self.phrases:
            first, *rest = phrase.split()
            self.longest_from[first] = max(self.longest_from.get(first, 0), 1 + len(rest))
        self.accounts = SpeakerAccounts.of(sessions)
        self.track_tags: dict[str, set[str]] = defaultdict(set)  # '#datamining' for the track 'Data mining'
        for session in sessions:
            if len(compact_form(session.track)) >= MIN_PHRASE_CHARS:
                self.track_tags[compact_form(session.track)].add(session.track)

    def named(
        self, clues: ThreadClues, accounts: SpeakerAccounts | None = None, moment: datetime | None = None
    ) -> Named:
        """Every session the thread names, wherever it is in time, with the signals that name it
        (``moment``: when the thread began, which tells a speaker's past talk from a later one)."""
        w = self.weights
        found = Named()
        for link in clues.links:
            found.add(self.by_link.get(link, ()), Signal("link", w.link, "links to the session page or slides"))
            sessions = self.by_page.get(_page_key(link), set())
            if len(sessions) == 1:  # the same page under another host or language prefix
                found.add(
                    sessions, Signal("link", w.link, f"links to a page named like the session's ({_page_key(link)})")
                )
        for tag in clues.hashtags:
            found.add(self.by_tag.get(tag, ()), Signal("hashtag", w.hashtag, f"#{tag}"))
            found.tracks.update(self.track_tags.get(compact_form(tag), ()))
        for code in clues.codes:
            found.add(self.by_code.get(code, ()), Signal("hashtag", w.hashtag, f"code {code}"))
        accounts = accounts or self.accounts
        mentioned = [
            (handle, speaker, indices)
            for handle in sorted(clues.handles)
            for speaker, indices in _by_name(accounts.speakers_for(handle)).items()
        ]
        # one speaker's talk, and the post speaks of a talk: firmer than a mention in passing
        on_a_talk = len({i for _, _, indices in mentioned for i in indices}) == 1 and speaks_of_a_talk(clues.phrases)
        weight, on_it = (w.handle + TALK_WORD_BONUS, " on a talk") if on_a_talk else (w.handle, "")
        for handle, speaker, indices in mentioned:
            found.add(indices, Signal("handle", weight, f"mentions @{handle}, like {speaker}{on_it}"))
        if clues.own_talk:
            self._own_talk(clues, accounts, found, moment)
        self._phrases_in(clues, found)
        quoted_exactly = any(s.name == "title" for signals in found.signals.values() for s in signals)
        for quote, indices in () if quoted_exactly else self.quoted_titles.cited(clues.text).items():
            found.add(indices, Signal("title", w.title, f"quotes the title loosely: {quote}"))
        return found

    def _own_talk(
        self, clues: ThreadClues, accounts: SpeakerAccounts, found: Named, moment: datetime | None
    ) -> None:
        """"My talk", "my slides" from an author who is one of the programme's speakers ("after my
        talk": one of their sessions that has begun)."""
        speakers = accounts.author_is(clues.author) | accounts.known.get(author_key(clues.author), frozenset())
        over = moment is not None and speaks_of_it_as_over(clues.phrases)
        for speaker, indices in _by_name(speakers).items():
            meant = begun_by(indices, self.sessions, moment) if over and moment is not None else indices
            detail = f"{speaker} on their own talk ({clues.own_talk})"
            found.add(meant, Signal("speaker", self.weights.own_talk, detail))

    def _phrases_in(self, clues: ThreadClues, found: Named) -> None:
        weight = {"title": self.weights.title, "speaker": self.weights.speaker}
        for phrase in self._longest_matches(clues):
            if phrase.kind == "room":
                found.rooms.add(phrase.detail)
            elif phrase.kind == "track":
                found.tracks.add(phrase.detail)
            else:
                found.add(phrase.indices, Signal(phrase.kind, weight[phrase.kind], phrase.detail))

    def _longest_matches(self, clues: ThreadClues) -> list[_Phrase]:
        """Programme phrases in the thread's words; a phrase inside a longer match does not count
        ("Och Menno" inside the quoted title "Och Menno X Disconnected Unexpected")."""
        words = clues.words
        folded = [word.casefold() for word in words]
        spans: list[tuple[int, int, _Phrase]] = []
        for start, first in enumerate(folded):
            longest = self.longest_from.get(first)
            if longest is None:
                continue
            for end in range(start + 1, min(len(folded), start + longest) + 1):
                phrase = self.phrases.get(" ".join(folded[start:end]))
                if phrase is None or (phrase.needs_capital and not words[start][:1].isupper()):
                    continue
                if phrase.needs_context and not (start > 0 and folded[start - 1] in ROOM_CONTEXT):
                    continue
                spans.append((start, end, phrase))
        return [
            phrase
            for start, end, phrase in spans
            if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)
        ]

    def context_signals(self, named: Named, session: Session) -> list[Signal]:
        """The room or the track a thread names, for a session there (counted only near its time:
        "water refill next to Saal 1 is broken" days later is about no session in Saal 1)."""
        signals = []
        if session.room and session.room in named.rooms:
            signals.append(Signal("room", self.weights.room, f"names the room {session.room}"))
        if session.track and session.track in named.tracks:
            signals.append(Signal("track", self.weights.track, f"names the track {session.track}"))
        return signals


def _phrase_table(sessions: Sequence[Session]) -> dict[str, _Phrase]:
    collected: dict[tuple[str, str], list[int]] = defaultdict(list)
    display: dict[tuple[str, str], str] = {}
    for index, session in enumerate(sessions):
        for phrase in _title_phrases(session.title):
            collected[("title", phrase)].append(index)
            display[("title", phrase)] = f"quotes the title: {phrase}"
        for name in session.speakers:
            for phrase in _speaker_phrases(name):
                collected[("speaker", phrase)].append(index)
                display[("speaker", phrase)] = f"names {name.strip()}"
        if session.room:
            collected[("room", phrase_form(session.room).strip())].append(index)
            display[("room", phrase_form(session.room).strip())] = session.room
        if session.track:
            collected[("track", phrase_form(session.track).strip())].append(index)
            display[("track", phrase_form(session.track).strip())] = session.track
    table: dict[str, _Phrase] = {}
    # titles first, then speakers, rooms, tracks: one phrase keeps the strongest meaning
    kinds = ("title", "speaker", "room", "track")
    for (kind, phrase), indices in sorted(collected.items(), key=lambda item: kinds.index(item[0][0])):
        if phrase in table or not phrase:
            continue
        one_word = len(phrase.split()) == 1
        table[phrase] = _Phrase(
            kind,
            tuple(dict.fromkeys(indices)),
            display[(kind, phrase)],
            needs_capital=one_word and kind == "speaker",
            needs_context=kind == "room" and (one_word or len(phrase) < 6),
        )
    return table


def _title_phrases(title: str) -> list[str]:
    phrases = []
    for candidate in (title, *_TITLE_SPLIT.split(title)[:1]):
        words = phrase_form(candidate).split()[:MAX_PHRASE_WORDS]
        phrase = " ".join(words)
        if words and not all(w in STOPWORDS for w in words) and len(phrase) >= MIN_PHRASE_CHARS:
            phrases.append(phrase)
    return list(dict.fromkeys(phrases))


def _speaker_phrases(name: str) -> list[str]:
    phrases = []
    for variant in speaker_variants(name):
        words = phrase_form(variant).split()
        if not words or all(w in STOPWORDS for w in words):
            continue
        if len(words) >= 2 or len(words[0]) >= 4:
            phrases.append(" ".join(words))
    return phrases


def _own_talk_phrase(prose: str) -> str:
    """The words in which the author speaks of their own talk; hashtags between them do not
    count ("my #useR2019 talk")."""
    phrases = phrase_form(_HASHTAG.sub(" ", prose))
    return next((p for p in OWN_TALK_PHRASES if f" {p} " in phrases), "")


def _by_name(speakers: Iterable[Speaker]) -> dict[str, set[int]]:
    by_name: dict[str, set[int]] = defaultdict(set)
    for index, name in speakers:
        by_name[name].add(index)
    return by_name


def _links(posts: Iterable[Post], text: str) -> set[str]:
    links = {link for p in posts for link in p.links}
    links.update(p.card.url for p in posts if p.card and p.card.url)
    links.update(m.rstrip(".,;:!?") for m in _URL.findall(text))
    return links


def _handles(posts: Iterable[Post], text: str, links: Iterable[str]) -> set[str]:
    handles = {m for p in posts for m in p.mentions if not m.startswith("did:")}
    handles.update(_HANDLE.findall(without_urls(text)))
    handles.update(filter(None, map(linked_account, links)))
    return handles


def _handle_keys(handle: str) -> set[str]:
    """Compact forms a mentioned account may share with a speaker's name: '@ole.bsky.social' and
    '@ole@chaos.social' give 'ole'; a custom domain '@maria.schmidt.net' gives 'maria' and 'mariaschmidt'."""
    server = handle.lstrip("@").partition("@")[2]
    local = account_local_part(handle)
    labels = local.split(".")
    if server or len(labels) == 1:
        return {compact_form(local)}
    return {compact_form(labels[0]), compact_form("".join(labels[:-1]))}


def _first_groups(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(1) for m in pattern.finditer(text) if m.group(1)]
