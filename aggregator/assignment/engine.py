"""The assignment engine: every thread gets a session (or the hallway), a confidence and its reasons.

Scoring is a small log-linear model. Each candidate session starts from the log of its time
prior (:mod:`.timing`); every piece of evidence adds its weight in log-odds (text
similarity, title, speaker, link, hashtag, room, inheritance, author continuity). The
hallway competes with its own prior plus hallway-chatter evidence. A softmax turns the
scores into probabilities; the best session wins if its probability reaches the
threshold, otherwise the thread goes to the hallway.

Threads are scored in dependency order so a quote or a detached reply can inherit from what
it answers; then a second pass adds author continuity (an author confidently in session X
with one thread is likely still there with the next). Last, a live-thread that ran on into the next
session of its room is cut there when its later posts, scored alone, are about that session.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.assignment.announced import announced_moment
from aggregator.assignment.evidence import Named, ProgrammeEvidence, ThreadClues
from aggregator.assignment.handles import Speaker, SpeakerAccounts, author_key
from aggregator.assignment.settings import AssignmentSettings
from aggregator.assignment.text import (
    HALLWAY_PHRASES,
    PhraseSet,
    TextIndex,
    phrase_form,
    reflection_phrases,
    says_any,
    stem,
)
from aggregator.assignment.timing import (
    TimeIndex,
    carried_overruns,
    estimate_offset,
    overruns,
    shifted,
    stretched,
)
from aggregator.curation import Overrides
from aggregator.models import Candidate, Conference, Placement, Post, ProgrammeClock, Session, Signal, Thread
from aggregator.threads import split_thread

RECAP_SEARCH_LIMIT = 10  # sessions considered by text alone, outside the time window
STRONG_TEXT = 2.5  # BM25 on rare words (1 ≈ one term unique to a session's abstract) worth a look out of time
OVERVIEW_STRENGTH = 4.0  # explicit evidence (title, link, speaker + room...) that clearly names a session
# A post praising several talks or speakers names each by a handle or name alone ("fantastic talks by @a and @b")
ROUNDUP_STRENGTH = 3.5
ROUNDUP_WORDS = frozenset(
    {"talks", "speakers", "presenters", "presentations", "keynotes", "vorträge", "charlas", "exposés"}
)
OVERVIEW_BALANCE = 0.6  # a second session named at least this strongly makes the thread an overview
ANCHOR_CONFIDENCE = 0.8  # a thread this sure (on more than time) places its author in the room
STAY_MIN_PRIOR = 0.3  # sessions this likely by time count as the rooms the author could be in
STAY_WINDOW_MINUTES = 20  # a room change takes a short break: the author's last session ended this recently
# Far from a session's time only what names it (title, speakers) points at it firmly: a word of its
# abstract met in a post days later ("why I follow conferences online") is as likely plain prose.
DISTANT_PROSE = 0.5
LEARN_MIN_THREADS = 3  # confident threads about one session mentioning an account, to learn it as its speaker's
LEARN_SHARE = 0.6  # ...at least this share of the confident threads mentioning it (not the conference's account)
KEPT_CANDIDATES = 4  # how many candidates a placement keeps for `explain`
MAX_HALLWAY_HITS = 3
MAX_THREAD_PARTS = 4  # a live-thread kept across this many talks in a row at most
SPLIT_EVIDENCE_LEAD = 1.0  # log-odds the later posts' own evidence must favour the next session by
PRIOR_SIGNALS = frozenset({"time", "continuity", "stay"})  # where the author is likely to be, not what the thread says
# People sit in one room at a time: the session an author is confidently in with another thread, while
# it runs, is no guess among many rooms, though no evidence of its own for learning or splitting.
FAVOURITE_PRIORS = PRIOR_SIGNALS - {"continuity"}


@dataclass(frozen=True)
class _Features:
    thread: Thread
    clues: ThreadClues
    terms: frozenset[str]
    hallway_hits: tuple[str, ...]
    reflection_hits: tuple[str, ...]
    named: Named
    moment: datetime  # when the thread's time evidence is taken: its start, or the later moment it announces


@dataclass(frozen=True)
class _Reference:
    """What a thread answers or quotes, and where that was filed."""

    kind: str  # "quote" or "reply"
    thread_id: str
    session_index: int | None  # None: the hallway
    confidence: float


class AssignmentEngine:
    def __init__(self, sessions: Sequence[Session], conference: Conference, settings: AssignmentSettings) -> None:
        self.sessions = tuple(sessions)
        self.settings = settings
        self.index_of = {s.id: i for i, s in enumerate(self.sessions)}
        self.text = TextIndex(self.sessions, ignored=(*conference.hashtags, *settings.stopwords))
        self.evidence = ProgrammeEvidence(self.sessions, settings.weights)
        self.time = TimeIndex(self.sessions, settings.lead_minutes, settings.reflection_minutes)
        self.code_patterns = tuple(re.compile(p, re.IGNORECASE) for p in settings.session_code_patterns)
        self.hallway = PhraseSet(HALLWAY_PHRASES | set(settings.hallway_words))
        self.zone = ZoneInfo(conference.timezone)
        self.hallway_stems = self.hallway.words | frozenset(map(stem, self.hallway.words))
        self.offset = timedelta(0)  # how much later than the programme says the sessions are taken to run
        self.overrun: dict[int, timedelta] = {}  # sessions taken to run this much past their programmed end
        self.clock = ProgrammeClock()  # the offset and the overruns the last assign() used

    def assign(self, threads: Sequence[Thread], overrides: Overrides | None = None) -> tuple[Placement, ...]:
        accounts = self.evidence.accounts.learned({t.author.id: t.author for t in threads}.values())
        features = {t.id: self._features(t, accounts) for t in threads}
        owner = {key: t.id for t in threads for p in t.posts for key in (p.id, p.url) if key}
        order = _dependency_order(threads, owner)
        offset = estimate_offset(self._named_once(features.values()))
        engine = self._retimed(offset) if offset else self
        first = engine._pass(order, features, owner, overrides, continuity={}, earlier=None)
        anchors = engine._anchors(first)
        overrun = carried_overruns(overruns(engine._late_posts(first, features), engine.sessions), engine.sessions)
        rescore: set[str] = set()
        if overrun:
            before = engine.sessions
            engine = self._retimed(offset, overrun)
            rescore.update(_retimed_threads(threads, before, engine.sessions, engine.time.longest_reach))
        self.clock = engine.clock
        learned = engine._learned_accounts(first, features)
        if learned:
            accounts = accounts.with_known(learned)
            relearned = {tid for tid, f in features.items() if _mentions(f.clues, learned)}
            features = {**features, **{tid: self._features(features[tid].thread, accounts) for tid in relearned}}
            rescore.update(relearned)
        final = engine._pass(order, features, owner, overrides, anchors, earlier=first, rescore=rescore)
        return engine._split_run_ons([final[t.id] for t in threads], accounts)

    def _split_run_ons(self, placements: Sequence[Placement], accounts: SpeakerAccounts) -> tuple[Placement, ...]:
        """Every placement, a live-thread kept on into the next session of its room cut into parts
        (each filed under its own session) where its later posts are about that next session."""
        following = _next_in_room(self.sessions)
        parts: list[Placement] = []
        for placement in placements:
            pieces = [placement]
            for _ in range(MAX_THREAD_PARTS - 1):
                split = self._split_at_next_session(pieces[-1], following, accounts)
                if split is None:
                    break
                pieces[-1:] = split
            parts.extend(pieces)
        return tuple(parts)

    def _split_at_next_session(
        self, placement: Placement, following: Mapping[int, int], accounts: SpeakerAccounts
    ) -> tuple[Placement, Placement] | None:
        """The placement cut where the next session in its room begins, when the posts from then on
        favour that session on their own evidence (never on time alone); None to keep it whole."""
        current = self._split_candidate(placement)
        upcoming = following.get(current) if current is not None else None
        if current is None or upcoming is None:
            return None
        halves = split_thread(placement.thread, self.sessions[upcoming].start)
        if halves is None:
            return None
        earlier, later = halves
        later_placement = self._place(self._features(later, accounts), None, {}, {})
        lead = _evidence_lead(later_placement, self.sessions[upcoming].id, self.sessions[current].id)
        if later_placement.session_id != self.sessions[upcoming].id or lead < SPLIT_EVIDENCE_LEAD:
            return None
        earlier_placement = self._place(self._features(earlier, accounts), None, {}, {})
        if earlier_placement.session_id != self.sessions[current].id:
            if placement.session_id != self.sessions[current].id:
                return None
            earlier_placement = dataclasses.replace(placement, thread=earlier)
        moved = f"; continued from thread {earlier.id}: its later posts are about the next session in the room"
        return (
            dataclasses.replace(earlier_placement, continued_from=placement.continued_from, continued_in=later.id),
            dataclasses.replace(later_placement, reason=later_placement.reason + moved, continued_from=earlier.id),
        )

    def _split_candidate(self, placement: Placement) -> int | None:
        """The session a thread's first part is about: where it was filed, or, for a thread sent to the
        hallway for naming two sessions, its best candidate; None for a thread that cannot be split."""
        if placement.pinned or len(placement.thread.own_posts) < 2:
            return None
        session_id = placement.session_id or (placement.candidates[0].session_id if placement.candidates else None)
        return self.index_of.get(session_id) if session_id is not None else None

    def _learned_accounts(
        self, placements: Mapping[str, Placement], features: Mapping[str, _Features]
    ) -> dict[str, frozenset[Speaker]]:
        """Accounts the programme's names do not spell, learned from confidently filed threads: a
        handle that keeps being mentioned in threads about one session, and the author of a thread
        about it that speaks of "my talk", stand for that session's speakers."""
        mentioned: dict[str, Counter[int]] = defaultdict(Counter)
        speakers: dict[str, set[Speaker]] = defaultdict(set)
        accounts = self.evidence.accounts
        for placement in placements.values():
            if not self._is_anchor(placement):
                continue
            index = self.index_of[placement.session_id or ""]
            clues = features[placement.thread.id].clues
            for handle in clues.handles - {author_key(clues.author)}:
                if not accounts.speakers_for(handle):
                    mentioned[handle][index] += 1
            if clues.own_talk and not accounts.author_is(clues.author):
                speakers[author_key(clues.author)].update((index, name) for name in self.sessions[index].speakers)
        for handle, counts in mentioned.items():
            index, threads = counts.most_common(1)[0]
            if threads >= LEARN_MIN_THREADS and threads >= LEARN_SHARE * sum(counts.values()):
                speakers[handle].update((index, name) for name in self.sessions[index].speakers)
        return {handle: frozenset(found) for handle, found in speakers.items() if found}

    def _named_once(self, features: Iterable[_Features]) -> list[tuple[datetime, Session]]:
        """(start, session) of every thread that names exactly one session: what the clock is checked on."""
        return [
            (f.thread.started_at, self.sessions[next(iter(f.named.signals))])
            for f in features
            if len(f.named.signals) == 1
        ]

    def _retimed(self, offset: timedelta, overrun: Mapping[int, timedelta] | None = None) -> AssignmentEngine:
        """This engine with the programme's clock moved by ``offset`` and the sessions that ran over
        stretched (text and evidence tables kept)."""
        engine = copy.copy(self)
        engine.sessions = stretched(shifted(self.sessions, offset), dict(overrun or {}))
        engine.time = TimeIndex(engine.sessions, self.settings.lead_minutes, self.settings.reflection_minutes)
        engine.offset = offset
        engine.overrun = dict(overrun or {})
        engine.clock = ProgrammeClock(
            _minutes(offset), tuple((self.sessions[i].id, _minutes(late)) for i, late in sorted((overrun or {}).items()))
        )
        return engine

    def _late_posts(
        self, placements: Mapping[str, Placement], features: Mapping[str, _Features]
    ) -> dict[int, list[tuple[str, datetime]]]:
        """(author, time) of every own post of the threads confidently filed under each session that
        began while it ran: live threads running on, not a late post, a look back or a speaker's own slides."""
        found: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
        for placement in placements.values():
            clues = features[placement.thread.id].clues
            if not self._is_anchor(placement) or features[placement.thread.id].reflection_hits or clues.own_talk:
                continue
            index = self.index_of[placement.session_id or ""]
            if placement.thread.started_at <= self.sessions[index].end:  # a live thread running on, not a late one
                found[index].extend((placement.thread.author.id, p.created_at) for p in placement.thread.own_posts)
        return found

    def _features(self, thread: Thread, accounts: SpeakerAccounts) -> _Features:
        clues = ThreadClues.of(thread, self.code_patterns)
        hits = self.hallway.found_in(clues.phrases)
        looking_back = reflection_phrases(phrase_form(thread.root.searchable_text()))
        named = self.evidence.named(clues, accounts, thread.started_at)
        terms = self.text.terms(clues.text) - self.hallway_stems  # "wifi" in a post is chatter, even at a WiFi talk
        announced = announced_moment(thread.root.text, thread.started_at, self.zone)
        return _Features(thread, clues, terms, tuple(hits), tuple(looking_back), named, announced or thread.started_at)

    def _pass(
        self,
        order: Sequence[Thread],
        features: Mapping[str, _Features],
        owner: Mapping[str, str],
        overrides: Overrides | None,
        continuity: Mapping[str, list[tuple[int, str]]],
        earlier: Mapping[str, Placement] | None,
        rescore: Collection[str] = (),
    ) -> dict[str, Placement]:
        """Place every thread; with ``earlier`` (the first pass), only threads whose continuity,
        reference or evidence (``rescore``) changed are scored again."""
        placements: dict[str, Placement] = {}
        for thread in order:
            pinned = self._pinned(thread, overrides)
            if pinned is not None:
                placements[thread.id] = pinned
                continue
            reference = self._reference(thread, owner, placements)
            anchors = continuity.get(thread.author.id, ())
            nearby = self._continuity(features[thread.id], anchors)
            stay = {} if nearby else self._stayed(features[thread.id], anchors)
            if (
                earlier is not None
                and not nearby
                and not stay
                and thread.id not in rescore
                and not self._reference_changed(thread, owner, placements, earlier)
            ):
                placements[thread.id] = earlier[thread.id]
                continue
            placements[thread.id] = self._place(features[thread.id], reference, nearby, stay)
        return placements

    @staticmethod
    def _reference_changed(
        thread: Thread, owner: Mapping[str, str], now: Mapping[str, Placement], before: Mapping[str, Placement]
    ) -> bool:
        for _, post_id in _references(thread.root):
            target = owner.get(post_id)
            if target is not None and target != thread.id and now.get(target) is not before.get(target):
                return True
        return False

    def _pinned(self, thread: Thread, overrides: Overrides | None) -> Placement | None:
        pin = overrides.pin_for(thread) if overrides else None
        if pin is None:
            return None
        post_id, session_id = pin
        if session_id is not None and session_id not in self.index_of:
            return None  # a pin to a session the programme no longer has: `check` reports it
        where = session_id if session_id is not None else "the hallway"
        signal = Signal("override", 1.0, f"curator pinned post {post_id} to {where}")
        candidates = (Candidate(session_id, 1.0, (signal,)),) if session_id is not None else ()
        return Placement(thread, session_id, 1.0, f"pinned by the curator to {where}", candidates, pinned=True)

    def _reference(
        self, thread: Thread, owner: Mapping[str, str], placements: Mapping[str, Placement]
    ) -> _Reference | None:
        root = thread.root
        for kind, post_id in _references(root):
            target = owner.get(post_id)
            if target is None or target == thread.id or target not in placements:
                continue
            placement = placements[target]
            index = self.index_of.get(placement.session_id) if placement.session_id else None
            return _Reference(kind, target, index, placement.confidence)
        return None

    def _continuity(self, features: _Features, anchors: Sequence[tuple[int, str]]) -> dict[int, str]:
        """Sessions the author was confidently in (with another thread) that this thread may continue:
        the one running now, or, for a post looking back, one that has just ended."""
        moment = features.thread.started_at
        others = [(index, thread_id) for index, thread_id in anchors if thread_id != features.thread.id]
        if features.reflection_hits:
            return self._attended_before(moment, others)
        return {
            index: f"same author confidently in this session (thread {thread_id})"
            for index, thread_id in others
            if self.sessions[index].start <= moment <= self.sessions[index].end
        }

    def _attended_before(self, moment: datetime, anchors: Sequence[tuple[int, str]]) -> dict[int, str]:
        """ "Still thinking about that talk" comes from someone who was in it, soon after it ended
        (within the reflection window): sessions the author sat in earlier that day are no evidence."""
        return {
            index: f"same author confidently in this session (thread {thread_id}), just ended"
            for index, thread_id in anchors
            if self.sessions[index].end < moment <= self.sessions[index].end + self.time.reflection_of(self.sessions[index])
        }

    def _stayed(self, features: _Features, anchors: Sequence[tuple[int, str]]) -> dict[int, str]:
        """Many people stay in their seat for the next talk: the sessions following, in the same room,
        the one the author was last confidently in, if that ended just before this thread started.
        Not for a post looking back (it is about the session it looks back at)."""
        if features.reflection_hits:
            return {}
        moment = features.thread.started_at
        recent = [
            (self.sessions[index].end, index, thread_id)
            for index, thread_id in anchors
            if thread_id != features.thread.id
            and timedelta(0) < moment - self.sessions[index].end <= timedelta(minutes=STAY_WINDOW_MINUTES)
        ]
        if not recent:
            return {}
        _, last, thread_id = max(recent)
        room = self.sessions[last].room
        if not room:
            return {}
        return {
            index: f"same room ({room}) as the author's previous session (thread {thread_id})"
            for index in self.time.following(last, moment)
        }

    def _anchors(self, placements: Mapping[str, Placement]) -> dict[str, list[tuple[int, str]]]:
        anchors: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for placement in placements.values():
            if self._is_anchor(placement):
                anchors[placement.thread.author.id].append((self.index_of[placement.session_id or ""], placement.thread.id))
        return anchors

    @staticmethod
    def _is_anchor(placement: Placement) -> bool:
        """Filed confidently, on more than where the author was likely to be."""
        if placement.session_id is None or placement.confidence < ANCHOR_CONFIDENCE:
            return False
        chosen = next((c for c in placement.candidates if c.session_id == placement.session_id), None)
        return placement.pinned or bool(chosen and any(s.name not in PRIOR_SIGNALS for s in chosen.signals))

    def _place(
        self,
        features: _Features,
        reference: _Reference | None,
        continuity: Mapping[int, str],
        stay: Mapping[int, str],
    ) -> Placement:
        named = features.named
        pool, distant = self._candidate_pool(features, reference, named)
        specificity = self.text.specificity(features.terms, pool.keys() - distant)
        stay_weight = self._stay_weight(pool) if stay else 0.0
        signals = {
            index: self._signals(features, index, prior, index in distant, specificity, reference, continuity)
            + _stay_signal(stay.get(index), stay_weight)
            for index, prior in pool.items()
        }
        hallway_signals = self._hallway_signals(features, reference)
        indices = list(signals)
        totals = [_total(signals[i]) for i in indices]
        probabilities = _softmax([*totals, _total(hallway_signals)])
        ranked = sorted(zip(probabilities, indices, totals, strict=False), reverse=True)[:KEPT_CANDIDATES]
        candidates = tuple(
            Candidate(self.sessions[index].id, probability, tuple(signals[index]), log_odds)
            for probability, index, log_odds in ranked
        )
        overview = self._overview(features.named, roundup=_is_roundup(features.clues))
        if overview:
            listed = ", ".join(self.sessions[i].id for i in overview)
            reason = f"an overview: names several sessions as strongly ({listed})"
            confidence = max(probabilities[-1], 1.0 - max(probabilities[:-1], default=0.0))
            return Placement(features.thread, None, confidence, reason, candidates)
        return _decide(features.thread, candidates, probabilities[-1], hallway_signals, self.settings)

    def _stay_weight(self, pool: Mapping[int, float]) -> float:
        """Log-odds of "stayed in the room" against any one of the other rooms running now: a share
        ``stay_share`` of people stay, the rest spread over the other rooms. Worth nothing with few
        rooms, a real lead with many (it alone never places a thread: see _clear_favourite)."""
        rooms = {self.sessions[index].room for index, prior in pool.items() if prior >= STAY_MIN_PRIOR}
        share = self.settings.stay_share
        if len(rooms) < 2 or share <= 0.0:
            return 0.0
        return max(0.0, math.log(share * (len(rooms) - 1) / (1.0 - share)))

    def _overview(self, named: Named, roundup: bool = False) -> list[int]:
        """Sessions a thread names about equally strongly, each by clues of its own (another title,
        another speaker, another link): a programme overview ("coming up: A in room 1, B in room 2")
        or a roundup of the whole conference ("fantastic talks by @a and @b": with plural talks or
        speakers, a handle or name alone is strong enough). A series sharing one title or speaker is no overview."""
        minimum = ROUNDUP_STRENGTH if roundup else OVERVIEW_STRENGTH
        strength: dict[int, float] = {}
        clues: dict[int, set[object]] = {}
        for index, signals in named.signals.items():
            clues[index] = set(named.clues[index])  # shared clue objects are shared clues
            strength[index] = sum(s.score for s in signals)
            if named.rooms and self.sessions[index].room in named.rooms:
                clues[index].add(self.sessions[index].room)
                strength[index] += self.settings.weights.room
        ranked = sorted(  # ties in programme order: the same listing whatever the hash seed
            (i for i in strength if strength[i] >= minimum), key=lambda i: (-strength[i], i)
        )
        if not ranked:
            return []
        top = ranked[0]
        others = [
            i
            for i in ranked[1:]
            if strength[i] >= OVERVIEW_BALANCE * strength[top] and clues[i] - clues[top] and clues[top] - clues[i]
        ]
        return [top, *others] if others else []

    def _candidate_pool(
        self, features: _Features, reference: _Reference | None, named: Named
    ) -> tuple[dict[int, float], set[int]]:
        """Sessions in the thread's time window, plus (the second set) any it names, quotes or answers,
        or matches strongly on rare words, wherever they are in time (with a prior fading with the distance)."""
        moment = features.moment
        pool = self.time.candidates(moment, reflective=bool(features.reflection_hits))
        elsewhere = set(named.signals)
        elsewhere.update(
            self.text.search(
                features.terms, RECAP_SEARCH_LIMIT, rare_only=bool(pool), minimum=STRONG_TEXT if pool else 0.0
            )
        )
        if reference is not None and reference.session_index is not None:
            elsewhere.add(reference.session_index)
        distant = elsewhere - pool.keys()
        for index in distant:
            pool[index] = self.time.distant_prior(self.sessions[index], moment, self.settings.recap_weight)
        return pool, distant

    def _signals(
        self,
        features: _Features,
        index: int,
        prior: float,
        distant: bool,
        specificity: Mapping[str, float],
        reference: _Reference | None,
        continuity: Mapping[int, str],
    ) -> list[Signal]:
        weights = self.settings.weights
        named = features.named
        session = self.sessions[index]
        moment = features.moment
        in_window = not distant or features.reflection_hits  # the pool holds the window's sessions as not distant
        time_detail = self.time.describe(session, moment) if in_window else "outside its time window"
        if moment != features.thread.started_at:
            time_detail += f"; at the time the post announces ({moment.astimezone(self.zone):%a %H:%M})"
        if features.reflection_hits:
            time_detail += f"; looks back ({', '.join(features.reflection_hits)})"
        if self.offset:
            time_detail += f"; programme clock taken as {_minutes(self.offset):+d} min off"
        if index in self.overrun:
            time_detail += f"; taken to run {_minutes(self.overrun[index])} min past its programmed end"
        answered = reference is not None and reference.session_index == index
        if answered and prior < 1.0:
            # a quote or reply is about the moment of what it answers, however late it comes
            prior, time_detail = 1.0, f"{time_detail}; no later than what it answers"
        signals = [Signal("time", math.log(prior), time_detail)]
        if distant:
            similarity, matched = self.text.score(features.terms, index, prose_factor=DISTANT_PROSE)
        else:
            similarity, matched = self.text.score(features.terms, index, specificity)
        if similarity > 0:
            signals.append(Signal("text", weights.text * similarity, "shares: " + ", ".join(matched[:6])))
        signals.extend(named.signals.get(index, ()))
        if not distant:
            signals.extend(self.evidence.context_signals(named, session))
        if answered and reference is not None:
            signals.append(
                Signal(
                    "inherit",
                    weights.inherit * reference.confidence,
                    f"{reference.kind} of thread {reference.thread_id}",
                )
            )
        if index in continuity:
            signals.append(Signal("continuity", weights.continuity, continuity[index]))
        return signals

    def _hallway_signals(self, features: _Features, reference: _Reference | None) -> list[Signal]:
        weights = self.settings.weights
        signals = [Signal("time", math.log(self.settings.hallway_weight), "hallway prior")]
        if features.hallway_hits:
            hits = features.hallway_hits[:MAX_HALLWAY_HITS]
            signals.append(Signal("hallway", weights.hallway * len(hits), "talks about " + ", ".join(hits)))
        if reference is not None and reference.session_index is None:
            signals.append(
                Signal(
                    "inherit",
                    weights.inherit * reference.confidence,
                    f"{reference.kind} of hallway thread {reference.thread_id}",
                )
            )
        return signals


