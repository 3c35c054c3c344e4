"""`aggregator explain POST_ID`: where a post's thread was filed, and every signal behind it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from aggregator.models import Placement, Session


def find_placement(post_id: str, placements: Sequence[Placement]) -> Placement | None:
    """The placement of the thread holding ``post_id`` (by id or by original URL)."""
    for placement in placements:
        if any(post.id == post_id or (post.url and post.url == post_id) for post in placement.thread.posts):
            return placement
    return None


def explain(
    post_id: str,
    placements: Sequence[Placement],
    sessions: Mapping[str, Session] | Iterable[Session] | None = None,
) -> str:
    """A readable account: the thread, the decision, then each candidate with its signals' contributions.

    Pass the programme's ``sessions`` (e.g. ``digest.sessions``) to see titles, rooms and times
    beside the session ids."""
    placement = find_placement(post_id, placements)
    if placement is None:
        return f"{post_id}: not in any thread (not collected, hidden, blocked or excluded)"
    if sessions is None:
        sessions = {}
    elif not isinstance(sessions, Mapping):
        sessions = {s.id: s for s in sessions}
    thread = placement.thread
    lines = [
        f"post     {post_id}",
        f"thread   {thread.id} by {thread.author.handle}, {len(thread.posts)} post(s), started {thread.started_at.isoformat()}",
    ]
    if thread.root.id != post_id:
        lines.append("         (the post is part of this thread and goes where the thread goes)")
    where = _session_label(placement.session_id, sessions) if placement.session_id else "hallway"
    lines.append(f"decision {where}  confidence {placement.confidence:.2f}{'  [pinned]' if placement.pinned else ''}")
    lines.append(f"reason   {placement.reason}")
    lines.extend(_continuations(placement, placements, sessions))
    if placement.candidates:
        lines.append("candidates (probability; log-odds score = the sum of its signals' contributions):")
    for candidate in placement.candidates:
        label = _session_label(candidate.session_id, sessions)
        lines.append(f"  {candidate.score:5.2f}  {label}  score {candidate.log_odds:+.2f}")
        for signal in candidate.signals:
            lines.append(f"         {signal.name:10} {signal.score:+6.2f}  {signal.detail}")
    return "\n".join(lines)


def _session_label(session_id: str, sessions: Mapping[str, Session]) -> str:
    session = sessions.get(session_id)
    if session is None:
        return session_id
    return f"{session_id} {session.title!r} ({session.room}, {session.start:%a %H:%M}-{session.end:%H:%M})"


def _continuations(placement: Placement, placements: Sequence[Placement], sessions: Mapping[str, Session]) -> list[str]:
    """The other parts of a live-thread split across consecutive sessions, and where they were filed."""
    filed = {p.thread.id: p.session_id for p in placements}
    lines = []
    for label, thread_id in (("continued from", placement.continued_from), ("continued in", placement.continued_in)):
        if thread_id is not None:
            session_id = filed.get(thread_id)
            where = _session_label(session_id, sessions) if session_id else "hallway"
            lines.append(f"split    {label} thread {thread_id}, filed under {where}")
    return lines
