"""What `explain` prints is what decided: for every post of the bundled example, each candidate's
printed score is the sum of its printed signals and the score the engine ranked it by, and the
decision's confidence is the printed probability of the session it went to."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.assignment.explain import explain
from aggregator.config.model import load_config
from aggregator.models import Placement
from aggregator.store.sqlite import Store
from tests.paths import EXAMPLE

CANDIDATE_LINE = re.compile(r"^  +(?P<probability>\d\.\d\d)  (?P<session>\S+) .*score (?P<score>[+-]\d+\.\d\d)$")
SIGNAL_LINE = re.compile(r"^ {9}\S+ +(?P<score>[+-] *\d+\.\d\d)  ")


@pytest.fixture(scope="module")
def placements(tmp_path_factory: pytest.TempPathFactory) -> tuple[Placement, ...]:
    work: Path = tmp_path_factory.mktemp("explain")
    config = load_config(EXAMPLE / "sources.yaml").model_copy(
        update={"data_dir": work / "data", "output": work / "output"}
    )
    with Store(config.data_dir) as store:
        pipeline.collect_sources(config, store)
        return pipeline.make_digest(config, store.posts()).placements


def _printed_candidates(text: str) -> list[tuple[str, float, float, float]]:
    """(session, probability, printed score, sum of the printed signals) per candidate block."""
    blocks: list[tuple[str, float, float, float]] = []
    for line in text.splitlines():
        head = CANDIDATE_LINE.match(line)
        if head:
            blocks.append((head["session"], float(head["probability"]), float(head["score"]), 0.0))
            continue
        signal = SIGNAL_LINE.match(line)
        if signal and blocks:
            session, probability, score, total = blocks[-1]
            blocks[-1] = (session, probability, score, total + float(signal["score"].replace(" ", "")))
    return blocks


def test_every_printed_score_is_the_deciding_score(placements: tuple[Placement, ...]) -> None:
    checked = 0
    for placement in placements:
        if placement.pinned:
            continue
        printed = _printed_candidates(explain(placement.thread.root.id, placements))
        assert len(printed) == len(placement.candidates)
        for (session, probability, score, signal_sum), candidate in zip(printed, placement.candidates, strict=True):
            assert session == candidate.session_id
            assert score == pytest.approx(candidate.log_odds, abs=0.006)
            assert signal_sum == pytest.approx(score, abs=0.006 * (1 + len(candidate.signals)))
            assert math.isclose(sum(s.score for s in candidate.signals), candidate.log_odds, abs_tol=1e-9)
            assert probability == pytest.approx(candidate.score, abs=0.006)
            checked += 1
        chosen = [c for c in placement.candidates if c.session_id == placement.session_id]
        if chosen and not placement.reason.startswith("an overview"):
            assert placement.confidence == pytest.approx(chosen[0].score)
    assert checked > 200


def test_candidates_are_ranked_by_their_score(placements: tuple[Placement, ...]) -> None:
    for placement in placements:
        scores = [c.log_odds for c in placement.candidates if not placement.pinned]
        assert scores == sorted(scores, reverse=True)
