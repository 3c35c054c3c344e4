"""Real exports from ../shared beside the checkout (read-only, not in the repository); skipped where absent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aggregator.programme import load_programme
from tests.paths import SHARED

SAMPLES = SHARED / "samples" / "programmes"
EVAL = SHARED / "eval"


def shared_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is not available here")
    return path


def test_39c3_frab_xml() -> None:
    path = shared_file(SAMPLES / "eventfahrplan-schedule-39c3-20251206.xml")
    programme = load_programme(path.name, path.parent)
    assert (programme.acronym, programme.timezone) == ("39c3", "Europe/Berlin")
    assert len(programme.sessions) == 215
    assert len(programme.rooms) == 14 and programme.rooms[0] == "One"
    assert len(programme.days) == 4
    assert all(s.start.tzinfo is not None and s.end > s.start for s in programme.sessions)
    opening = programme.session("1233")
    assert opening is not None and opening.title == "Opening Ceremony" and opening.speakers == ("pajowu", "Stella")
    fraud = programme.session("1254")
    assert fraud is not None and fraud.links == ("https://zügli.app",)


def test_democon_pretalx_json() -> None:
    path = shared_file(SAMPLES / "voc-json_examples_pretalx-democon.json")
    programme = load_programme(path.name, path.parent)
    assert (programme.title, programme.acronym) == ("DemoCon", "democon")
    assert len(programme.sessions) == 36
    assert programme.rooms == ("Gray Room", "Tan Room")
    assert all(s.speakers for s in programme.sessions)


@pytest.mark.parametrize(("name", "file"), [("39c3", "programme.xml"), ("democon", "programme.json")])
def test_every_labelled_session_exists(name: str, file: str) -> None:
    programme_path = shared_file(EVAL / name / file)
    labels = shared_file(EVAL / name / "labels.csv")
    with labels.open(encoding="utf-8") as handle:
        labelled = {row["session"] for row in csv.DictReader(handle)} - {"", "EXCLUDED"}
    ids = {s.id for s in load_programme(programme_path.name, programme_path.parent).sessions}
    assert labelled and labelled <= ids
