"""Hostile sources.yaml: refused at once with exit 2 and the lines named (issue #9)."""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from aggregator.cli.app import cli

VALID_TAIL = 'sources:\n  - {type: feed, name: blog, path: blog.xml}\n'


def check(folder: Path, text: str) -> tuple[int, str, float]:
    config = folder / "sources.yaml"
    config.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--quiet", "--config", str(config), "check"])
    return result.exit_code, result.output, time.monotonic() - started


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels):
        aliases = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + f"\nconference: {{name: x, hashtags: [x], description: *a{levels - 1}}}\n"


def test_an_alias_bomb_is_refused_within_seconds_with_exit_2(tmp_path: Path) -> None:
    text = alias_bomb()
    assert len(text) < 1024
    code, output, seconds = check(tmp_path, text)
    assert code == 2 and "aliases" in output and "Traceback" not in output, output
    assert seconds < 5


def test_a_document_with_a_modest_alias_still_loads(tmp_path: Path) -> None:
    (tmp_path / "blog.xml").write_text("<rss version='2.0'><channel><title>t</title></channel></rss>")
    text = 'conference: {name: HardCon, hashtags: &t ["#hc27"], description: *t}\n' + VALID_TAIL
    code, output, _ = check(tmp_path, text.replace("description: *t", "site_url: https://x.example/"))
    assert code == 0, output


def test_duplicate_keys_are_exit_2_naming_both_lines(tmp_path: Path) -> None:
    text = 'conference: {name: First, hashtags: ["#a"]}\n' + VALID_TAIL + 'conference: {name: Second, hashtags: ["#b"]}\n'
    code, output, _ = check(tmp_path, text)
    assert code == 2, output
    assert "sources.yaml:4: duplicate key 'conference': already given on line 1" in output


def test_duplicate_keys_inside_a_source_are_refused(tmp_path: Path) -> None:
    text = 'conference: {name: A, hashtags: ["#a"]}\nsources:\n  - type: feed\n    path: a.xml\n    path: b.xml\n'
    code, output, _ = check(tmp_path, text)
    assert code == 2 and ":5: duplicate key 'path': already given on line 4" in output, output
