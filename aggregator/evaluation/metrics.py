"""Score a build against an evaluation set's labels (the metrics of the shared score.py).

``labels.csv`` has the columns ``source,id,session,clue,time,parallel``: ``session`` is the
programme event id, empty for a hallway post, or ``EXCLUDED`` for a post whose author opted
out (it must not be published at all). :func:`score` reads a ``sessions.json`` export (as a
dict) and returns :class:`Metrics`; :func:`confusion_summary` says, per session, where its
posts went wrong.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

EXCLUDED = "EXCLUDED"
HALLWAY = ""  # the label (and key in summaries) of posts that belong to no session


@dataclass(frozen=True)
class Label:
    source: str
    id: str
    session: str  # "" for the hallway, EXCLUDED for opted-out authors
    clue: bool
    time: str
    parallel: int


@dataclass(frozen=True)
class Metrics:
    posts: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    optout_published: int
    coverage: float
    time_only_baseline: float
    ceiling: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The same layout as score.py prints."""
        return [f"{k:20} {v:.3f}" if isinstance(v, float) else f"{k:20} {v}" for k, v in self.as_dict().items()]


@dataclass(frozen=True)
class SessionConfusion:
    """How one gold session (or the hallway, id "") fared."""

    session: str
    posts: int
    right: int
    went_to: tuple[tuple[str, int], ...]  # where the wrong ones went ("" = hallway), most first

    @property
    def accuracy(self) -> float:
        return self.right / self.posts if self.posts else 0.0


def read_labels(path: Path | str) -> list[Label]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Label(
                source=row.get("source", ""),
                id=row["id"],
                session=row.get("session", "") or "",
                clue=(row.get("clue") or "0").strip() == "1",
                time=row.get("time", ""),
                parallel=int(row.get("parallel") or 0),
            )
            for row in csv.DictReader(handle)
        ]


def read_export(sessions_json: Mapping[str, Any]) -> tuple[dict[str, set[str]], set[str]]:
    """(post id -> session ids it was filed under, every published post id) from a sessions.json dict."""
    assigned: dict[str, set[str]] = defaultdict(set)
    published: set[str] = set()
    for session in sessions_json.get("sessions", []):
        for post in session.get("posts", []):
            post_id = _post_id(post)
            assigned[post_id].add(str(session["id"]))
            published.add(post_id)
    published.update(_post_id(post) for post in sessions_json.get("unassigned", []))
    return dict(assigned), published


def score(labels_path: Path | str, sessions_json: Mapping[str, Any]) -> Metrics:
    return score_labels(read_labels(labels_path), sessions_json)


def score_labels(labels: Iterable[Label], sessions_json: Mapping[str, Any]) -> Metrics:
    assigned, published = read_export(sessions_json)
    right = total = tp = fp = fn = leaks = present = 0
    clue = baseline = 0.0
    for label in labels:
        got = assigned.get(label.id, set())
        if label.session == EXCLUDED:
            leaks += label.id in published
            continue
        total += 1
        present += label.id in published
        clue += int(label.clue) if label.session else 1
        if label.session:
            baseline += 1 / label.parallel if label.parallel else 0
            right += got == {label.session}
            tp += label.session in got
            fn += label.session not in got
            fp += len(got - {label.session})
        else:
            baseline += 1 if label.parallel == 0 else 0
            right += not got
            fp += len(got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(
        posts=total,
        accuracy=right / total if total else 0.0,
        precision=precision,
        recall=recall,
        f1=f1,
        optout_published=leaks,
        coverage=present / total if total else 0.0,
        time_only_baseline=baseline / total if total else 0.0,
        ceiling=clue / total if total else 0.0,
    )


def format_metrics(metrics: Metrics) -> str:
    """The metrics as score.py prints them."""
    return "\n".join(metrics.lines())


def confusion_summary(
    labels: Path | str | Iterable[Label],
    sessions_json: Mapping[str, Any],
    titles: Mapping[str, str] | None = None,
    limit: int = 20,
) -> str:
    """The per-session confusion summary as text: the worst sessions, right/total, where the rest went."""
    rows = session_confusion(labels, sessions_json)
    titles = titles if titles is not None else _titles(sessions_json)
    lines = format_confusion(rows, titles, limit)
    if not lines:
        return "every labelled session filed right"
    header = f"{'session (worst first)':48} {'right':>4}/{'all':<4}    where the others went"
    return "\n".join([header, *lines])


def session_confusion(labels: Path | str | Iterable[Label], sessions_json: Mapping[str, Any]) -> list[SessionConfusion]:
    """Per gold session (hallway = ""), how many posts were filed right and where the others went;
    worst sessions first. A post filed under several sessions counts as going to the first other."""
    if isinstance(labels, (str, Path)):
        labels = read_labels(labels)
    assigned, _ = read_export(sessions_json)
    posts: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    for label in labels:
        if label.session == EXCLUDED:
            continue
        got = assigned.get(label.id, set())
        posts[label.session] += 1
        if got == ({label.session} if label.session else set()):
            right[label.session] += 1
        else:
            wrong[label.session][min(got - {label.session}, default=HALLWAY)] += 1
    summary = [
        SessionConfusion(session, count, right[session], tuple(wrong[session].most_common()))
        for session, count in posts.items()
    ]
    return sorted(summary, key=lambda c: (c.accuracy, -c.posts, c.session))


def format_confusion(
    summary: Iterable[SessionConfusion], titles: Mapping[str, str] | None = None, limit: int = 20
) -> list[str]:
    """Readable lines for the worst sessions: id, title, right/total, and where the rest went."""
    titles = titles or {}
    lines = []
    for row in list(summary)[:limit]:
        if row.right == row.posts:
            break
        name = "(hallway)" if row.session == HALLWAY else f"{row.session} {titles.get(row.session, '')[:40]}"
        elsewhere = ", ".join(f"{'hallway' if s == HALLWAY else s}×{n}" for s, n in row.went_to[:4])
        lines.append(f"{name:48} {row.right:4}/{row.posts:<4} -> {elsewhere}")
    return lines


def _titles(sessions_json: Mapping[str, Any]) -> dict[str, str]:
    return {str(s["id"]): str(s.get("title", "")) for s in sessions_json.get("sessions", []) if "id" in s}


def _post_id(post: Any) -> str:
    return str(post["id"]) if isinstance(post, Mapping) else str(post)
