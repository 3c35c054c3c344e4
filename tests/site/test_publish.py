"""Atomic publishing: a build that fails midway leaves the previous site exactly as it was."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from aggregator.errors import BuildError
from aggregator.site import pages as site
from aggregator.site import publish
from aggregator.site.pages import render_site
from aggregator.site.publish import publish_atomically, recover_interrupted_swap
from tests.site.builders import build_digest


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(path.name for path in parent.iterdir() if path.name.startswith("."))


@pytest.fixture
def previous_site(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    render_site(build_digest(), output)
    (output / "marker.txt").write_text("from the previous build", encoding="utf-8")
    return output


def test_template_raising_midway_keeps_the_old_site(tmp_path: Path, previous_site: Path) -> None:
    before = snapshot(previous_site)
    broken = tmp_path / "broken-templates"
    broken.mkdir()
    # index, hallway and the first session page render fine; the second session page raises
    (broken / "session.html").write_text(
        '<p>{{ session.title }}</p>{% if session.id == "102" %}{{ 1 // 0 }}{% endif %}', encoding="utf-8"
    )

    with pytest.raises(BuildError) as failure:
        render_site(build_digest(), previous_site, templates_dir=broken)

    assert isinstance(failure.value.__cause__, ZeroDivisionError)
    assert snapshot(previous_site) == before
    assert leftovers(tmp_path) == []


def test_filter_raising_midway_keeps_the_old_site(
    tmp_path: Path, previous_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(previous_site)

    def explode(post: object) -> str:
        raise RuntimeError("sanitizer exploded")

    monkeypatch.setattr(site, "post_html", explode)
    with pytest.raises(BuildError, match="sanitizer exploded"):
        render_site(build_digest(), previous_site)

    assert snapshot(previous_site) == before
    assert leftovers(tmp_path) == []


def test_failed_first_build_creates_nothing(tmp_path: Path) -> None:
    def fail(staging: Path) -> None:
        (staging / "index.html").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(BuildError, match="disk full"):
        publish_atomically(tmp_path / "output", fail)
    assert list(tmp_path.iterdir()) == []


def test_interrupt_cleans_up_and_propagates(tmp_path: Path, previous_site: Path) -> None:
    before = snapshot(previous_site)

    def interrupted(staging: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_atomically(previous_site, interrupted)
    assert snapshot(previous_site) == before
    assert leftovers(tmp_path) == []


def test_rebuild_replaces_the_whole_site(tmp_path: Path, previous_site: Path) -> None:
    report = render_site(build_digest(), previous_site)

    assert not (previous_site / "marker.txt").exists()
    assert (previous_site / "index.html").is_file()
    assert report.output_dir == previous_site
    assert previous_site.stat().st_mode & 0o777 == 0o755
    assert leftovers(tmp_path) == []


def test_rebuild_without_renameat2_uses_two_renames(
    tmp_path: Path, previous_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "_renameat2", lambda: None)
    render_site(build_digest(), previous_site)
    assert not (previous_site / "marker.txt").exists()
    assert leftovers(tmp_path) == []


def test_renameat2_is_used_when_the_system_has_it(tmp_path: Path) -> None:
    if publish._renameat2() is None:
        pytest.skip("this libc has no renameat2")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "a").touch()
    assert publish._exchange(first, second)
    assert (second / "a").exists() and not (first / "a").exists()


def test_crash_between_renames_is_recovered_at_next_start(tmp_path: Path) -> None:
    output = tmp_path / "output"
    aside = tmp_path / ".output.old"
    aside.mkdir()
    (aside / "index.html").write_text("old site", encoding="utf-8")

    recover_interrupted_swap(output)

    assert (output / "index.html").read_text(encoding="utf-8") == "old site"
    assert not aside.exists()


def test_leftover_aside_folder_is_dropped_when_the_swap_finished(tmp_path: Path, previous_site: Path) -> None:
    (tmp_path / ".output.old").mkdir()
    render_site(build_digest(), previous_site)
    assert leftovers(tmp_path) == []


def test_only_stale_staging_folders_are_removed(tmp_path: Path) -> None:
    stale, fresh = tmp_path / ".output.build-dead", tmp_path / ".output.build-running"
    stale.mkdir()
    fresh.mkdir()
    long_ago = time.time() - publish._STALE_BUILD_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))

    recover_interrupted_swap(tmp_path / "output")

    assert not stale.exists()
    assert fresh.exists()  # may belong to a build running right now
