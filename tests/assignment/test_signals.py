"""Single signals of the assignment engine: text tokens, time windows, explicit evidence."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from aggregator.assignment.evidence import ProgrammeEvidence, ThreadClues, normalize_url
from aggregator.assignment.settings import AssignmentSettings, SignalWeights
from aggregator.assignment.text import HALLWAY_PHRASES, PhraseSet, TextIndex, phrase_form, reflection_phrases, tokenize
from aggregator.assignment.timing import RUNNING_FLOOR, TimeIndex
from aggregator.models import Thread
from tests.assignment.builders import load_case, make_post, make_session

CASE = load_case()
SESSIONS = {s.id: s for s in CASE.sessions}


def clues(text: str, **fields) -> ThreadClues:
    post = make_post("x", "zoe", "2026-05-20T10:00:00+02:00", text, **fields)
    return ThreadClues.of(Thread(root=post, posts=(post,)))


def signal_names(text: str, session_id: str, **fields) -> set[str]:
    """The explicit signals naming one session (a named room counts for the sessions held there)."""
    evidence = ProgrammeEvidence(CASE.sessions, SignalWeights())
    session = SESSIONS[session_id]
    named = evidence.named(clues(text, **fields))
    found = {s.name for s in named.signals.get(CASE.sessions.index(session), ())}
    return found | ({"room"} if session.room in named.rooms else set())


def test_tokens_are_casefolded_unicode_words_without_stopwords() -> None:
    # casefold maps ß to ss on both sides, so "Straße" in a programme meets "Strasse" in a post
    assert tokenize("Über die Straße: Größe & Maß of the Café!") == ["strasse", "grösse", "mass", "café"]
    assert tokenize("ĆEVAPI и Тест") == ["ćevapi", "тест"]


def test_text_index_prefers_the_session_with_the_rare_words() -> None:
    index = TextIndex(CASE.sessions)
    terms = index.terms("Tesseract and Fraktur are hard")
    scores = {s.id: index.score(terms, i)[0] for i, s in enumerate(CASE.sessions)}
    assert max(scores, key=scores.get) == "106"
    assert index.score(index.terms("great talk, excellent slides"), 0) == (0.0, ())


def test_unique_terms_weigh_the_same_on_small_and_large_programmes() -> None:
    small = TextIndex(CASE.sessions[:2])
    large = TextIndex(CASE.sessions)
    assert small.idf["wikidata"] == pytest.approx(1.0)
    assert large.idf["wikidata"] == pytest.approx(1.0)


def hallway_phrases(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The hallway chatter the engine finds (its PhraseSet of HALLWAY_PHRASES and hallway_words)."""
    return PhraseSet(HALLWAY_PHRASES | set(extra)).found_in(phrase_form(text))


def test_hallway_and_reflection_phrases() -> None:
    assert hallway_phrases("The coffee line is long!") == ["coffee", "coffee line"]
    assert hallway_phrases("Coffeescript talk") == []
    assert hallway_phrases("At the Garderobe", extra=("garderobe",)) == ["garderobe"]
    assert reflection_phrases(phrase_form("Still thinking about that talk")) == ["still thinking", "that talk"]


def test_hallway_chatter_is_recognised_in_german_french_and_spanish() -> None:
    assert hallway_phrases("Auf dem Weg zum Veranstaltungsort") == ["veranstaltungsort"]
    assert hallway_phrases("Le déjeuner était excellent") == ["déjeuner"]
    assert hallway_phrases("¿Quién viene a cenar esta noche?") == ["cenar"]
    assert hallway_phrases("Retour d'expérience sur la cartographie") == []  # a talk, not chatter


def test_time_window_with_lead_and_reflection() -> None:
    index = TimeIndex(CASE.sessions, lead_minutes=15, reflection_minutes=30)
    at = datetime.fromisoformat
    running = index.candidates(at("2026-05-20T09:30:00+02:00"))
    assert {CASE.sessions[i].id for i, p in running.items() if p >= RUNNING_FLOOR} == {"101", "102", "103"}
    before = index.candidates(at("2026-05-20T09:50:00+02:00"))
    assert {CASE.sessions[i].id for i in before} == {"101", "102", "103", "104", "105", "106"}
    assert all(0 < p < 1 for p in before.values())
    assert index.candidates(at("2026-05-20T16:00:00+02:00")) == {}
    looking_back = index.candidates(at("2026-05-20T10:30:00+02:00"), reflective=True)
    ids = {CASE.sessions[i].id: p for i, p in looking_back.items()}
    assert ids["101"] > ids["104"]


