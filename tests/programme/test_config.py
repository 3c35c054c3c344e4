"""`programme_format:` in sources.yaml: validated with the closest value suggested, and used."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.config import load_config
from aggregator.errors import ConfigError, ProgrammeError

DATA = Path(__file__).parent / "data"
HEAD = "conference:\n  name: X\n  hashtags: [x]\n  timezone: Europe/Helsinki\n"


def test_an_unknown_format_lists_the_valid_ones_and_suggests_the_closest(write_config: Callable[[str], Path]) -> None:
    path = write_config(HEAD + "programme: talks.json\nprogramme_format: sesionize\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"{path}:6: programme_format: " in message
    assert "expected one of auto, frab-xml, frab-json, ical, sessionize, pretalx-api, csv" in message
    assert "did you mean 'sessionize'?" in message


def test_the_default_tells_the_format_by_content(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(HEAD + f"programme: {DATA / 'sessionize-all.json'}\n"))
    assert config.programme_format == "auto"
    assert len(pipeline.load_schedule(config).sessions) == 4


def test_a_named_format_is_used_and_a_wrong_one_says_why(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(HEAD + f"programme: {DATA / 'programme.csv'}\nprogramme_format: csv\n"))
    assert len(pipeline.load_schedule(config).sessions) == 4
    wrong = load_config(write_config(HEAD + f"programme: {DATA / 'programme.csv'}\nprogramme_format: ical\n"))
    with pytest.raises(ProgrammeError, match="not a readable iCalendar file"):
        pipeline.load_schedule(wrong)
