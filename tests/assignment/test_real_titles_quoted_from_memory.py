"""People quote talk titles from memory: 'Featured in the "Machine Learning: Do it in a Framework"
talk' cites "Machine Learning with R: do it with a framework", not the later talk on a modular
framework for machine learning (issue #8)."""

from __future__ import annotations

from aggregator.assignment.quoted_titles import QuotedTitles
from aggregator.models import Session
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time

SESSIONS: tuple[Session, ...] = (
    user2019_talk(
        "framework",
        "Machine Learning with R: do it with a framework",
        "11:30",
        "11:48",
        room="Cassiopee",
        abstract="packages for machine learning in a common framework",
    ),
    user2019_talk(
        "mlr3",
        "mlr3: A new modular framework for machine learning with R",
        "12:06",
        "12:24",
        room="Cassiopee",
        abstract="a modular machine learning framework, the successor of mlr",
    ),
)
QUOTE = (
    'Nice to see a shout-out to the SuperLearner package! Featured in the "Machine Learning: Do it in a Framework" talk'
)


def test_a_title_quoted_loosely_cites_the_closest_title() -> None:
    assert QuotedTitles(SESSIONS).cited(QUOTE) == {"Machine Learning: Do it in a Framework": {0}}


def test_the_quoted_talk_wins_over_the_one_running_now() -> None:
    assert filed_threads([make_post("p", "zoe", user2019_time("12:16"), QUOTE)], SESSIONS)["p"] == "framework"


def test_a_quote_that_is_no_title_cites_nothing() -> None:
    titles = QuotedTitles(SESSIONS)
    assert titles.cited('She said "machine learning is just statistics" and the room laughed') == {}
    assert titles.cited("Machine learning with a framework, without quotation marks") == {}
