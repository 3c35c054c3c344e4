"""Curator overrides: validation, hide/block/exclude filtering, pins."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aggregator.curation import Overrides, OverridesConfig, filter_posts
from aggregator.models import Author, Thread
from tests.assignment.builders import make_post


def post(id: str, text: str = "hello #minicon", author: str = "ann", **fields):
    return make_post(id, author, "2026-05-20T10:00:00+02:00", text, **fields)


def compile_(**keys) -> Overrides:
    return Overrides.from_config(OverridesConfig(**keys))


def test_config_rejects_unknown_keys_bad_regexes_and_empty_pins() -> None:
    with pytest.raises(ValidationError):
        OverridesConfig(pins={"a": "1"})
    with pytest.raises(ValidationError, match="invalid regular expression"):
        OverridesConfig(exclude=["(unclosed"])
    with pytest.raises(ValidationError):
        OverridesConfig(pin={"a": " "})
    for field in OverridesConfig.model_fields.values():
        assert field.description


def test_hide_and_exclude_by_text_case_insensitively() -> None:
    overrides = compile_(hide=["b"], exclude=[r"\bcrypto\b"])
    posts = [post("a"), post("b"), post("c", "Buy CRYPTO now"), post("d", "cryptography talk")]
    assert [p.id for p in filter_posts(posts, overrides)] == ["a", "d"]
    assert overrides.rejection(posts[2]) == "excluded text"


def test_exclude_matches_a_blog_title_too() -> None:
    overrides = compile_(exclude=["sponsored"])
    assert not overrides.allows(post("a", "plain body", title="Sponsored: our product"))


def test_block_by_handle_did_or_profile_url_in_any_spelling() -> None:
    ann = Author(id="https://glammr.example/users/ann", handle="ann@glammr.example", url="https://glammr.example/@ann")
    bob = Author(id="did:plc:bob", handle="bob.bsky.social")
    for entry in ("@ann@glammr.example", "https://glammr.example/@ann/", "glammr.example/@ANN", "ann@glammr.example"):
        assert compile_(block=[entry]).is_blocked(ann), entry
    assert compile_(block=["did:plc:bob"]).is_blocked(bob)
    assert compile_(block=["@Bob.bsky.social"]).is_blocked(bob)
    assert not compile_(block=["bob.bsky.social"]).is_blocked(ann)


def test_exclude_authors_by_handle_pattern() -> None:
    overrides = compile_(exclude_authors=[r"^bot\d*\."])
    kept = filter_posts([post("a", author="bot7"), post("b", author="robot")], overrides)
    assert [p.id for p in kept] == ["b"]


def test_pins_hallway_and_thread_lookup() -> None:
    overrides = compile_(pin={"r2": "hallway", "x": "105"})
    root, reply = post("r1"), post("r2", reply_parent="r1")
    assert overrides.pins == {"r2": None, "x": "105"}
    assert overrides.pin_for(Thread(root=root, posts=(root, reply))) == ("r2", None)
    assert overrides.pin_for(Thread(root=root, posts=(root,))) is None
    assert overrides.unknown_pin_targets({"101"}) == ["pin x: no session '105'"]


def test_no_overrides_keep_everything() -> None:
    posts = [post("a"), post("b")]
    assert filter_posts(posts, None) == posts
    assert filter_posts(posts, compile_()) == posts
