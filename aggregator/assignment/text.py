"""Text matching: multilingual-safe tokens and a BM25 index over the whole programme.

Tokens are case-folded Unicode words (so German, accented and non-Latin titles work), with
a light English/German/French/Spanish stopword list and the generic vocabulary of live-posting ("great
talk", "slides", "Q&A") removed: those words say a post is about *a* talk, not *which*.
Each session's document weights its fields: the title counts most, then speakers and
subtitle, then track and abstract. Scores are precomputed per (session, term) so scoring a
thread against its few time candidates is a handful of dictionary lookups.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from aggregator.models import Session

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
URL = re.compile(r"(?<![\w@])(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"]+", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_APOSTROPHE = re.compile(r"['’]")
# Scripts written without spaces between words: Han, Hiragana, Katakana (with the half-width
# forms), Hangul syllables. Python counts their letters as word characters, so "Jim Hesterのglue
# パッケージ" would otherwise be the two words "jim" and "hesterのglueパッケージ".
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f]+")


def _word_list(text: str) -> list[str]:
    return text.split()


def _phrase_list(text: str) -> list[str]:
    return [phrase.strip() for line in text.splitlines() for phrase in line.split("|") if phrase.strip()]


STOPWORDS = frozenset(
    _word_list(
        """
        a about above after again against all also am an and any are aren as at be because been before being below
        between both but by can cannot could did do does doing don down during each few for from further had has
        have having he her here hers herself him himself his how i if in into is isn it its itself just let me more
        most my myself no nor not now of off on once one only or other our ours ourselves out over own same she
        should so some such than that the their theirs them themselves then there these they this those through to
        too under until up very was we were what when where which while who whom why will with would you your yours
        yourself yourselves s t re ve ll d m get got go going gonna really much many way us via new like well still
        aber alle allem allen aller alles als also am an ans auch auf aus bei beim bin bis bist da damit dann das
        dass dem den der des dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
        einen einer eines er es etwas euch euer für gegen gibt hat hatte hier hin ich ihr ihre im in ins ist ja
        jetzt kann kein keine man mehr mein meine mit muss nach nicht noch nun nur ob oder ohne sehr sein seine sich
        sie sind so über um und uns unser unter vom von vor war waren was weil wenn werden wie wir wird wo zu zum
        zur zwischen sowie schon wurde wurden
        le la les un une des du de d l au aux ce cet cette ces et ou mais donc car ni que qui quoi dont où il elle
        ils elles je tu nous vous on se sa son ses leur leurs mon ma mes ton ta tes notre nos votre vos y en ne pas
        plus moins très tout tous toute toutes est sont était été être avoir ai as avons avez ont fait faire pour
        par sur sous dans avec sans chez entre vers comme aussi encore déjà ici là c qu j n s m
        el los las una unos unas del al lo y o u pero ni que quien cual cuyo donde él ella ellos ellas yo tú
        nosotros vosotros usted ustedes se su sus mi mis tu tus nuestro nuestra es son fue ser estar está están
        hay ha han he hace hacer para por sobre bajo con sin entre hacia como muy más menos todo todos toda todas
        también ya aquí allí este esta estos estas ese esa esos esas eso esto
        """
    )
)

LIVE_POSTING_WORDS = frozenset(
    _word_list(
        """
        talk talks session sessions slide slides speaker speakers keynote panel presentation presented present q qa
        audience room stage applause thread notes note taking crazy great good excellent amazing awesome love loved
        framing point points question questions answer answers agree hard yes mind blown thinking think thoughts
        resonates resonate important matters hits home explained nodding along packed standing next up now live
        today tonight conference day morning afternoon evening everyone folks people thanks thank need want lot lots
        bit sure interesting fascinating brilliant wow nice cool fun vortrag vorträge folien sprecher sprecherin
        publikum saal bühne fragen frage danke toll super spannend heute gerade
        conférence conférences présentation présentations exposé intervenant intervenante diapo diapos salle
        question questions réponse merci génial super bravo vrai tellement applaudissements aujourd hui
        maintenant
        charla charlas ponencia ponencias presentación ponente diapositivas sala público pregunta preguntas
        respuesta gracias genial exacto aplausos hoy ahora
        """
    )
)

COMMON_WORDS = frozenset(
    _word_list(
        """
        able across actually add added age ago ahead allow already always among another answer anything area around
        ask asked away back bad based become becomes begin behind believe best better big bring build building built
        call called came case cases change changed changes clear clearly close come comes coming common complete
        completely consider could course create created current currently data day days deal different difficult
        done easy either else end enough entire even ever every everything example examples fact far feel felt few
        find finding first following found free full fully general give given gives going gone great group grow hand
        happen happened hard having head help helps high hold home hope however idea ideas important include
        included includes including instead issue issues keep kind know known large last later lead learn learned
        least leave less level life light line little live long look looked looking looks lot low made main major
        make makes making matter may maybe mean means might mind model more move moving must name near nearly need
        needs never next nothing number offer often old open order others part past people per perhaps person place
        play point possible power practice pretty probably problem problems process provide put question quite
        rather read real reality reason right room run running said say says second see seem seems seen sense set
        several show shows side simple since small something sometimes soon sort start started state step stop story
        strong sure take taken takes taking talk tell thing things think thought three time times today together
        told took top toward towards tried true try trying turn two understand unique upon use used useful uses
        using usually various view want wanted ways week whole within without work worked working works world year
        years yet young allgemein bereits dabei dafür damals danach darauf darum davon dazu denen deshalb dort
        eigentlich einfach einige einigen einiger ende erst erste ersten etwa falls ganz gar genau gerne geht gibt
        gleich gut gute guten hier immer jahr jahre jahren jeder jedoch kommt können könnte lassen leicht machen
        macht mal mehr meist menschen möglich nämlich natürlich neue neuen nie oft sagen schnell sehen sein seit
        selbst sicher sogar sollen sollte sondern später stellen steht tun unsere viel viele vielen vielleicht wenig
        weiter welche welt wieder will wirklich wissen wohl wollen zeigen zeit zusammen
        """
    )
)
"""Ordinary words (en/de) that a programme may happen to use but that rarely name a topic: they count
for less (COMMON_WORD_FACTOR) than the distinctive words a post shares with one session."""
COMMON_WORD_FACTOR = 0.5
STEM_LENGTH = 7
STEM_MARK = "~"
STEM_FACTOR = 0.5
LOCAL_SHARE = 1.0  # a term unique among the candidates counts like a term unique in the programme
COMMON_STEMS = frozenset(word[:STEM_LENGTH] for word in COMMON_WORDS)

HALLWAY_PHRASES = frozenset(
    _phrase_list(
        """
        lunch|dinner|breakfast|brunch|coffee|coffee line|tea break|beer|beers|drinks|party|afterparty|karaoke|pizza
        snacks|food|vegan options|badge|badges|lanyard|name tag|swag|stickers|merch|t shirt|hoodie|socks|wifi|wi fi
        wlan|eduroam|venue|hallway|hallway track|lobby|cloakroom|coat check|hotel|airport|flight|train home|travel
        registration|queue|charging|charger|power bank|toilets|bathroom|meetup|meet up|say hi|dm me|ping me
        first time|from home|brain full|day 1 done|day 2 done|day 3 done|day 4 done|parallel sessions|so little time
        see you next year|weather|reception|sponsor booth|booth|networking
        sponsor|sponsors|sponsored|exhibitor|exhibitors|our stand|our desk|visit us|come visit|come see us|find us
        recruiting|we re hiring|we are hiring|hiring|job|jobs|job fair|job offer|careers|vacancy|apply now
        job opening|job openings|open position|open positions|join our team|extend our team|grow our team
        come chat|come and chat|come talk to us|get in contact|their desk|their booth|their stand
        giveaway|raffle|retweet|retweet this|contest|quiz|quizz|poster|posters|poster session|fomo|jomo
        livestream|live stream|schedule|programme
        mittagessen|mittag|abendessen|frühstück|kaffee|kaffeeschlange|kaffeepause|bier|anmeldung|schlange|heimreise
        garderobe|wetter|flur|auf dem flur|veranstaltungsort|namensschild|steckdose|anreise|zugfahrt
        déjeuner|dîner|petit déjeuner|pause café|café|apéro|bière|soirée|file d attente|vestiaire
        inscription|couloir|hôtel|météo
        comida|almuerzo|cena|cenar|desayuno|pausa para el café|cerveza|fiesta|acreditación|credencial|cola
        pasillo|charlas de pasillo|aeropuerto|enchufe
        """
    )
)
"""Hallway chatter: a post built on these is about the conference, not about one session."""


REFLECTION_PHRASES = frozenset(
    _phrase_list(
        """
        still thinking|that talk|that session|that keynote|that panel|the last talk|the previous talk|earlier talk
        earlier session|earlier today|this morning s|yesterday s|just saw|just watched|just attended|just heard
        denke noch|immer noch|der vortrag vorhin|vorhin|gestern
        repense|je repense|pense encore|cette présentation|cette conférence|tout à l heure|ce matin
        sigo pensando|todavía pienso|aún pienso|esa charla|aquella charla|esta mañana|ayer
        """
    )
)
"""Words that look back at a talk that is over: the post is a reflection, not live coverage."""


URL_WORDS = frozenset(
    _word_list(
        """
        http https www com org net io html htm php asp aspx jsp cgi index status statuses post posts blob tree
        master main raw edit view watch embed share sharing usp pub file files pdf content contents web user
        users profile amp ref utm source p d u s t en de fr es
        """
    )
)
"""Pieces of addresses that name a kind of page, not what it is about: a link is evidence through
the rest of its path (a repository, a package, a slug), never through these."""


def url_words(url: str) -> str:
    """What a URL's path says, as words: no scheme, host, query or fragment, none of URL_WORDS.

    Parsed by hand, not with urllib: any string a post holds ("http://[", "http://%zz") must
    give words or nothing, never an error."""
    rest = _SCHEME.sub("", url, count=1)
    path = rest.split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")[1:] if "/" in path else []
    words = (w for segment in segments for w in _NON_WORD.sub(" ", segment).split())
    return " ".join(w for w in words if w.casefold() not in URL_WORDS and not w.isdigit())


def without_urls(text: str) -> str:
    """``text`` with each address replaced by the words of its path (see :func:`url_words`)."""
    if "/" not in text and "www." not in text.casefold():
        return text
    return URL.sub(lambda m: f" {url_words(m.group())} ", text)


OWN_TALK_PHRASES = tuple(
    _phrase_list(
        """
        my talk|my slides|my lightning talk|my presentation|my keynote|my session|my workshop|my deck
        our talk|our slides|our presentation|our workshop|i m speaking|i am speaking|i ll be speaking
        i will be speaking|i m presenting|i am presenting|i ll be presenting|i will be presenting|i presented
        fun talking about|fun presenting|present our work|presenting our work|presented our work|i talked about
        mein vortrag|meinen vortrag|meinem vortrag|meine folien|meine slides|unser vortrag|unsere folien
        ma présentation|mon exposé|ma conférence|mes slides|mes diapos|notre présentation
        mi charla|mi presentación|mis diapositivas|nuestra charla
        """
    )
)
"""An author speaking of their own talk: with an author who is a speaker, the talk is theirs."""


def split_scripts(text: str) -> str:
    """``text`` with a space around each run of an unspaced script (CJK), so the Latin names and
    terms inside it are words of their own."""
    return _UNSPACED.sub(lambda m: f" {m.group()} ", text) if _UNSPACED.search(text) else text


def _bigrams(run: str) -> str:
    """A run of an unspaced script as its overlapping character pairs (the usual CJK search terms)."""
    return " ".join(run[i : i + 2] for i in range(max(1, len(run) - 1)))


def phrase_form(text: str) -> str:
    """Case-folded words separated by single spaces, padded, for whole-word phrase search."""
    words = _NON_WORD.sub(" ", split_scripts(unicodedata.normalize("NFKC", text).casefold())).split()
    return f" {' '.join(words)} "


class PhraseSet:
    """Words and phrases looked up in a text in phrase_form (single words by set, phrases by substring)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        normalized = {phrase_form(p).strip() for p in phrases} - {""}
        self.words = frozenset(p for p in normalized if " " not in p)
        self.phrases = tuple(sorted(p for p in normalized if " " in p))

    def found_in(self, phrases: str) -> list[str]:
        hits = set(self.words.intersection(phrases.split()))
        hits.update(p for p in self.phrases if f" {p} " in phrases)
        return sorted(hits)


