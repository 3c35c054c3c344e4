"""Explicit evidence that names a session: its page or slides, its hashtag or code, a
speaker's name or account, its title, its room.

:class:`ProgrammeEvidence` prepares lookups once per programme; :class:`ThreadClues`
extracts what one thread offers once; :meth:`ProgrammeEvidence.signals` then tells, for
one candidate session, which clues point at it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregator.assignment.settings import SignalWeights
from aggregator.assignment.text import STOPWORDS, phrase_form
from aggregator.models import Post, Session, Signal, Thread

_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@([\w][\w.-]*(?:@[\w-]+(?:\.[\w-]+)+)?)", re.UNICODE)
_HASHTAG = re.compile(r"(?<![\w#])#([^\W_][\w-]*)", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TITLE_SPLIT = re.compile(r"\s*(?::|\s[–—-]\s|\|)\s*")
_ROOM_CONTEXT = r"(?:\b(?:in|im|at|room|raum|saal|hall|halle|stage|bühne)|@|📍)\s+"
MIN_PHRASE_CHARS = 8  # shorter single-word titles ("Go") would match ordinary text


def compact_form(text: str) -> str:
    """Letters and digits only, case-folded: 'Ole Goltermann' and '@olegoltermann' meet here."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def normalize_url(url: str) -> str:
    parts = urlsplit(url.strip().casefold())
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


@dataclass(frozen=True)
class ThreadClues:
    """What a thread's own posts offer as evidence (others' replies do not speak for the author)."""

    text: str
    phrases: str  # phrase_form of text
    links: frozenset[str]  # normalized URLs
    hashtags: frozenset[str]
    handles: frozenset[str]  # compact local parts of mentioned accounts
    codes: frozenset[str]  # session codes found by the configured patterns

    @classmethod
    def of(cls, thread: Thread, code_patterns: Sequence[re.Pattern[str]] = ()) -> ThreadClues:
        posts = thread.own_posts
        text = "\n".join(p.searchable_text() for p in posts)
        return cls(
            text=text,
            phrases=phrase_form(text),
            links=frozenset(normalize_url(u) for u in _links(posts, text)),
            hashtags=frozenset(t.casefold().lstrip("#") for p in posts for t in p.hashtags)
            | frozenset(m.casefold() for m in _HASHTAG.findall(text)),
            handles=frozenset(_handle_key(h) for h in _handles(posts, text)) - {""},
            codes=frozenset(m.casefold() for pattern in code_patterns for m in _first_groups(pattern, text)),
        )


class ProgrammeEvidence:
    def __init__(self, sessions: Sequence[Session], weights: SignalWeights) -> None:
        self.sessions = sessions
        self.weights = weights
        self.by_link: dict[str, set[int]] = defaultdict(set)
        self.by_tag: dict[str, set[int]] = defaultdict(set)
        self.by_code: dict[str, set[int]] = defaultdict(set)
        for index, session in enumerate(sessions):
            for url in (session.url, *session.links):
                if url:
                    self.by_link[normalize_url(url)].add(index)
            for tag in session.hashtags:
                self.by_tag[tag.casefold().lstrip("#")].add(index)
                self.by_code[tag.casefold().lstrip("#")].add(index)
            self.by_code[session.id.casefold()].add(index)
        self.titles = [_title_phrases(s.title) for s in sessions]
        self.speakers = [tuple(_speaker_forms(name) for name in s.speakers if name.strip()) for s in sessions]
        self.rooms = {room: _room_pattern(room) for room in {s.room for s in sessions if s.room}}

    def named_sessions(self, clues: ThreadClues) -> set[int]:
        """Sessions a thread names unambiguously (link, hashtag, code), wherever they are in time."""
        named: set[int] = set()
        for link in clues.links:
            named |= self.by_link.get(link, set())
        for tag in clues.hashtags:
            named |= self.by_tag.get(tag, set())
        for code in clues.codes:
            named |= self.by_code.get(code, set())
        return named

    def signals(self, clues: ThreadClues, index: int) -> list[Signal]:
        session = self.sessions[index]
        found: list[Signal] = []
        w = self.weights
        if clues.links and any(index in self.by_link.get(link, ()) for link in clues.links):
            found.append(Signal("link", w.link, "links to the session page or slides"))
        if clues.hashtags or clues.codes:
            tags = sorted(t for t in clues.hashtags if index in self.by_tag.get(t, ()))
            codes = sorted(c for c in clues.codes if index in self.by_code.get(c, ()))
            if tags or codes:
                found.append(Signal("hashtag", w.hashtag, f"#{tags[0]}" if tags else f"code {codes[0]}"))
        title = next((p for p in self.titles[index] if p in clues.phrases), None)
        if title:
            found.append(Signal("title", w.title, f"quotes the title{title.rstrip()}"))
        found.extend(self._speaker_signals(clues, index))
        if session.room and self._names_room(clues, session.room):
            found.append(Signal("room", w.room, f"names the room {session.room}"))
        return found

    def _names_room(self, clues: ThreadClues, room: str) -> bool:
        last_word = phrase_form(room).split()[-1:] or [""]
        if f" {last_word[0]} " not in clues.phrases:  # cheap test before the regular expression
            return False
        return self.rooms[room].search(clues.text) is not None

    def _speaker_signals(self, clues: ThreadClues, index: int) -> list[Signal]:
        named, mentioned = None, None
        for forms in self.speakers[index]:
            if named is None and any(_names(form, clues) for form in forms.phrases):
                named = forms.display
            if mentioned is None and clues.handles and any(_handle_matches(h, forms.compacts) for h in clues.handles):
                mentioned = forms.display
        found = []
        if named:
            found.append(Signal("speaker", self.weights.speaker, f"names {named}"))
        if mentioned:
            found.append(Signal("handle", self.weights.handle, f"mentions an account like {mentioned}"))
        return found


