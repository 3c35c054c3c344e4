"""Which programme speaker a mentioned account stands for.

Real posts name speakers by handle far more often than by name, and handles spell names in
many ways: the whole name (@hadleywickham), initials and surname (@tslumley for Thomas
Lumley, @csgillespie for Colin Gillespie), a short first name and surname (@JennyBryan for
Jennifer Bryan), first name and initial, surname and digits (@dvaughan32). Others spell
nothing of the name (@minebocek): those are learned from the posts, when the account's own
display name is a speaker's name (:meth:`SpeakerAccounts.learned`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from aggregator.models import Author, Session

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_TRAILING_DIGITS = re.compile(r"\d+$")
MIN_HANDLE_PREFIX = 5  # '@olegolt' may stand for 'Ole Goltermann'; '@ben' does not stand for 'Benjamin'
MIN_SURNAME = 4  # shorter surnames ("Li", "Wu") inside a handle are coincidence
MIN_BARE_SURNAME = 6  # a handle that is the surname alone ("@gillespie")
MAX_INITIALS = 3  # "cs" + gillespie, "tsl" + ...
SHORT_FIRST_NAME = 3  # "jen" + ... is enough of "Jennifer"

Speaker = tuple[int, str]  # (session index, the speaker's name as the programme writes it)


def fold(text: str) -> str:
    """Case-folded, accents removed: 'Çetinkaya' and 'cetinkaya', 'François' and 'francois' meet here."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def compact_form(text: str) -> str:
    """Letters and digits only, folded: 'Ole Goltermann' and '@olegoltermann' meet here."""
    return _NON_WORD.sub("", fold(text))


def name_words(name: str) -> list[str]:
    return _NON_WORD.sub(" ", fold(name)).split()


def speaker_variants(name: str) -> set[str]:
    """A programme's person field as names: 'Ann Lee (ACME)', 'Ann Lee / Bo Chen' give each name."""
    variants = {name, re.sub(r"\s*[(\[].*?[)\]]\s*", " ", name), *re.split(r"\s*[|/,]\s*", name)}
    return {v.strip() for v in variants if v.strip()}


@dataclass(frozen=True)
class _Person:
    speaker: Speaker
    given: tuple[str, ...]  # folded given names (all words but the last)


