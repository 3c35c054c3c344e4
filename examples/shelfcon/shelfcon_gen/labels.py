"""The ground truth: which programme session each post belongs to (`labels.csv`)."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from . import bluesky, ids, mastodon
from .blog import RECAPS
from .drafts import Draft
from .talks import TALKS

COLUMNS = ("source", "id", "session", "clue", "time", "parallel")


def running_at(moment: datetime) -> int:
    """How many programme sessions (breaks excluded) were running at this moment."""
    return sum(1 for talk in TALKS if talk.begins <= moment < talk.ends)


def original_id(draft: Draft) -> str:
    return bluesky.post_uri(draft) if draft.source == "bluesky" else mastodon.status_uri(draft)


def label_rows(drafts: list[Draft]) -> list[dict[str, str]]:
    rows = []
    for source in ("bluesky", "mastodon"):
        for draft in sorted((d for d in drafts if d.source == source), key=lambda d: d.at):
            rows.append({
                "source": source, "id": original_id(draft), "session": draft.label,
                "clue": str(int(draft.clue)), "time": ids.utc_z(draft.at), "parallel": str(running_at(draft.at)),
            })
    for recap in sorted(RECAPS, key=lambda r: r.published):
        rows.append({"source": "feed", "id": recap.guid, "session": recap.label,
                     "clue": str(int(bool(recap.talk))), "time": "", "parallel": "0"})
    return rows


def labels_csv(drafts: list[Draft]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(label_rows(drafts))
    return buffer.getvalue()
