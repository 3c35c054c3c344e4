"""Source types are known from their options alone: the atproto SDK loads only when Bluesky is collected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import REPO

PROBE = """
import sys
from aggregator.config import load_config
from aggregator.collectors import load_builtin_collectors
config = load_config(sys.argv[1])
kinds = load_builtin_collectors()
before = "atproto_client" in sys.modules
collector = kinds["bluesky"].collector()  # what the first collect of a Bluesky source does
print(sorted(kinds), before, "atproto_client" in sys.modules, collector.__name__)
"""


def test_reading_a_configuration_does_not_import_the_atproto_sdk(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        'conference: {name: "Kinds Con", hashtags: ["#kinds27"], timezone: UTC}\n'
        "sources:\n"
        "  - {type: feed, url: 'https://blog.example.org/feed/'}\n"
        "  - {type: bluesky, hashtags: [kinds27]}\n",
        encoding="utf-8",
    )
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(config)], capture_output=True, text=True, cwd=REPO, check=True
    )

    assert probe.stdout.split() == ["['bluesky',", "'feed',", "'mastodon']", "False", "True", "BlueskyCollector"]