@dataclass(frozen=True)
class SpeakerAccounts:
    """Lookup tables from a handle's compact form to the speakers it may stand for."""

    names: Mapping[str, frozenset[Speaker]]  # whole compact names
    prefixes: Mapping[str, frozenset[Speaker]]  # their prefixes from MIN_HANDLE_PREFIX letters
    surnames: Mapping[str, tuple[_Person, ...]]
    known: Mapping[str, frozenset[Speaker]] = field(default_factory=dict)  # learned from the posts

    @classmethod
    def of(cls, sessions: Sequence[Session]) -> SpeakerAccounts:
        names: dict[str, set[Speaker]] = defaultdict(set)
        prefixes: dict[str, set[Speaker]] = defaultdict(set)
        surnames: dict[str, list[_Person]] = defaultdict(list)
        for index, session in enumerate(sessions):
            for name in session.speakers:
                speaker = (index, name.strip())
                for variant in speaker_variants(name):
                    compact = compact_form(variant)
                    if len(compact) < 3:
                        continue
                    names[compact].add(speaker)
                    words = name_words(variant)
                    # a prefix reaching into the surname: '@olegolt', not a first name alone ('@thomas')
                    for length in range(max(MIN_HANDLE_PREFIX, len(words[0]) + 1), len(compact)):
                        prefixes[compact[:length]].add(speaker)
                    if len(words) >= 2 and len(words[-1]) >= MIN_SURNAME:
                        surnames[words[-1]].append(_Person(speaker, tuple(words[:-1])))
        return cls(
            {k: frozenset(v) for k, v in names.items()},
            {k: frozenset(v) for k, v in prefixes.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in surnames.items()},
        )

    def learned(self, authors: Iterable[Author]) -> SpeakerAccounts:
        """The same tables plus the accounts of posting authors whose display name is a speaker's name."""
        known: dict[str, set[Speaker]] = defaultdict(set)
        for author in authors:
            speakers = self.author_is(author)
            if speakers:
                known[compact_form(account_local_part(author.handle))].update(speakers)
        return SpeakerAccounts(self.names, self.prefixes, self.surnames, {k: frozenset(v) for k, v in known.items()})

    def with_known(self, accounts: Mapping[str, frozenset[Speaker]]) -> SpeakerAccounts:
        """The same tables with more accounts known (learned from confidently filed threads)."""
        known = {k: frozenset(v) for k, v in self.known.items()}
        for handle, speakers in accounts.items():
            known[handle] = known.get(handle, frozenset()) | speakers
        return SpeakerAccounts(self.names, self.prefixes, self.surnames, known)

    def author_is(self, author: Author) -> frozenset[Speaker]:
        """The speakers an author is, by display name: the whole name as the programme writes it, or
        its first and last words ('Johannes J. Müller' is the programme's 'Johannes Müller')."""
        if not author.display_name:
            return frozenset()
        whole = self.names.get(compact_form(author.display_name), frozenset())
        words = name_words(author.display_name)
        if whole or len(words) < 3:
            return whole
        return self.names.get(compact_form(words[0] + words[-1]), frozenset())

    def speakers_for(self, handle: str) -> set[Speaker]:
        """Every speaker the compact handle may stand for."""
        handle = _TRAILING_DIGITS.sub("", handle) or handle
        matches = set(self.known.get(handle, ()))
        matches.update(self.names.get(handle, ()))
        if len(handle) >= MIN_HANDLE_PREFIX:
            matches.update(self.prefixes.get(handle, ()))  # the handle shortens a name
        for length in range(MIN_HANDLE_PREFIX, len(handle)):
            matches.update(self.names.get(handle[:length], ()))  # the handle extends a name
        matches.update(self._by_surname(handle))
        return matches

    def _by_surname(self, handle: str) -> set[Speaker]:
        """Handles built around the surname: initials or a short first name before it, or after it."""
        found: set[Speaker] = set()
        for cut in range(len(handle) + 1):
            head, tail = handle[:cut], handle[cut:]
            for person in self.surnames.get(tail, ()):
                if _names_given(head, person.given, bare_ok=len(tail) >= MIN_BARE_SURNAME):
                    found.add(person.speaker)
            for person in self.surnames.get(head, ()) if tail else ():
                if _names_given(tail, person.given, bare_ok=False):
                    found.add(person.speaker)
        return found


def _names_given(part: str, given: Sequence[str], bare_ok: bool) -> bool:
    """Whether the rest of a handle beside the surname stands for the given names: nothing (for a
    long surname), their initials ('t', 'ts'), or the start of the first name ('jenny', 'jen')."""
    if not part:
        return bare_ok
    if not given:
        return False
    first = given[0]
    if len(part) <= MAX_INITIALS and part[0] == first[0]:
        return True
    shared = len(_common_prefix(part, first))
    return shared >= SHORT_FIRST_NAME and (shared == len(part) or shared == len(first) or shared >= 4)


def _common_prefix(a: str, b: str) -> str:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return a[:length]


def author_key(author: Author) -> str:
    """The compact form of an author's own account, as mentions of it are looked up."""
    return compact_form(account_local_part(author.handle))


def account_local_part(handle: str) -> str:
    """'@ole@chaos.social' and 'ole.bsky.social' give 'ole'; a bare 'ole' stays."""
    local = handle.lstrip("@").partition("@")[0]
    for suffix in SERVICE_SUFFIXES:
        if local.casefold().endswith("." + suffix):
            return local[: -len(suffix) - 1]
    return local


SERVICE_SUFFIXES = ("bsky.social", "bsky.team", "mastodon.social")
