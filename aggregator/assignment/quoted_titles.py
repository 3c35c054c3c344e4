"""Titles quoted from memory: 'Featured in the "Machine Learning: Do it in a Framework" talk' for the
programme's "Machine Learning with R: do it with a framework". A phrase in quotation marks whose
words are mostly a title's, and cover most of it, cites that title."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from aggregator.assignment.text import STOPWORDS, phrase_form
from aggregator.models import Session

_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»\n]{8,160})[\"“”„«»]")
MIN_SHARED = 3  # content words a quote and a title share at least
QUOTE_SHARE = 0.75  # ...that many of the quote's content words are the title's
TITLE_SHARE = 0.75  # ...and cover this share of the title's


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in phrase_form(text).split() if w not in STOPWORDS and len(w) > 1)


class QuotedTitles:
    """The programme's titles by their content words, to look quoted phrases up in."""

    def __init__(self, sessions: Sequence[Session]) -> None:
        self.title_words = [content_words(s.title) for s in sessions]
        self.by_word: dict[str, set[int]] = defaultdict(set)
        for index, words in enumerate(self.title_words):
            for word in words:
                self.by_word[word].add(index)

    def cited(self, text: str) -> dict[str, set[int]]:
        """Each quoted phrase of ``text`` that cites titles loosely, with the sessions it cites best."""
        found: dict[str, set[int]] = {}
        for quote in _QUOTED.findall(text):
            words = content_words(quote)
            best = self._best(words)
            if best:
                found[quote.strip()] = best
        return found

    def _best(self, words: frozenset[str]) -> set[int]:
        shared_by: dict[int, int] = defaultdict(int)
        for word in words:
            for index in self.by_word.get(word, ()):
                shared_by[index] += 1
        fitting = {  # the most words shared, then the most of the title covered
            index: (shared, shared / len(self.title_words[index]))
            for index, shared in shared_by.items()
            if shared >= MIN_SHARED
            and shared >= QUOTE_SHARE * len(words)
            and shared >= TITLE_SHARE * len(self.title_words[index])
        }
        top = max(fitting.values(), default=None)
        return {index for index, fit in fitting.items() if fit == top}
