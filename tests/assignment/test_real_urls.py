"""Real posts are full of links: a URL is tokenized as a URL, an unreadable one is no evidence
and never an error (issue #8)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.assignment.evidence import ThreadClues, linked_account, normalize_url
from aggregator.assignment.text import TextIndex, tokenize, url_words
from aggregator.models import Thread
from tests.assignment.builders import filed_threads, make_post, tidyr_talk, user2019_talk

SESSIONS = (
    tidyr_talk("New pivot functions in tidyr. Code at https://github.com/tidyverse/tidyr and https://tidyr.tidyverse.org"),
    user2019_talk(
        "shiny",
        "Logging events in Shiny apps",
        room="Saint-Exupery",
        speakers=("Kamil Wais",),
        abstract="The shinyEventLogger package, see https://github.com/kalimu/shinyEventLogger/blob/master/README.html",
    ),
)
AT = "2019-07-10T11:35:00+02:00"

UNREADABLE = (
    "http://[host].direct.labs.play-with-docker.com:8787",
    "http://[",
    "https://[::1",
    "http://%zz",
    "http://host:99999999/x",
    "https://example.org:port/",
    "http://" + "a" * 10_000,
    "https://x.org/" + "%" * 5_000 + "[" * 5_000,
)


def placements(text: str, **fields: object) -> dict[str, str | None]:
    return filed_threads([make_post("p", "zoe", AT, text, **fields)], SESSIONS)


def test_url_pieces_are_no_words() -> None:
    assert tokenize("at https://www.example.com/index.html") == []
    assert tokenize("at https://github.com/tidyverse/tidyr/blob/master/R/pivot.R") == [
        "tidyverse",
        "tidyr",
        "pivot",
    ]


def test_a_link_with_nothing_in_common_does_not_pull_a_post_to_a_talk_with_links() -> None:
    index = TextIndex(SESSIONS)
    assert index.terms("https://github.com/someone/else") == frozenset()
    assert placements("Lovely view from the terrace https://www.github.com/abc/def.html") == {"p": None}


def test_a_link_to_a_speakers_repository_is_evidence() -> None:
    assert placements("have a look https://github.com/kalimu/shinyEventLogger") == {"p": "shiny"}


def test_a_quoted_posts_address_names_its_author() -> None:
    assert linked_account("twitter.com/hadleywickham/status/1148886090465665024") == "hadleywickham"
    assert linked_account("mastodon.social/@hadleywickham/1234") == "hadleywickham"
    assert linked_account("bsky.app/profile/hadley.bsky.social/post/abc") == "hadley.bsky.social"
    assert linked_account("github.com/tidyverse/tidyr") == ""


def test_the_real_unreadable_address_does_not_break_assignment() -> None:
    text = "RStudio in a browser: http://[host].direct.labs.play-with-docker.com:8787 #useR2019"
    assert placements(text, links=["http://[host].direct.labs.play-with-docker.com:8787"]) == {"p": None}


def test_unreadable_addresses_are_no_links() -> None:
    for url in UNREADABLE:
        assert normalize_url(url) in ("", normalize_url(url))  # no exception, whatever it is
    assert normalize_url("http://[") == ""
    assert normalize_url("http://host:99999999/x") == ""


URL_SHAPED = st.one_of(
    st.sampled_from(UNREADABLE),
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["http://", "https://", "www.", "HTTP://[", "http://%", "ftp://", "https://["]),
        st.text(min_size=0, max_size=200),
    ),
    st.builds(lambda n, c: "http://" + c * n, st.integers(1_000, 10_000), st.sampled_from(["a", "[", "%", ":", "/"])),
)


@settings(max_examples=150, deadline=None)
@given(url=URL_SHAPED, before=st.text(max_size=30))
def test_no_url_shaped_string_is_ever_an_error(url: str, before: str) -> None:
    text = f"{before} {url} #useR2019"
    post = make_post("p", "zoe", AT, text, links=[url], mentions=[url[:50]])
    ThreadClues.of(Thread(root=post, posts=(post,)))
    url_words(url)
    tokenize(text)
    assert len(filed_threads([post], SESSIONS)) == 1
