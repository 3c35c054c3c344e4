"""`aggregator evaluate SET_DIR`: the real pipeline on an evaluation set's saved captures, then scored.

A set is laid out like `shared/eval/<set>/`: a programme file, `bluesky/`, `mastodon/`,
`blogs/` (each optional) and optionally `labels.csv`. The same `path:` sources a curator
would use are configured, collected into a throw-away store and built into a site whose
`sessions.json` is scored.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator import pipeline
from aggregator.collectors import load_builtin_collectors, normalize_tag
from aggregator.config.model import ConferenceConfig, Config
from aggregator.errors import ConfigError
from aggregator.evaluation.metrics import Metrics, confusion_summary, format_metrics, score
from aggregator.programme import load_programme
from aggregator.store.sqlite import Store

PROGRAMME_NAMES = ("programme.xml", "programme.json", "programme.ics", "schedule.xml", "schedule.json")
SOURCE_FOLDERS = {"bluesky": "bluesky", "mastodon": "mastodon", "feed": "blogs"}


@dataclass(frozen=True)
class EvaluationResult:
    metrics: Metrics | None
    text: str
    site: Path


def config_for_set(set_dir: Path, workdir: Path, timezone: str | None = None) -> Config:
    """The configuration a curator would write for the set; ``timezone`` is the conference's zone,
    used for a programme that names none (default: the programme's own, else UTC)."""
    set_dir = set_dir.resolve()
    programme_file = next((set_dir / n for n in PROGRAMME_NAMES if (set_dir / n).is_file()), None)
    if programme_file is None:
        raise ConfigError(f"{set_dir}: no programme file (expected one of {', '.join(PROGRAMME_NAMES)})")
    programme = load_programme(programme_file.name, set_dir, timezone=timezone)
    collectors = load_builtin_collectors()
    sources = tuple(
        collectors[kind].Options.model_validate({"type": kind, "name": folder, "path": set_dir / folder})
        for kind, folder in SOURCE_FOLDERS.items()
        if (set_dir / folder).exists()
    )
    hashtags = tuple(dict.fromkeys(t for t in (*observed_hashtags(set_dir), programme.acronym) if t))
    return Config(
        conference=ConferenceConfig(
            name=programme.title or set_dir.name,
            hashtags=hashtags or (set_dir.name,),
            timezone=timezone or programme.timezone or "UTC",
        ),
        programme=programme_file.name,
        sources=sources,
        output=workdir / "output",
        data_dir=workdir / "data",
        base_dir=set_dir,
        config_path=set_dir / "(evaluation set)",
    )


def zone_line(schedule: pipeline.Schedule, given: str | None) -> str:
    """Which zone the programme's times were read in, and why."""
    if schedule.programme is None or not schedule.programme.zone_note:
        return f"time zone: the programme's own ({schedule.conference.timezone})"
    if given is None:
        return "time zone: the programme names no time zone and no --timezone was given: its times are read as UTC"
    return f"time zone: {schedule.programme.zone_note}"


def observed_hashtags(set_dir: Path) -> tuple[str, ...]:
    """The conference's hashtag as the saved captures use it: the tag most posts carry.

    A curator knows their hashtag; an evaluation set only shows it, and it need not be the
    programme's acronym.
    """
    counts: Counter[str] = Counter()
    for file in sorted((set_dir / "bluesky").glob("*.json")):
        page = _json(file)
        for view in page.get("posts", []) if isinstance(page, dict) else []:
            record = view.get("record") or {}
            tags = {f.get("tag", "") for facet in record.get("facets") or [] for f in facet.get("features") or []}
            counts.update({normalize_tag(t) for t in (*tags, *(record.get("tags") or [])) if t})
    for file in sorted((set_dir / "mastodon").glob("*.json")):
        statuses = _json(file)
        for status in statuses if isinstance(statuses, list) else []:
            counts.update({normalize_tag(t.get("name", "")) for t in status.get("tags") or [] if t.get("name")})
    return tuple(tag for tag, _ in counts.most_common(1))


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def evaluate_set(
    set_dir: Path, workdir: Path, output: Path | None = None, timezone: str | None = None
) -> EvaluationResult:
    config = config_for_set(set_dir, workdir, timezone)
    with Store(config.data_dir) as store:
        schedule = pipeline.load_schedule(config)
        report = pipeline.collect_sources(config, store, schedule=schedule)
        built = pipeline.build_site(config, store, schedule)
    lines = [source.summary() for source in report.sources]
    lines.append(zone_line(schedule, timezone))
    if built.digest is not None:  # a fresh workdir: always built
        lines.append(built.digest.clock.describe())
    site = config.output
    if output is not None:
        output = output.resolve()
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(site, output)
        site = output
        lines.append(f"site kept in {output}")
    labels = set_dir / "labels.csv"
    if not labels.is_file():
        lines.append(f"{labels} not found: built, not scored")
        return EvaluationResult(metrics=None, text="\n".join(lines), site=site)
    export = json.loads((site / "sessions.json").read_text(encoding="utf-8"))
    metrics = score(labels, export)
    lines += ["", format_metrics(metrics), "", confusion_summary(labels, export)]
    return EvaluationResult(metrics=metrics, text="\n".join(lines), site=site)
