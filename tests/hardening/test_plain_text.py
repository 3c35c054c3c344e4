"""html_to_text skips the HTML parser for text it would give back unchanged: the shortcut must
never change a result (the parser's own output is the reference)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.sanitize import clean_html, html_to_text, is_web_url, references
from tests.hardening.sanitizer_cases import hostile_text, hostile_url

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


class _ParserReferences(HTMLParser):
    """What the standard library's HTML parser finds: the reference for the pattern in ``references``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "").strip() for name, value in attrs}
        if tag == "a" and is_web_url(values.get("href", "")):
            self.links.append(values["href"])
        elif tag == "img" and is_web_url(values.get("src", "")):
            self.images.append((values["src"], values.get("alt", ""), values.get("width", "")))


_tag_soup = st.lists(
    st.one_of(
        hostile_text,
        hostile_url.map(lambda url: f'<a href="{url}" title="{url}">x</a>'),
        st.tuples(hostile_url, hostile_text).map(lambda pair: f"<img src='{pair[0]}' alt=\"{pair[1]}\" width=7>"),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=400, derandomize=True, database=None)
@given(_tag_soup, st.sampled_from(("", "https://blog.example/2027/post/")))
def test_references_of_sanitized_html_are_what_an_html_parser_reads(fragment: str, base: str) -> None:
    cleaned = clean_html(fragment, base)
    parser = _ParserReferences()
    parser.feed(cleaned)
    parser.close()
    found = references(cleaned)
    assert found.links == tuple(dict.fromkeys(parser.links))
    first_of_each = {src: (src, alt, width) for src, alt, width in reversed(parser.images)}
    assert [(i.src, i.alt, str(i.width or "")) for i in found.images] == [
        first_of_each[src] for src in dict.fromkeys(src for src, _, _ in parser.images)
    ]


def test_an_attribute_holding_markup_is_one_value_not_a_tag() -> None:
    found = references(clean_html('<a title="&quot;><a href=&quot;https://fake.example/&quot;>" href="https://real.example/?a=1&amp;b=2">x</a>'))
    assert found.links == ("https://real.example/?a=1&b=2",)