def _decide(
    thread: Thread,
    ranked: Sequence[Candidate],
    hallway: float,
    hallway_signals: Sequence[Signal],
    settings: AssignmentSettings,
) -> Placement:
    best = ranked[0] if ranked else None
    threshold = settings.threshold
    if (
        best is not None
        and best.score > hallway
        and (best.score >= threshold or _clear_favourite(ranked, hallway, hallway_signals, settings))
    ):
        evidence = [s.name for s in best.signals if s.score > 0]
        reason = " + ".join(dict.fromkeys(evidence)) or "time"
        return Placement(thread, best.session_id, best.score, f"{reason} ({best.score:.2f})", tuple(ranked))
    if best is None:
        reason = "no session near its time and no text matching any session"
    else:
        reason = f"no session reached {threshold:.2f} (best {best.session_id}: {best.score:.2f}, hallway {hallway:.2f})"
    chatter = [f"{s.name}: {s.detail}" for s in hallway_signals if s.score > 0]
    if chatter:
        reason = f"{reason}; {'; '.join(chatter)}"
    return Placement(thread, None, hallway, reason, tuple(ranked))


def _clear_favourite(
    ranked: Sequence[Candidate], hallway: float, hallway_signals: Sequence[Signal], settings: AssignmentSettings
) -> bool:
    """Many sessions at once spread the probability thin: a session the thread's own evidence (not
    time alone) makes several times likelier than the runner-up and the hallway is no guess, and
    so is the session running where the author is confidently with another thread. Not when the
    thread talks hallway talk (a poster, lunch, hiring): then the hallway is a real answer and a
    session must reach the threshold."""
    if any(s.name == "hallway" and s.score > 0 for s in hallway_signals):
        return False
    best = ranked[0]
    runner_up = max([c.score for c in ranked[1:]] + [hallway])
    has_evidence = any(s.score > 0 and s.name not in FAVOURITE_PRIORS for s in best.signals)
    return has_evidence and best.score >= settings.favourite_min and best.score >= settings.favourite_ratio * runner_up


