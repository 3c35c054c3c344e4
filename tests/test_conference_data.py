"""Data belongs to one conference: a data folder per config, a refused second conference, and
posts of a removed source unpublished (not deleted) until it comes back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator import runs
from aggregator.collectors import SourceState
from aggregator.collectors.live import live_name
from aggregator.config import load_config
from aggregator.errors import ConfigError
from aggregator.store.sqlite import Store
from tests.schedule.conftest import rss
from tests.store.builders import make_post

CONFIG = """
conference:
  name: "{name}"
  hashtags: ["#{tag}"]
  start: "2027-03-02"
  end: "2027-03-03"
sources:
{sources}
{extra}
"""


def feed(name: str, url: str) -> str:
    return f"  - type: feed\n    name: {name}\n    url: {url}\n"


def write(folder: Path, file: str, *sources: str, name: str = "Test Con", tag: str = "testcon", extra: str = "") -> Path:
    path = folder / file
    path.write_text(CONFIG.format(name=name, tag=tag, sources="".join(sources), extra=extra), encoding="utf-8")
    return path


def published_ids(output: Path) -> set[str]:
    export = json.loads((output / "sessions.json").read_text())
    return {p["id"] for s in export["sessions"] for p in s["posts"]} | {p["id"] for p in export["unassigned"]}


@pytest.fixture
def feeds(httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request("/a.xml").respond_with_data(rss("a1"), content_type="application/rss+xml")
    httpserver.expect_request("/b.xml").respond_with_data(rss("b1"), content_type="application/rss+xml")
    return {"a": httpserver.url_for("/a.xml"), "b": httpserver.url_for("/b.xml")}


def test_two_configs_in_one_folder_keep_their_posts_apart(tmp_path: Path, feeds: dict[str, str]) -> None:
    first = write(tmp_path, "testcon.yaml", feed("a", feeds["a"]), extra="output: out-test")
    other = write(tmp_path, "othercon.yaml", feed("b", feeds["b"]), name="OtherCon", tag="othercon27", extra="output: out-other")
    runs.run(first)
    runs.run(other)
    assert load_config(first).data_dir == tmp_path / ".aggregator" / "testcon"
    assert load_config(other).data_dir == tmp_path / ".aggregator" / "othercon"
    assert published_ids(tmp_path / "out-other") == {"https://notes.example.org/b1/"}


def test_a_store_of_another_conference_is_refused_naming_both_and_the_store(tmp_path: Path, feeds: dict[str, str]) -> None:
    shared = "data_dir: shared-data"
    runs.run(write(tmp_path, "testcon.yaml", feed("a", feeds["a"]), extra=shared + "\noutput: out-test"))
    other = write(tmp_path, "othercon.yaml", feed("b", feeds["b"]), name="OtherCon", tag="othercon27", extra=shared)
    with pytest.raises(ConfigError) as refused:
        runs.run(other)
    message = str(refused.value)
    assert "'Test Con' (#testcon)" in message and "'OtherCon' (#othercon27)" in message
    assert str(tmp_path / "shared-data" / "aggregator.sqlite3") in message
    assert not (tmp_path / "output").exists()


def test_the_old_shared_data_folder_stays_in_use_for_its_own_conference(tmp_path: Path, feeds: dict[str, str]) -> None:
    legacy = tmp_path / ".aggregator"
    runs.run(write(tmp_path, "sources.yaml", feed("a", feeds["a"]), extra="data_dir: .aggregator\noutput: out-test"))
    assert (legacy / "aggregator.sqlite3").is_file()
    same = write(tmp_path, "renamed.yaml", feed("a", feeds["a"]), extra="output: out-test")
    other = write(tmp_path, "othercon.yaml", feed("b", feeds["b"]), name="OtherCon", tag="othercon27")
    assert load_config(same).data_dir == legacy
    assert load_config(other).data_dir == legacy / "othercon"


def test_posts_of_a_removed_source_leave_the_site_and_come_back_with_it(tmp_path: Path, feeds: dict[str, str]) -> None:
    both = write(tmp_path, "sources.yaml", feed("a", feeds["a"]), feed("b", feeds["b"]))
    runs.run(both)
    assert published_ids(tmp_path / "output") == {"https://notes.example.org/a1/", "https://notes.example.org/b1/"}
    runs.build(write(tmp_path, "sources.yaml", feed("a", feeds["a"])))
    assert published_ids(tmp_path / "output") == {"https://notes.example.org/a1/"}
    with Store(load_config(both).data_dir) as store:
        assert store.count() == 2  # kept, not deleted
    runs.build(write(tmp_path, "sources.yaml", feed("a", feeds["a"]), feed("b", feeds["b"])))
    assert published_ids(tmp_path / "output") == {"https://notes.example.org/a1/", "https://notes.example.org/b1/"}


def test_posts_a_sources_event_stream_brought_are_published_with_the_source(
    tmp_path: Path, feeds: dict[str, str]
) -> None:
    config = write(tmp_path, "sources.yaml", feed("a", feeds["a"]))
    runs.run(config)
    streamed = make_post(7)
    with Store(load_config(config).data_dir) as store:
        store.save_collected(live_name("a"), "bluesky", [streamed], [], SourceState())
    runs.build(config)
    assert streamed.id in published_ids(tmp_path / "output")  # stored under "a:live", it belongs to "a"
    runs.build(write(tmp_path, "sources.yaml", feed("b", feeds["b"])))
    assert streamed.id not in published_ids(tmp_path / "output")  # and leaves with it
