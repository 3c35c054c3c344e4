"""Per-day pages, the hallway split by day, and time-zone labels."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from aggregator.models import Placement, Thread
from aggregator.site.model import SiteModel
from aggregator.site.pages import render_site, utc_offset
from tests.site.builders import HALLWAY, ORPHAN, PageOutline, at, build_digest, utc


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("days") / "output"
    render_site(build_digest(), output)
    return output


def page(site: Path, name: str) -> PageOutline:
    return PageOutline((site / name).read_text(encoding="utf-8"))


def test_one_page_per_day_with_that_days_programme(site: Path) -> None:
    assert sorted(p.name for p in (site / "days").glob("*.html")) == ["2027-03-02.html", "2027-03-03.html"]
    tuesday = page(site, "days/2027-03-02.html")
    assert tuesday.headings[0] == (1, "Tuesday 2 March 2027")
    links = {a["href"] for a in tuesday.find("a")}
    assert {"../sessions/101.html", "../sessions/102.html", "../sessions/103.html"} <= links
    assert not any("A1B2C3" in link or "a1b2c3" in link for link in links if link.startswith("../sessions/"))
    assert "../hallway.html#day-2027-03-02" in links
    assert tuesday.find("a", href="../days/2027-03-02.html", **{"aria-current": "page"})


def test_index_links_every_day_page(site: Path) -> None:
    links = {a["href"] for a in page(site, "index.html").find("a")}
    assert {"days/2027-03-02.html", "days/2027-03-03.html"} <= links


def test_hallway_is_split_by_conference_local_day(site: Path) -> None:
    hallway = page(site, "hallway.html")
    assert [h for h in hallway.headings if h[0] == 2] == [
        (2, "Tuesday 2 March 2027 (1 post)"),
        (2, "Wednesday 3 March 2027 (1 post)"),
    ]
    text = hallway.text
    assert text.index("Tuesday 2 March 2027 (1 post)") < text.index(HALLWAY.text)
    assert text.index("Wednesday 3 March 2027 (1 post)") < text.index(ORPHAN.title)


def test_days_follow_the_conference_zone_not_utc() -> None:
    digest = build_digest()
    late = dataclasses.replace(HALLWAY, id="late", created_at=utc(2, 23, 30))  # 05:30 UTC on 3 March
    placements = (*digest.placements, Placement(Thread(root=late, posts=(late,)), None))
    model = SiteModel(dataclasses.replace(digest, placements=placements))
    tuesday = next(day for day in model.hallway_days if day.day == date(2027, 3, 2))
    assert [t.root.id for t in tuesday.threads] == [HALLWAY.id, "late"]


def test_a_day_with_only_hallway_posts_gets_a_page(tmp_path: Path) -> None:
    digest = build_digest()
    early = dataclasses.replace(HALLWAY, id="travel", created_at=utc(1, 8))
    placements = (*digest.placements, Placement(Thread(root=early, posts=(early,)), None))
    render_site(dataclasses.replace(digest, placements=placements), tmp_path / "out")
    monday = page(tmp_path / "out", "days/2027-03-01.html")
    assert "Programme" not in [text for _, text in monday.headings]
    assert monday.find("a", href="../hallway.html#day-2027-03-01")


def test_pages_with_times_name_the_conference_zone(site: Path) -> None:
    for name in ("index.html", "hallway.html", "sessions/101.html", "days/2027-03-02.html"):
        assert "All times are in the conference’s time zone, America/Chicago (CST, UTC−06:00)." in page(site, name).text
    assert "2 Mar 2027, 12:30 CST" in page(site, "hallway.html").text  # thread times carry the zone


def test_utc_offset_labels() -> None:
    assert utc_offset(at(2, 9)) == "UTC−06:00"
    assert utc_offset(utc(2, 9)) == "UTC"
