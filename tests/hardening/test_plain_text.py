"""html_to_text skips the HTML parser for text it would give back unchanged: the shortcut must
never change a result (the parser's own output is the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.sanitize import html_to_text, references
from tests.hardening.sanitizer_cases import hostile_text

plain_looking = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), max_size=60)


@settings(max_examples=400, derandomize=True, database=None)
@given(st.one_of(plain_looking, hostile_text))
def test_the_shortcut_gives_what_the_parser_gives(text: str) -> None:
    assert html_to_text(text) == html_to_text(f"<span>{text}</span>")  # the tag forces the parser


def test_text_the_parser_rewrites_takes_the_parser() -> None:
    assert html_to_text("Ada &amp; Bo") == "Ada & Bo"
    assert html_to_text("a\r\nb") == "a\nb"
    assert html_to_text("\ufeffhi") == "hi"  # the parser drops a leading byte-order mark
    assert html_to_text("nul\x00here") == html_to_text("<span>nul\x00here</span>")


def test_links_and_images_are_read_in_one_pass_in_document_order() -> None:
    found = references(
        '<p><a href="https://b.example/">b</a><img src="https://i.example/1.png" alt="one" width="20">'
        '<a href="https://a.example/">a</a><a href="https://b.example/">again</a>'
        '<img src="https://i.example/1.png" alt="dup"><a href="javascript:1">x</a></p>'
    )
    assert found.links == ("https://b.example/", "https://a.example/")
    assert [(i.src, i.alt, i.width) for i in found.images] == [("https://i.example/1.png", "one", 20)]