def _next_in_room(sessions: Sequence[Session]) -> dict[int, int]:
    """Each session's successor in its room: the next one to start there."""
    by_room: dict[str, list[int]] = defaultdict(list)
    for index, session in enumerate(sessions):
        if session.room:
            by_room[session.room].append(index)
    following: dict[int, int] = {}
    for indices in by_room.values():
        indices.sort(key=lambda i: (sessions[i].start, sessions[i].end))
        following.update(zip(indices, indices[1:], strict=False))
    return following


def _evidence_lead(placement: Placement, favoured: str, other: str) -> float:
    """How much more a placement's own evidence (not time, continuity or stay) says for ``favoured``
    than for ``other``."""

    def evidence(session_id: str) -> float:
        candidate = next((c for c in placement.candidates if c.session_id == session_id), None)
        signals = candidate.signals if candidate else ()
        return sum(s.score for s in signals if s.name not in PRIOR_SIGNALS and s.score > 0)

    return evidence(favoured) - evidence(other)


def _retimed_threads(
    threads: Sequence[Thread], before: Sequence[Session], after: Sequence[Session], reach: timedelta
) -> set[str]:
    """Threads whose time prior the retiming may have changed: those started near a session that moved."""
    moved = sorted(
        (min(b.start, a.start) - reach, max(b.end, a.end) + reach) for b, a in zip(before, after, strict=True) if b != a
    )
    merged: list[tuple[datetime, datetime]] = []
    for low, high in moved:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    lows = [low for low, _ in merged]
    found = set()
    for thread in threads:
        at = bisect.bisect_right(lows, thread.started_at) - 1
        if at >= 0 and thread.started_at <= merged[at][1]:
            found.add(thread.id)
    return found


