"""``url_scheme``'s shortcut for plain http(s) addresses says exactly what ``urlsplit`` says."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.sanitize import url_scheme

_PREFIXES = st.sampled_from(["http://", "https://", "HTTPS://", "hTtP://", " https://", "https:", "https://[", "ftp://", ""])
_TAILS = st.text(st.characters(max_codepoint=0x7F) | st.sampled_from("[]é\u2100\ufe13\t\n "), max_size=30)


def _split_scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


@settings(max_examples=1000, deadline=None)
@given(_PREFIXES, _TAILS)
def test_the_shortcut_agrees_with_urlsplit(prefix: str, tail: str) -> None:
    assert url_scheme(prefix + tail) == _split_scheme(prefix + tail)


def test_addresses_urlsplit_refuses_have_no_scheme() -> None:
    assert url_scheme("https://[example.org/") == ""
    assert url_scheme("https://example.org\u2100/") == ""  # NFKC makes the host contain a slash