@dataclass(frozen=True)
class _SpeakerForms:
    display: str
    phrases: tuple[str, ...]  # phrase forms of the name and its variants
    compacts: tuple[str, ...]  # compact forms, for account handles


def _speaker_forms(name: str) -> _SpeakerForms:
    variants = {name, re.sub(r"\s*[(\[].*?[)\]]\s*", " ", name), *re.split(r"\s*[|/,]\s*", name)}
    variants = {v.strip() for v in variants if v.strip()}
    phrases = tuple(p for p in {phrase_form(v) for v in variants} if _distinctive(p))
    compacts = tuple(c for c in {compact_form(v) for v in variants} if len(c) >= 3)
    return _SpeakerForms(display=name.strip(), phrases=phrases, compacts=compacts)


def _distinctive(phrase: str) -> bool:
    words = phrase.split()
    if not words or all(w in STOPWORDS for w in words):
        return False
    return len(words) >= 2 or len(words[0]) >= 4


def _names(phrase: str, clues: ThreadClues) -> bool:
    if phrase not in clues.phrases:
        return False
    if len(phrase.split()) >= 2:
        return True
    # a one-word name ("Patch", "Stella") counts only capitalized, not as an ordinary word
    word = re.compile(rf"(?<!\w){re.escape(phrase.strip())}(?!\w)", re.IGNORECASE)
    return any(match[0][0].isupper() for match in word.finditer(clues.text))


def _handle_matches(handle: str, compacts: Iterable[str]) -> bool:
    for compact in compacts:
        if handle == compact:
            return True
        shorter, longer = sorted((handle, compact), key=len)
        if len(shorter) >= 5 and longer.startswith(shorter):
            return True
    return False


def _title_phrases(title: str) -> tuple[str, ...]:
    candidates = [title, *_TITLE_SPLIT.split(title)[:1]]
    phrases = []
    for candidate in candidates:
        phrase = phrase_form(candidate)
        words = phrase.split()
        if words and not all(w in STOPWORDS for w in words) and len(phrase.strip()) >= MIN_PHRASE_CHARS:
            phrases.append(phrase)
    return tuple(dict.fromkeys(phrases))


def _room_pattern(room: str) -> re.Pattern[str]:
    escaped = r"\s+".join(re.escape(part) for part in room.split())
    if len(room.split()) >= 2 and len(room) >= 6:
        return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)
    # one-word room names ("One", "Fuse") are ordinary words: only "in Fuse", "Saal 1", "@Fuse" count
    return re.compile(rf"{_ROOM_CONTEXT}{escaped}(?!\w)")


def _links(posts: Iterable[Post], text: str) -> set[str]:
    links = {link for p in posts for link in p.links}
    links.update(p.card.url for p in posts if p.card and p.card.url)
    links.update(m.rstrip(".,;:!?") for m in _URL.findall(text))
    return links


def _handles(posts: Iterable[Post], text: str) -> set[str]:
    handles = {m for p in posts for m in p.mentions if not m.startswith("did:")}
    handles.update(_HANDLE.findall(text))
    return handles


def _handle_key(handle: str) -> str:
    local = handle.lstrip("@").split("@")[0]
    local = local.split(".")[0] if "." in local else local
    return compact_form(local)


def _first_groups(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(1) for m in pattern.finditer(text) if m.group(1)]