def says_any(phrases: str, candidates: Iterable[str]) -> bool:
    """Whether a text (in phrase_form) contains any of ``candidates`` as whole words."""
    return any(f" {candidate} " in phrases for candidate in candidates)


def reflection_phrases(phrases: str) -> list[str]:
    """The looking-back phrases a text (in phrase_form) contains."""
    return sorted(p for p in REFLECTION_PHRASES if f" {p} " in phrases)


def stem(word: str) -> str:
    """Truncation stemming: the first STEM_LENGTH letters, so "persistence" meets "persistent" and
    "Sicherheit" meets "sicherer", in any language, without a dictionary. Stems are extra terms
    (marked with STEM_MARK) beside the words themselves: an exact word still counts most."""
    return STEM_MARK + word[:STEM_LENGTH]


def _stems(words: Iterable[str]) -> list[str]:
    return [stem(word) for word in words if len(word) > STEM_LENGTH]


def _factor(term: str) -> float:
    """How much one matching term counts beside its idf: ordinary words and stems count less."""
    if term.startswith(STEM_MARK):
        return STEM_FACTOR * (COMMON_WORD_FACTOR if term[1:] in COMMON_STEMS else 1.0)
    return COMMON_WORD_FACTOR if term in COMMON_WORDS else 1.0


