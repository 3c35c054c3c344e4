"""Property tests of the sanitizer of every published format (issue #9): no hostile input ever
yields an executable construct in a page, a feed or an export, and nothing crashes the renderer.

The counts of this run are checked against the README's reliability section, so the figures
it quotes are the suite's own. More cases: AGGREGATOR_PROPERTY_EXAMPLES=2000 (then the README
check is skipped, as its figures are for the default count), or `python bench/reliability.py`.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given, settings

from aggregator.sanitize import strip_markup
from tests.hardening.sanitizer_cases import (
    DEFAULT_EXAMPLES,
    EXAMPLES_VARIABLE,
    FORMATS,
    Tally,
    hostile_text,
    measure,
    tally_table,
)
from tests.paths import REPO
from tests.site.live_markup import elements_in

EXAMPLES = int(os.environ.get(EXAMPLES_VARIABLE, DEFAULT_EXAMPLES))
TALLY = Tally()


@pytest.mark.parametrize("output_format", list(FORMATS))
def test_no_hostile_input_leaves_anything_live(output_format: str) -> None:
    measure(output_format, EXAMPLES, TALLY)


@settings(max_examples=max(EXAMPLES, 200), derandomize=True, database=None)
@given(hostile_text)
def test_stripped_text_holds_no_markup_and_stays_as_it_is(text: str) -> None:
    stripped = strip_markup(text)
    assert elements_in(stripped) == []
    assert strip_markup(stripped) == stripped


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("I <3 libraries", "I <3 libraries"),
        ("AT&amp;T &amp; friends", "AT&T & friends"),
        ("&lt;img src=x onerror=alert(1)&gt;Hi", "Hi"),
        ("<b>Bold</b> move", "Bold move"),
        ("one\nline", "one line"),
    ],
)
def test_stripping_keeps_the_words(text: str, plain: str) -> None:
    assert strip_markup(text) == plain


def readme_table() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- reliability:begin[^>]*-->\n(.*?)\n<!-- reliability:end -->", readme, flags=re.DOTALL)
    assert found, "README.md has no reliability table between its markers"
    return found.group(1).strip()


def test_the_readme_quotes_the_counts_this_suite_measured() -> None:
    if EXAMPLES != DEFAULT_EXAMPLES:
        pytest.skip(f"{EXAMPLES_VARIABLE}={EXAMPLES}: the README quotes the default of {DEFAULT_EXAMPLES} per format")
    if set(TALLY.tried) != set(FORMATS):
        pytest.skip("the property tests of every format did not run in this session")
    assert readme_table() == tally_table(TALLY), "update README.md's reliability table: `python bench/reliability.py`"
