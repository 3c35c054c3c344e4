"""Incremental publishing: a rebuild rewrites only the files whose bytes change.

A file left alone keeps its inode and mtime (it is carried over as a hard link), so rsync,
object-storage sync and static hosts see no change where there is none.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from aggregator.models import Digest, Placement, Thread
from aggregator.site.feeds import _feed_parts
from aggregator.site.incremental import MANIFEST, Inputs, fingerprint, templates_fingerprint
from aggregator.site.model import SiteModel, session_slugs
from aggregator.site.pages import make_environment, render_pages, render_site, template_search_path
from aggregator.site.search import INDEX_DIR
from tests.paths import REPO
from tests.site.builders import ICAL, ICAL_POST, KEYNOTE, build_digest


def file_identities(site: Path) -> dict[str, tuple[int, int]]:
    """Every file's (inode, mtime in ns), by site-relative path."""
    identities = {}
    for path in site.rglob("*"):
        if path.is_file():
            status = path.stat()
            identities[str(path.relative_to(site))] = (status.st_ino, status.st_mtime_ns)
    return identities


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {path for path, identity in after.items() if before.get(path) != identity}


def with_one_more_post(digest: Digest) -> Digest:
    """One new post in the iCalendar session, an hour later than its first one."""
    extra = dataclasses.replace(
        ICAL_POST,
        id=ICAL_POST.id + "-2",
        url=ICAL_POST.url + "-2",
        text="A second post about the same talk",
        html="",
        created_at=ICAL_POST.created_at + timedelta(minutes=5),
    )
    placement = Placement(thread=Thread(root=extra, posts=(extra,)), session_id=ICAL.id)
    return dataclasses.replace(digest, placements=(*digest.placements, placement))


def test_a_rebuild_with_nothing_new_rewrites_no_file(tmp_path: Path) -> None:
    output = tmp_path / "output"
    digest = build_digest()
    render_site(digest, output)
    before = file_identities(output)
    os.utime(output / "index.html", ns=(1, 1))  # an mtime no rebuild could produce by chance
    before["index.html"] = (before["index.html"][0], 1)
    later = dataclasses.replace(digest, generated_at=digest.generated_at + timedelta(hours=3))

    render_site(later, output)

    after = file_identities(output)
    assert after.keys() == before.keys()
    assert rewritten(before, after) == set()


def test_one_new_post_rewrites_only_its_session_day_feeds_and_index(tmp_path: Path) -> None:
    output = tmp_path / "output"
    digest = build_digest()
    render_site(digest, output)
    before = file_identities(output)

    render_site(with_one_more_post(digest), output)

    changed = {path for path in rewritten(before, file_identities(output)) if not path.startswith(INDEX_DIR + "/")}
    day = ICAL_POST.created_at.astimezone(ICAL.start.tzinfo).date().isoformat()
    stem = f"sessions/{session_slugs(digest.sessions)[ICAL.id]}"
    assert changed == {
        "index.html",
        "about.html",  # what the archive holds
        f"days/{day}.html",
        f"{stem}.html",
        f"{stem}.rss",
        f"{stem}.atom",
        "feed.rss",
        "feed.atom",
        "sessions.json",
        "posts.csv",
        MANIFEST,  # the new keys of that session's page and feeds
    }


def test_a_session_whose_inputs_did_not_change_is_not_rendered_again(tmp_path: Path) -> None:
    output = tmp_path / "output"
    digest = build_digest()
    render_site(digest, output)
    page = output / f"sessions/{session_slugs(digest.sessions)[KEYNOTE.id]}.html"
    page.write_text("the previous build's page", encoding="utf-8")  # what a render would overwrite

    render_site(with_one_more_post(digest), output)

    assert page.read_text(encoding="utf-8") == "the previous build's page"


def test_a_template_change_renders_every_session_again(tmp_path: Path) -> None:
    output, templates = tmp_path / "output", tmp_path / "templates"
    digest = build_digest()
    render_site(digest, output, templates_dir=templates)
    before = file_identities(output)
    templates.mkdir()
    packaged = Path(template_search_path()[0]) / "session.html"
    changed_template = packaged.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<!-- v2 -->")
    (templates / "session.html").write_text(changed_template, encoding="utf-8")

    render_site(digest, output, templates_dir=templates)

    slugs = session_slugs(digest.sessions)
    changed = rewritten(before, file_identities(output))
    assert {f"sessions/{slug}.html" for slug in slugs.values()} <= changed
    assert "sessions/" + slugs[KEYNOTE.id] + ".rss" not in changed  # its bytes are the same: kept


def test_input_keys_are_the_same_in_every_process_and_change_with_any_post() -> None:
    program = (
        "from aggregator.site.incremental import fingerprint; "
        "print(fingerprint(frozenset(f'post-{n}' for n in range(50)), {'weight': 1.5}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", program], env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True, cwd=REPO,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(keys) == 1  # string hashing's seed changes a set's order, never its key
    thread = build_digest().placements[1].thread
    edited = dataclasses.replace(thread.root, text=thread.root.text + " (edited)")
    assert fingerprint(dataclasses.replace(thread, root=edited)) != fingerprint(thread)


def test_an_unreadable_or_foreign_manifest_renders_everything_again(tmp_path: Path) -> None:
    output = tmp_path / "output"
    digest = build_digest()
    render_site(digest, output)
    page = output / f"sessions/{session_slugs(digest.sessions)[KEYNOTE.id]}.html"
    rendered = page.read_text(encoding="utf-8")
    for manifest in ("not json", '{"format": 0, "files": {}}', '{"format": 1, "files": []}'):
        page.write_text("stale", encoding="utf-8")
        (output / MANIFEST).write_text(manifest, encoding="utf-8")
        render_site(digest, output)
        assert page.read_text(encoding="utf-8") == rendered


def test_an_unchanged_session_page_or_feed_never_reaches_its_template(tmp_path: Path) -> None:
    """Not only left unwritten: a page or feed whose key is unchanged is not rendered at all
    (the renderers yield only what they render, and render only what they yield)."""
    output, staging = tmp_path / "output", tmp_path / "staging"
    digest = build_digest()
    render_site(digest, output)
    later = with_one_more_post(digest)
    search_path = template_search_path()
    environment, model = make_environment(later, search_path), SiteModel(later)
    inputs = Inputs(output, staging, fingerprint(templates_fingerprint(search_path), model.conference))

    pages = {path for path, _ in render_pages(environment, model, inputs=inputs)}
    feeds = {path for path, _ in _feed_parts(environment, model, inputs)}

    stem = f"sessions/{session_slugs(digest.sessions)[ICAL.id]}"
    assert {page for page in pages if page.startswith("sessions/")} == {f"{stem}.html"}
    assert feeds == {f"{stem}.rss", f"{stem}.atom", "feed.rss", "feed.atom"}
    keynote = f"sessions/{session_slugs(digest.sessions)[KEYNOTE.id]}"
    assert (staging / f"{keynote}.html").stat().st_ino == (output / f"{keynote}.html").stat().st_ino