def tokenize(text: str, stopwords: frozenset[str] = STOPWORDS) -> list[str]:
    """Case-folded, accent-preserving word tokens without stopwords or one-letter words."""
    folded = unicodedata.normalize("NFKC", without_urls(text)).casefold()
    if _UNSPACED.search(folded):
        folded = _UNSPACED.sub(lambda m: f" {_bigrams(m.group())} ", folded)
    return [
        w
        for w in (m.group().replace("’", "'") for m in _WORD.finditer(folded))
        if len(w) > 1 and w not in stopwords and not _only_stopwords(w, stopwords)
    ]


def _only_stopwords(word: str, stopwords: frozenset[str]) -> bool:
    """A contraction of stopwords ("don't", "it's", "i'll") is a stopword too; "l'analyse" is not."""
    parts = _APOSTROPHE.split(word)
    return len(parts) > 1 and all(len(p) <= 1 or p in stopwords for p in parts)


class TextIndex:
    """BM25 over the programme: one document per session, idf from the whole programme
    (scaled so that a term unique to one session has idf 1)."""

    FIELD_WEIGHTS = (
        ("title", 3),
        ("subtitle", 2),
        ("speakers", 2),
        ("track", 1),
        ("kind", 1),
        ("abstract", 1),
        ("description", 1),
    )
    K1 = 1.2
    B = 0.5  # abstracts vary wildly in length; a long one should not drown its title

    def __init__(self, sessions: Sequence[Session], ignored: Iterable[str] = ()) -> None:
        self.stopwords = STOPWORDS | LIVE_POSTING_WORDS | {w.casefold() for w in ignored}
        documents = [self._document(s) for s in sessions]
        self.size = len(documents)
        frequency = Counter(term for doc in documents for term in doc)
        average = sum(sum(doc.values()) for doc in documents) / max(1, self.size)
        # idf relative to a term found in one session only: a unique match weighs the same whether
        # the programme has 8 sessions or 1,000, so weights mean the same on every conference
        unique = math.log(1 + (self.size - 0.5) / 1.5) if self.size > 1 else 1.0
        self.idf = {
            t: math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            / unique
            * (COMMON_WORD_FACTOR if t in COMMON_WORDS else 1.0)
            for t, df in frequency.items()
        }
        self.weights: list[dict[str, float]] = [self._bm25(doc, average) for doc in documents]
        self.naming = [self._naming_terms(s) for s in sessions]
        self.rare_postings = max(3, self.size // 50)  # "rare": in at most 2 % of the sessions
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, doc in enumerate(documents):
            for term in doc:
                self.postings[term].append(index)
        # what search(rare_only=True), run for every thread, walks: each rare term's sessions and weights
        self.rare_weights = {
            term: tuple((index, self.weights[index][term]) for index in postings)
            for term, postings in self.postings.items()
            if len(postings) <= self.rare_postings
        }

    def terms(self, text: str) -> frozenset[str]:
        """The distinct query terms of a text that the programme knows at all."""
        words = tokenize(text, self.stopwords)
        return frozenset(term for term in (*words, *_stems(words)) if term in self.idf)

    def specificity(self, terms: Iterable[str], candidates: Collection[int]) -> dict[str, float]:
        """How much more each term counts among these candidates than across the whole programme.

        A word found in most sessions (a small idf) may still be found in only one of the sessions
        running at the post's time: there it tells them apart as well as a rare word does. Each term
        counts with the larger of its programme idf and LOCAL_SHARE of its idf among the candidates
        (scaled like the programme's, a term unique among them has 1); the result is the factor
        over the programme weight, for the terms where the local view is larger."""
        size = len(candidates)
        if size < 2:
            return {}
        unique = math.log(1 + (size - 0.5) / 1.5)
        factors: dict[str, float] = {}
        for term in terms:
            postings = self.postings.get(term)
            if not postings:
                continue
            if len(postings) <= size:
                found = sum(1 for index in postings if index in candidates)
            else:
                found = sum(1 for index in candidates if term in self.weights[index])
            if not found:
                continue
            local = LOCAL_SHARE * _factor(term) * math.log(1 + (size - found + 0.5) / (found + 0.5)) / unique
            programme = self.idf[term]
            if local > programme:
                factors[term] = local / programme
        return factors

    def similarities(
        self, terms: Iterable[str], candidates: Collection[int], specificity: Mapping[str, float] | None = None
    ) -> dict[int, float]:
        """BM25 of a thread's terms against each candidate that shares any (the hot path: no explanation),
        each term weighted up by its ``specificity`` among the candidates.

        Short postings lists are walked; for terms common across the programme, the candidates'
        own weights are looked up instead, whichever is fewer steps."""
        specificity = specificity or {}
        scores: dict[int, float] = defaultdict(float)
        for term in terms:
            postings = self.postings.get(term)
            if not postings:
                continue
            factor = specificity.get(term, 1.0)
            if len(postings) <= len(candidates):
                for index in postings:
                    if index in candidates:
                        scores[index] += self.weights[index][term] * factor
            else:
                for index in candidates:
                    weight = self.weights[index].get(term)
                    if weight:
                        scores[index] += weight * factor
        return scores

    def score(
        self,
        terms: Iterable[str],
        session_index: int,
        specificity: Mapping[str, float] | None = None,
        prose_factor: float = 1.0,
    ) -> tuple[float, tuple[str, ...]]:
        """BM25 of a thread's terms against one session, and the terms that matched (best first);
        terms found only in its prose (abstract, description, track), not in what names it (title,
        subtitle, speakers), count ``prose_factor`` times."""
        specificity = specificity or {}
        weights = self.weights[session_index]
        naming = self.naming[session_index]
        matched = [
            (weights[t] * specificity.get(t, 1.0) * (1.0 if t in naming else prose_factor), t)
            for t in terms
            if t in weights
        ]
        if not matched:
            return 0.0, ()
        matched.sort(reverse=True)
        return sum(w for w, _ in matched), tuple(t for _, t in matched)

    def search(self, terms: Iterable[str], limit: int, rare_only: bool = False, minimum: float = 0.0) -> list[int]:
        """Sessions sharing the most (weighted) terms with the query, best first, wherever they are in time.

        ``rare_only`` walks only terms found in few sessions (cheap enough for every thread) and
        ``minimum`` drops weak matches: together they find the session a post quotes hours later."""
        totals: dict[int, float] = defaultdict(float)
        for term in terms:
            for index, weight in self._weighted_postings(term, rare_only):
                totals[index] += weight
        best = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [index for index, total in best if total >= minimum]

    def _weighted_postings(self, term: str, rare_only: bool) -> Iterable[tuple[int, float]]:
        if rare_only:
            return self.rare_weights.get(term, ())
        return ((index, self.weights[index][term]) for index in self.postings.get(term, ()))

    def _document(self, session: Session) -> Counter[str]:
        doc: Counter[str] = Counter()
        fields = {
            "title": session.title,
            "subtitle": session.subtitle,
            "speakers": " ".join(session.speakers),
            "track": session.track,
            "kind": session.kind,
            "abstract": session.abstract,
            "description": session.description,
        }
        for name, weight in self.FIELD_WEIGHTS:
            words = tokenize(fields[name], self.stopwords)
            for term in words:
                doc[term] += weight
            for term in _stems(words):
                doc[term] += weight
        return doc

    def _naming_terms(self, session: Session) -> frozenset[str]:
        words = tokenize(" ".join((session.title, session.subtitle, *session.speakers)), self.stopwords)
        return frozenset((*words, *_stems(words)))

    def _bm25(self, doc: Counter[str], average_length: float) -> dict[str, float]:
        length = sum(doc.values())
        norm = self.K1 * (1 - self.B + self.B * length / max(average_length, 1.0))
        return {t: self.idf[t] * tf * (self.K1 + 1) / (tf + norm) for t, tf in doc.items()}
