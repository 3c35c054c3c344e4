"""Real posts about a room's running talk and about hallway matters (issue #8): the next talk in a
room is not yet running while the one before it is, and chatter words make the hallway a real rival."""

from __future__ import annotations

from datetime import datetime

from aggregator.assignment import AssignmentSettings, assign
from aggregator.assignment.timing import BEFORE_START_FLOOR, RUNNING_FLOOR, TimeIndex
from aggregator.models import Post, Session
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019, filed_threads, make_post, user2019_talk, user2019_time

at = user2019_time

LIGHTNING = tuple(
    user2019_talk(f"aula{start}", title, start, end, room="Aula", track="Text mining", abstract=abstract)
    for start, end, title, abstract in (
        ("10:25", "10:30", "polite web etiquette", "scraping websites politely"),
        ("10:30", "10:35", "sentometrics", "textual sentiment indices"),
        ("10:35", "10:40", "bibliographer", "bibliographic research tools"),
    )
)
OTHER_ROOMS = tuple(
    user2019_talk(f"{room}10:25", f"Quick look at {room}", "10:25", "10:30", room=room, abstract=abstract)
    for room, abstract in (("Forum", "teaching statistics"), ("Lab", "clinical trials"))
)


def filed(sessions: tuple[Session, ...], *posts: Post) -> dict[str, str | None]:
    return filed_threads(posts, sessions)


def test_the_next_talk_in_a_room_is_not_yet_running_while_the_one_before_it_is() -> None:
    index = TimeIndex(LIGHTNING, lead_minutes=15, reflection_minutes=30)
    moment = datetime.fromisoformat(at("10:28"))
    priors = index.candidates(moment)  # session index -> time prior (the talks are equally long: weight 1)
    assert priors[1] == BEFORE_START_FLOOR  # 2 min before its start, room busy
    assert priors[0] >= RUNNING_FLOOR  # running (the prior falls from 1 at its start to the floor at its end)
    # in the changeover of a room that is free, the coming talk ramps up as before
    free = TimeIndex(LIGHTNING[1:], lead_minutes=15, reflection_minutes=30)
    assert free.candidates(moment)[0] > 0.8


def test_a_post_naming_a_block_of_short_talks_goes_to_the_talk_running_in_it() -> None:
    post = make_post("block", "zoe", at("10:27"), "It's lightning time! I am in the text mining session")
    assert filed((*LIGHTNING, *OTHER_ROOMS), post)["block"] == "aula10:25"


PARALLEL = tuple(
    user2019_talk(f"{room}", f"Talk in {room}", room=room, abstract=abstract)
    for room, abstract in (
        ("Aula", "reusable report templates for field epidemiologists"),
        ("Forum", "fitting gibbs models with packages in C++"),
        ("Lab", "mathematical models in school"),
        ("Hall", "an anomaly detector"),
    )
)
# A threshold above the favourite's confidence: what files these posts is the favourite rule alone
# (a session several times likelier than the runner-up and the hallway).
STRICT = AssignmentSettings(threshold=0.95)


def filed_strictly(post: Post) -> str | None:
    return assign(build_threads([post]), PARALLEL, USER_2019, STRICT)[0].session_id


def test_hallway_chatter_denies_a_favourite_below_the_threshold() -> None:
    post = make_post("poster", "zoe", at("11:40"), "Come to our poster to see dashboard templates and models of packages!")
    assert filed_strictly(post) is None


def test_a_favourite_without_chatter_is_still_filed_below_the_threshold() -> None:
    post = make_post("live", "zoe", at("11:40"), "Those dashboard templates and models of the packages!")
    assert filed_strictly(post) == "Forum"


def test_a_clock_offset_is_the_latest_shift_that_fits_the_posts() -> None:
    """Posts early in each talk (2 min in) and late (20 min in), an hour after the programme says:
    every shift from 25 to 60 minutes puts them inside their half-hour talks (with the trailing
    slack), but only 60 leaves none of them before their talk began."""
    from datetime import timedelta

    from aggregator.assignment.timing import estimate_offset

    talks = [
        user2019_talk(f"t{hour}{half}", f"Talk {hour}:{half}", f"{hour:02d}:{half}", f"{hour:02d}:{int(half) + 29}")
        for hour in range(9, 17)
        for half in ("00", "30")
    ]
    named = [(talk.start + timedelta(minutes=60 + minute), talk) for talk in talks for minute in (2, 20)]
    assert estimate_offset(named) == timedelta(minutes=60)
