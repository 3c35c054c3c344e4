"""The real exports in /work/shared (read-only, never copied here) served on 127.0.0.1: they name
their own zone, and a truncated download of one falls back to its saved copy. Skipped where absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator.programme import CachePolicy, ProgrammeSpec, SavedCopy, read_programme

SAMPLES = Path("/work/shared/samples/programmes")
REAL = [
    ("eventfahrplan-schedule-39c3-20251206.xml", 215, "Europe/Berlin"),
    ("voc-json_examples_pretalx-democon.json", 36, "UTC"),
]


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"{path} is not available here")
    return path.read_bytes()


@pytest.mark.parametrize(("name", "count", "zone"), REAL)
def test_a_truncated_download_of_a_real_programme_falls_back_to_its_saved_copy(
    name: str, count: int, zone: str, httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = sample(name)
    spec = ProgrammeSpec(httpserver.url_for(f"/{name}"), tmp_path, timezone="UTC")
    policy = CachePolicy(SavedCopy.file(tmp_path / "programme.cache"))
    httpserver.expect_request(f"/{name}").respond_with_data(data)
    first = read_programme(spec, policy)
    assert (len(first.programme.sessions), first.programme.timezone, first.zone_note) == (count, zone, "")

    httpserver.clear()
    httpserver.expect_request(f"/{name}").respond_with_data(data[: len(data) // 2])
    again = read_programme(spec, policy)
    assert again.origin == "saved copy" and len(again.programme.sessions) == count
    assert again.notes and "using the copy saved" in again.notes[0]
    assert (tmp_path / "programme.cache").read_bytes() == data
