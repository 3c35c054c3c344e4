from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config.model import load_config
from aggregator.errors import ConfigError

VALID = """
conference:
  name: "Code4Lib 2027"
  hashtags: ["#C4L27", "code4lib"]
  timezone: "America/Chicago"
  site_url: "https://example.org/c4l27"
sources:
  - type: feed
    url: https://blog.example.org/tag/c4l27/feed/
  - type: feed
    name: saved
    path: saved/feed.xml
output: site/
"""


def error_of(write_config, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(text))
    return str(caught.value)


def test_valid_config_resolves_paths_and_normalizes(write_config) -> None:
    path = write_config(VALID)
    config = load_config(path)
    assert config.conference.hashtags == ("c4l27", "code4lib")
    assert config.conference.site_url == "https://example.org/c4l27/"
    assert config.output == path.parent / "site"
    assert config.data_dir == path.parent / ".aggregator" / "sources"
    assert config.sources[1].path == path.parent / "saved" / "feed.xml"
    assert [s.label() for s in config.sources] == ["feed:https://blog.example.org/tag/c4l27/feed/", "saved"]


def test_unknown_key_names_file_line_path_and_suggestion(write_config) -> None:
    message = error_of(write_config, VALID.replace("  timezone:", "  timezon:"))
    assert "sources.yaml:4: conference.timezon: unknown key; did you mean 'timezone'?" in message


def test_unknown_source_key_points_into_the_list(write_config) -> None:
    message = error_of(write_config, VALID.replace("    url: https", "    ulr: https"))
    assert "sources.yaml:8: sources[0].ulr: unknown key; did you mean 'url'?" in message


def test_unknown_source_type_suggests_closest(write_config) -> None:
    message = error_of(write_config, VALID.replace("type: feed\n    url", "type: blueksy\n    url"))
    assert ":7: sources[0].type: expected one of" in message
    assert "did you mean 'bluesky'?" in message


def test_bad_value_says_what_was_expected(write_config) -> None:
    message = error_of(write_config, VALID.replace("America/Chicago", "Chicago/Illinois"))
    assert ":4: conference.timezone:" in message
    assert "IANA" in message


def test_missing_required_key(write_config) -> None:
    message = error_of(write_config, VALID.replace('  name: "Code4Lib 2027"\n', ""))
    assert "conference.name: required key is missing" in message


def test_yaml_syntax_error_has_a_line(write_config) -> None:
    message = error_of(write_config, VALID + "  - type: [unclosed\n")
    assert "sources.yaml:" in message and "not valid YAML" in message


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(Path("/nonexistent/sources.yaml"))


def test_several_errors_are_all_reported(write_config) -> None:
    text = VALID.replace("  timezone:", "  timezon:").replace("    url: https", "    ulr: https")
    message = error_of(write_config, text)
    assert "timezon" in message and "ulr" in message


def test_overrides_can_live_in_their_own_file(write_config, tmp_path) -> None:
    (tmp_path / "overrides.yaml").write_text("hide:\n  - at://did:plc:x/app.bsky.feed.post/1\nblok: []\n")
    message = error_of(write_config, VALID + "overrides: overrides.yaml\n")
    assert "overrides.yaml:3: blok: unknown key; did you mean 'block'?" in message


def test_conference_dates_must_be_dates(write_config) -> None:
    message = error_of(write_config, VALID.replace('  timezone: "America/Chicago"', '  timezone: "America/Chicago"\n  start: "2027-13-01"'))
    assert ":5: conference.start: Value error, expected a date such as 2027-03-02" in message


def test_assignment_replies_self_still_reads_as_conversation_with_a_warning(
    write_config, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_config(
        """
        conference: {name: Old Con, hashtags: ["#old"]}
        assignment: {replies: self}
        """
    )

    config = load_config(path)

    assert config.assignment.replies == "conversation"
    assert "write 'conversation'" in caplog.text


def test_durations_are_written_30s_5m_2h_1d_everywhere(write_config) -> None:
    from datetime import timedelta

    from aggregator.durations import format_duration, parse_duration

    assert [parse_duration(text) for text in ("30s", "5m", "2h", "1d", "0.5s")] == [
        timedelta(seconds=30), timedelta(minutes=5), timedelta(hours=2), timedelta(days=1), timedelta(seconds=0.5),
    ]  # fmt: skip
    assert [format_duration(parse_duration(text)) for text in ("90s", "60m", "24h")] == ["90s", "1h", "1d"]
    config = load_config(
        write_config(
            "conference: {name: X, hashtags: [x]}\nsources:\n  - {type: feed, url: 'https://x.example/f', every: 5m}\n"
            "health: {max_failing: 30m}\npublish: rsync -a output/ host:/srv/\n"
        )
    )
    assert config.sources[0].every == timedelta(minutes=5)
    assert config.health.max_failing == timedelta(minutes=30)
    assert (config.publish.command, config.publish.timeout) == ("rsync -a output/ host:/srv/", timedelta(minutes=10))


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [("  - {type: feed, url: 'https://x.example/f', every: 5 minutes}", "sources[0].every", "'5 minutes'"),
     ("health: {max_failing: -1h}", "health.max_failing", "'-1h'")],
)  # fmt: skip
def test_a_bad_duration_names_the_file_line_key_and_what_was_expected(write_config, line: str, key: str, value: str) -> None:
    sources = line if line.startswith("  -") else "  - {type: feed, url: 'https://x.example/f'}"
    extra = "" if line.startswith("  -") else line
    path = write_config(f"conference: {{name: X, hashtags: [x]}}\nsources:\n{sources}\n{extra}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert f"{path}:3: {key}: " in str(refused.value) or f"{path}:4: {key}: " in str(refused.value)
    assert f"expected a duration such as 30s, 5m, 2h or 1d (got {value})" in str(refused.value)
