"""Sessions without a programme: topical time-bursts of live-posting (for unconferences).

Threads are ordered by start; a pause of ``gap_minutes`` ends a burst, and bursts longer
than ``max_minutes`` are cut at their quietest moment. Inside a burst, threads sharing
distinctive words form topics (parallel rooms talk about different things); a topic with
at least ``min_threads`` threads becomes a discovered session titled by its most
characteristic words. :func:`~aggregator.assignment.assign` then files threads into them
like into programme sessions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from aggregator.assignment.settings import AssignmentSettings, DiscoverySettings
from aggregator.assignment.text import HALLWAY_PHRASES, LIVE_POSTING_WORDS, STOPWORDS, tokenize
from aggregator.clock import conference_zone
from aggregator.models import Conference, Session, Thread

TOPIC_SIMILARITY = 0.2  # cosine a thread needs with a topic to join it
MIN_SPAN = timedelta(minutes=15)  # a discovered session lasts at least this long


@dataclass
class _Topic:
    threads: list[Thread] = field(default_factory=list)
    vector: Counter[str] = field(default_factory=Counter)


def discover_sessions(
    threads: Sequence[Thread], conference: Conference, settings: AssignmentSettings
) -> tuple[Session, ...]:
    """Discovered sessions (``discovered=True``), oldest first; threads in no burst stay unassigned."""
    tuning = settings.discovery
    chatter = {word for phrase in HALLWAY_PHRASES for word in phrase.split()}
    ignored = STOPWORDS | LIVE_POSTING_WORDS | chatter | {t.casefold() for t in conference.hashtags}
    live = sorted((t for t in threads if t.root.source != "feed"), key=lambda t: t.started_at)
    words = {t.id: Counter(tokenize(_text(t), ignored)) for t in live}
    idf = _idf(words.values())
    zone = conference_zone(conference.timezone)
    sessions: list[Session] = []
    for burst in _bursts(live, tuning):
        for topic in _topics(burst, words, idf, tuning.min_threads):
            sessions.append(_session(topic, tuning, zone, len(sessions) + 1))
    return tuple(sessions)


def _bursts(threads: Sequence[Thread], settings: DiscoverySettings) -> list[list[Thread]]:
    gap = timedelta(minutes=settings.gap_minutes)
    bursts: list[list[Thread]] = []
    for thread in threads:
        if bursts and thread.started_at - bursts[-1][-1].started_at < gap:
            bursts[-1].append(thread)
        else:
            bursts.append([thread])
    longest = timedelta(minutes=settings.max_minutes)
    return [piece for burst in bursts for piece in _split_long(burst, longest)]


def _split_long(burst: list[Thread], longest: timedelta) -> list[list[Thread]]:
    if len(burst) < 2 or burst[-1].started_at - burst[0].started_at <= longest:
        return [burst]
    pauses = [burst[i + 1].started_at - burst[i].started_at for i in range(len(burst) - 1)]
    cut = max(range(len(pauses)), key=lambda i: (pauses[i], -abs(i - len(pauses) / 2))) + 1
    return _split_long(burst[:cut], longest) + _split_long(burst[cut:], longest)


def _topics(
    burst: Sequence[Thread], words: dict[str, Counter[str]], idf: dict[str, float], min_threads: int
) -> list[_Topic]:
    """Threads grouped by shared distinctive words; threads without words join the biggest topic."""
    topics: list[_Topic] = []
    wordless: list[Thread] = []
    for thread in burst:
        vector = Counter({w: n * idf[w] for w, n in words[thread.id].items()})
        if not vector:
            wordless.append(thread)
            continue
        best = max(topics, key=lambda t: _cosine(vector, t.vector), default=None)
        if best is None or _cosine(vector, best.vector) < TOPIC_SIMILARITY:
            best = _Topic()
            topics.append(best)
        best.threads.append(thread)
        best.vector.update(vector)
    kept = [t for t in topics if len(t.threads) >= min_threads]
    if not kept:
        merged = _Topic(list(burst), sum((t.vector for t in topics), Counter()))
        return [merged] if len(burst) >= min_threads else []
    kept.sort(key=lambda t: len(t.threads), reverse=True)
    kept[0].threads.extend(wordless)
    return kept


def _session(topic: _Topic, settings: DiscoverySettings, zone: ZoneInfo, number: int) -> Session:
    threads = sorted(topic.threads, key=lambda t: t.started_at)
    start = threads[0].started_at.astimezone(zone)
    last = max(p.created_at for t in threads for p in t.own_posts).astimezone(zone)
    end = max(last, start + MIN_SPAN)
    top = [w for w, _ in topic.vector.most_common(settings.title_words * 3)]
    title_words = top[: settings.title_words]
    title = " · ".join(w.capitalize() for w in title_words) if title_words else f"Burst at {start:%a %H:%M}"
    return Session(
        id=f"discovered-{start:%Y%m%d-%H%M}-{number}",
        title=title,
        start=start,
        end=end,
        abstract=" ".join(top),
        kind="Discovered",
        discovered=True,
    )


def _idf(documents: Iterable[Counter[str]]) -> dict[str, float]:
    docs = list(documents)
    frequency = Counter(w for doc in docs for w in doc)
    return {w: math.log(1 + len(docs) / df) for w, df in frequency.items()}


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _text(thread: Thread) -> str:
    return "\n".join(p.searchable_text() for p in thread.own_posts)

