"""`aggregator evaluate` on a set laid out like the shared evaluation sets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.evaluation.run import evaluate_set, observed_hashtags
from tests.paths import EXAMPLE


def copy_of_example(tmp_path: Path) -> Path:
    target = tmp_path / "set"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("output", ".aggregator", "*.py", "shelfcon_gen"))
    return target


def test_the_hashtag_comes_from_the_captures_not_the_programme(tmp_path: Path) -> None:
    set_dir = copy_of_example(tmp_path)
    programme = json.loads((set_dir / "programme.json").read_text())
    programme["schedule"]["conference"]["acronym"] = "sc2026"  # not the tag people used
    (set_dir / "programme.json").write_text(json.dumps(programme))
    assert observed_hashtags(set_dir) == ("shelfcon26",)
    result = evaluate_set(set_dir, tmp_path / "work")
    assert result.metrics is not None
    assert result.metrics.coverage == 1.0
    assert result.metrics.optout_published == 0


def test_evaluate_command_keeps_the_site_and_prints_metrics(tmp_path: Path) -> None:
    set_dir = copy_of_example(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", str(set_dir), "--output", str(tmp_path / "site"), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["accuracy"] >= 0.93
    assert (tmp_path / "site" / "sessions.json").is_file()


def test_a_set_without_labels_is_built_not_scored(tmp_path: Path) -> None:
    set_dir = copy_of_example(tmp_path)
    (set_dir / "labels.csv").unlink()
    result = evaluate_set(set_dir, tmp_path / "work")
    assert result.metrics is None and "not scored" in result.text


def _without_zone(set_dir: Path) -> None:
    """The programme as a FOSDEM export up to 2024 has it: local times, no zone anywhere."""
    path = set_dir / "programme.json"
    programme = json.loads(path.read_text())
    del programme["schedule"]["conference"]["time_zone_name"]
    text = json.dumps(programme).replace("+02:00", "")
    assert "Europe/Amsterdam" not in text
    path.write_text(text)


def test_evaluate_reads_a_zoneless_programme_in_the_timezone_given(tmp_path: Path) -> None:
    set_dir = copy_of_example(tmp_path)
    _without_zone(set_dir)
    args = ["evaluate", str(set_dir), "--timezone", "Europe/Amsterdam"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "its times are read in Europe/Amsterdam (conference.timezone)" in result.stdout
    assert "programme clock: as published" in result.stdout
    zoned = evaluate_set(copy_of_example(tmp_path / "zoned"), tmp_path / "work")
    assert f"accuracy             {zoned.metrics.accuracy:.3f}" in result.stdout if zoned.metrics else False


def test_evaluate_says_when_a_zoneless_programme_is_read_as_utc(tmp_path: Path) -> None:
    set_dir = copy_of_example(tmp_path)
    _without_zone(set_dir)
    result = evaluate_set(set_dir, tmp_path / "work")
    assert "no --timezone was given: its times are read as UTC" in result.text
    assert "programme clock: -12" in result.text  # the engine finds the two hours from the posts