def test_looking_back_favours_the_talk_that_has_just_ended() -> None:
    """Reflections come within the reflection window; a talk over an hour ago falls far behind
    one that ended minutes ago, but stays reachable for a clear text match."""
    just = make_session("just", "Just ended", "2026-05-20T10:00:00+02:00", "2026-05-20T10:20:00+02:00")
    half = make_session("half", "Ended 25 min ago", "2026-05-20T09:40:00+02:00", "2026-05-20T10:05:00+02:00")
    early = make_session("early", "Ended 70 min ago", "2026-05-20T08:50:00+02:00", "2026-05-20T09:20:00+02:00")
    running = make_session("running", "Running", "2026-05-20T10:25:00+02:00", "2026-05-20T10:45:00+02:00")
    index = TimeIndex((just, half, early, running), lead_minutes=15, reflection_minutes=30)
    found = index.candidates(datetime.fromisoformat("2026-05-20T10:30:00+02:00"), reflective=True)
    prior = {index.sessions[i].id: p for i, p in found.items()}
    assert prior["just"] > prior["half"] > prior["running"]
    assert prior["half"] >= 0.5
    assert 0 < prior["early"] < prior["just"] / 4


def test_all_day_sessions_are_candidates_all_day() -> None:
    day = make_session("all", "Poster exhibition", "2026-05-20T08:00:00+02:00", "2026-05-20T18:00:00+02:00")
    index = TimeIndex((*CASE.sessions, day), lead_minutes=15, reflection_minutes=30)
    found = index.candidates(datetime.fromisoformat("2026-05-20T16:00:00+02:00"))
    assert [index.sessions[i].id for i in found] == ["all"]


def test_explicit_evidence() -> None:
    assert signal_names("Maria Schmidt on stage", "101") == {"speaker"}
    assert signal_names("cc @mariaschmidt@glammr.us", "101") == {"handle"}
    assert signal_names("see https://minicon.example/talk/warc#top", "103") == {"link"}
    assert signal_names("so good #WARC26", "103", hashtags=["WARC26"]) == {"hashtag"}
    assert signal_names("Now in Forum: Zettelkasten und Forschungsdaten", "105") == {"title", "room"}
    assert signal_names("The forum thread was lively", "105") == set()  # one-word room needs "in Forum"
    assert signal_names("Panel later", "108") == set()  # "Closing Panel" only as a whole
    assert signal_names("Schmidt and maria schmidt", "101") == {"speaker"}
    assert signal_names("cc @mariaschm", "101") == {"handle"}  # a handle may shorten a name...
    assert signal_names("cc @mariaschmidt2026", "101") == {"handle"}  # ...or extend it
    assert signal_names("cc @mariasch", "108") == {"handle"}
    assert signal_names("cc @mariaschnell", "101") == set()  # but not change it
    assert signal_names("cc @maria.schmidt.net", "101") == {"handle", "speaker"}  # a custom-domain handle
    assert signal_names("cc @tombaker.bsky.social", "104") == {"handle"}


def test_url_normalization() -> None:
    assert normalize_url("HTTPS://www.Example.org/Talk/1/?utm=x#a") == "example.org/talk/1"


def test_settings_reject_unknown_keys_and_bad_patterns() -> None:
    with pytest.raises(ValidationError):
        AssignmentSettings(treshold=0.3)
    with pytest.raises(ValidationError):
        AssignmentSettings(session_code_patterns=["#mc-\\d+"])  # no group
    with pytest.raises(ValidationError):
        AssignmentSettings(session_code_patterns=["(unclosed"])
    for field in AssignmentSettings.model_fields.values():
        assert field.description


def test_stems_let_word_forms_meet_but_exact_words_count_more() -> None:
    index = TextIndex(CASE.sessions)
    warc = [s.id for s in CASE.sessions].index("103")
    assert "~archive" in index.terms("archived pages")  # "archived" meets "Archives" through its stem
    inflected = index.score(index.terms("archived pages"), warc)[0]
    exact = index.score(index.terms("archived archives"), warc)[0]
    assert 0 < inflected < exact


@pytest.mark.parametrize(
    "text",
    [
        "Still thinking about that talk on tardigrades",
        "Je repense encore à la présentation sur les tardigrades",
        "Sigo pensando en la charla sobre tardígrados",
        "Denke immer noch an den Vortrag über Bärtierchen",
    ],
)
def test_looking_back_is_recognised_in_english_french_spanish_and_german(text: str) -> None:
    assert reflection_phrases(phrase_form(text))


def test_german_hier_is_no_looking_back() -> None:
    assert not reflection_phrases(phrase_form("Hier geht es um Datenschutz"))