def _mentions(clues: ThreadClues, accounts: Mapping[str, object]) -> bool:
    """Whether a thread's evidence depends on these accounts: it mentions one, or is by one."""
    return bool(clues.handles & accounts.keys()) or author_key(clues.author) in accounts


def _is_roundup(clues: ThreadClues) -> bool:
    """Whether a thread speaks of several talks or speakers at once."""
    return says_any(clues.phrases, ROUNDUP_WORDS)


def _stay_signal(reason: str | None, weight: float) -> list[Signal]:
    return [Signal("stay", weight, reason)] if reason is not None and weight > 0 else []


def _total(signals: Iterable[Signal]) -> float:
    """A candidate's score in log-odds: what decides, and what `explain` prints, are the same sum."""
    return sum(s.score for s in signals)


def _minutes(delta: timedelta) -> int:
    return round(delta.total_seconds() / 60)


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _references(root: Post) -> tuple[tuple[str, str], ...]:
    """What a thread's first post answers or quotes, by id or address: its reply parent, its quoted
    post, and any post it links to (a quote by link, as a pasted tweet or a shared toot is)."""
    return (("reply", root.reply_parent), ("quote", root.quote_id), *(("quote", link) for link in root.links))


def _dependency_order(threads: Sequence[Thread], owner: Mapping[str, str]) -> list[Thread]:
    """Threads ordered so that what a thread quotes or answers (in another thread) comes first."""
    by_id = {t.id: t for t in threads}

    def referenced(thread: Thread) -> str | None:
        for _, post_id in _references(thread.root):
            target = owner.get(post_id)
            if target is not None and target != thread.id:
                return target
        return None

    depth: dict[str, int] = {}
    for thread in threads:
        chain: list[str] = []
        seen: set[str] = set()
        current: str | None = thread.id
        while current is not None and current not in depth and current not in seen:
            seen.add(current)
            chain.append(current)
            current = referenced(by_id[current])
        base = depth.get(current, 0) if current is not None and current not in seen else 0
        for offset, thread_id in enumerate(reversed(chain), start=1):
            depth[thread_id] = base + offset
    return sorted(threads, key=lambda t: depth[t.id])
