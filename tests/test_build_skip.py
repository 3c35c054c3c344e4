"""A build whose inputs did not change is skipped; any change to what it reads builds again."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.collectors import SourceState
from aggregator.config.model import Config, load_config
from aggregator.store import open_store
from tests.site.test_incremental import file_identities
from tests.store.builders import make_post

BEFORE = datetime(2027, 2, 1, 12, tzinfo=UTC)  # weeks before the conference: no "happening now" box
DURING = datetime(2027, 3, 2, 15, 10, tzinfo=UTC)  # in the talk

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:talk-1@testcon
DTSTART:20270302T150000Z
DTEND:20270302T154500Z
SUMMARY:{title}
LOCATION:Main hall
END:VEVENT
END:VCALENDAR
"""

CONFIG = """conference:
  name: "Test Con"
  hashtags: ["#c4l27"]
  timezone: "UTC"
programme: programme.ics
output: {output}
templates: templates
overrides: overrides.yaml
sources:
  - {{type: feed, name: blog, url: "http://127.0.0.1:9/feed.xml"}}
{extra_source}"""

OTHER_SOURCE = '  - {type: feed, name: other, url: "http://127.0.0.1:9/other.xml"}\n'


class Conference:
    """A configuration folder, its store holding two posts from "blog" and one from "other"."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "templates").mkdir()
        (folder / "templates" / "notes.txt").write_text("curator's notes\n")
        (folder / "overrides.yaml").write_text("hide: []\n")
        (folder / "programme.ics").write_text(ICS.format(title="Linked data for small libraries"))
        self.write_config()
        with open_store(self.config()) as store:
            store.save_collected("blog", "feed", [make_post(1), make_post(2)], (), SourceState())
            store.save_collected("other", "feed", [make_post(3)], (), SourceState())

    def write_config(self, output: str = "site", with_other: bool = True) -> None:
        text = CONFIG.format(output=output, extra_source=OTHER_SOURCE if with_other else "")
        (self.folder / "sources.yaml").write_text(text)

    def config(self) -> Config:
        return load_config(self.folder / "sources.yaml")

    def build(self, clock: datetime = BEFORE) -> pipeline.BuildReport:
        config = self.config()
        with open_store(config) as store:
            return pipeline.build_site(config, store, clock=lambda: clock)


@pytest.fixture
def conference(tmp_path: Path) -> Conference:
    return Conference(tmp_path)


def test_a_build_with_nothing_changed_is_skipped(conference: Conference, caplog: pytest.LogCaptureFixture) -> None:
    first = conference.build()
    site = conference.folder / "site"
    before = file_identities(site)

    with caplog.at_level(logging.INFO, logger="aggregator.pipeline"):
        again = conference.build(clock=datetime(2027, 2, 2, 8, tzinfo=UTC))  # a day later, still before

    assert not first.skipped and again.skipped
    assert again.site == first.site and again.digest is None
    assert "nothing changed since the last build" in caplog.text
    assert file_identities(site) == before  # no file's inode or mtime changed


def _new_post(conference: Conference) -> None:
    with open_store(conference.config()) as store:
        store.save_collected("blog", "feed", [make_post(4)], (), SourceState())


def _deletion(conference: Conference) -> None:
    with open_store(conference.config()) as store:
        store.tombstone([make_post(1).id])


def _opt_out(conference: Conference) -> None:
    with open_store(conference.config()) as store:
        store.tombstone([make_post(2).id], reason="opted-out")


def _override(conference: Conference) -> None:
    (conference.folder / "overrides.yaml").write_text(f'hide: ["{make_post(2).id}"]\n')


def _programme_change(conference: Conference) -> None:
    (conference.folder / "programme.ics").write_text(ICS.format(title="Linked data for large libraries"))


def _removed_source(conference: Conference) -> None:
    conference.write_config(with_other=False)


def _template_change(conference: Conference) -> None:
    (conference.folder / "templates" / "notes.txt").write_text("curator's notes, revised\n")


def _other_output(conference: Conference) -> None:
    conference.write_config(output="elsewhere")


def _output_folder_replaced(conference: Conference) -> None:
    (conference.folder / "site" / ".build-inputs.json").write_text('{"format": 1, "files": {}}\n')


def _page_deleted(conference: Conference) -> None:
    next((conference.folder / "site" / "sessions").glob("*.html")).unlink()


def _export_deleted(conference: Conference) -> None:
    (conference.folder / "site" / "posts.csv").unlink()


CHANGES: dict[str, Callable[[Conference], None]] = {
    "a new post": _new_post,
    "a deletion": _deletion,
    "an opt-out": _opt_out,
    "a curation override": _override,
    "a programme change": _programme_change,
    "a removed source": _removed_source,
    "a template folder change": _template_change,
    "another output folder": _other_output,
    "the output folder not the last build's": _output_folder_replaced,
    "a session page deleted by hand": _page_deleted,
    "an export deleted by hand": _export_deleted,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_to_what_a_build_reads_builds_again(
    conference: Conference, change: Callable[[Conference], None]
) -> None:
    conference.build()
    change(conference)

    report = conference.build()

    assert not report.skipped and report.digest is not None
    assert conference.build().skipped  # and the build after that one has nothing to do again


def test_the_happening_now_box_changing_builds_again(conference: Conference) -> None:
    conference.build()

    during = conference.build(clock=DURING)

    assert not during.skipped
    box = re.search(r'<section class="now-next"[^>]*>', (conference.folder / "site" / "index.html").read_text())
    assert box is not None and "hidden" not in box.group(0)
    assert conference.build(clock=DURING.replace(minute=20)).skipped  # the same talk still under way


def test_the_posts_a_build_publishes_follow_the_changes(conference: Conference) -> None:
    conference.build()
    _removed_source(conference)

    report = conference.build()

    assert report.site.posts == 2  # "other"'s post is kept in the store, unpublished
