"""How attendees post, for `make_eval_set.py`: live-threads, others' replies, quote posts,
reflections, hallway chatter and blog recaps, written in the shapes the shared evaluation sets
use, with the posting habits (`Habits`) as knobs. Deterministic for a given `random.Random`."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from evalset_formats import Account, Draft, Recap, Talk

# Templates per language. {t} title, {r} room, {k} keyword, {s} speaker, {q} quoted abstract words, {u} url.
PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "now": ['Now: "{t}"', 'Now: "{t}" with {s}'], "next": ["Next up in {r}: {t}"],
        "speaker_on": ["{s} on {k} and {k2}"], "exclaim": ["{K}! {x}"],
        "react": ["Mind blown.", "Love this framing.", "Hard agree.", "Excellent slides.", "This resonates.",
                  "Taking notes like crazy.", "Really well presented.", "The room is packed.", "Great point.",
                  "So much to think about.", "Nodding along here.", "Applause in the room.", "Wow.", "Yes, this!"],
        "plain_root": ["Thread 🧵", "I need the slides for this one.", "Standing room only!", "Great start."],
        "key": ["{k} is the key point here", "{k} hits home", "{k} matters so much", "{k} explained really well"],
        "qa": ["Q&A now.", "Such a good question from the audience."], "link": ["Talk page and abstract: {u}"],
        "reflect": ["Still thinking about that talk on {k}."],
        "after": ["That was a great session.", "Just out of a really good talk.", "Loved that one.",
                  "What a talk. Need coffee now."],
        "quote": ["Wish I was in this one", "+1 to this", "Same room, same thoughts"],
        "hallway": ["Lunch was excellent", "Coffee line is epic this morning", "Anyone up for dinner tonight?",
                    "Great hallway chats today", "Charging station is a lifesaver", "Lost my badge already",
                    "The wifi is holding up surprisingly well", "So many parallel sessions, so little time",
                    "Heading to the venue now", "Who else is at the meetup later?"],
        "slide": ["Slide titled '{t}'"], "stage": ["Photo of the stage"],
    },
    "de": {
        "now": ["Jetzt: „{t}“", "Jetzt: „{t}“ mit {s}"], "next": ["Gleich in {r}: {t}"],
        "speaker_on": ["{s} über {k} und {k2}"], "exclaim": ["{K}! {x}"],
        "react": ["Großartige Folien.", "Der Saal ist voll.", "Sehr gut erklärt.", "Genau das!", "Starker Punkt.",
                  "Applaus im Saal.", "Ich schreibe fleißig mit.", "Wow."],
        "plain_root": ["Thread 🧵", "Die Folien brauche ich.", "Nur noch Stehplätze!"],
        "key": ["{k} ist hier der Kernpunkt", "{k} trifft es genau", "{k} gut erklärt"],
        "qa": ["Jetzt Fragerunde.", "Gute Frage aus dem Publikum."], "link": ["Vortragsseite: {u}"],
        "reflect": ["Denke immer noch an den Vortrag über {k}."],
        "after": ["Das war ein toller Vortrag.", "Gerade raus aus einem sehr guten Talk."],
        "quote": ["Wäre gern dabei", "+1", "Gleicher Saal, gleiche Gedanken"],
        "hallway": ["Mittagessen war super", "Wer kommt nachher zum Treffen?", "Die Kaffeeschlange ist episch",
                    "Schöne Gespräche auf dem Flur", "Auf dem Weg zum Veranstaltungsort"],
        "slide": ["Folie mit dem Titel „{t}“"], "stage": ["Foto der Bühne"],
    },
    "fr": {
        "now": ["Maintenant : « {t} »", "Maintenant : « {t} » avec {s}"], "next": ["Ensuite en {r} : {t}"],
        "speaker_on": ["{s} sur {k} et {k2}"], "exclaim": ["{K} ! {x}"],
        "react": ["Superbes diapos.", "La salle est pleine.", "Très bien présenté.", "Tellement vrai.",
                  "Applaudissements.", "Je prends plein de notes."],
        "plain_root": ["Fil 🧵", "Il me faut les diapos de celle-ci."],
        "key": ["{k}, c'est le point clé", "{k} bien expliqué"],
        "qa": ["Questions maintenant.", "Très bonne question du public."], "link": ["Page de la conférence : {u}"],
        "reflect": ["Je repense encore à la présentation sur {k}."],
        "after": ["Quelle belle session.", "Je sors d'une très bonne conférence."],
        "quote": ["J'aurais aimé y être", "+1", "Même salle, mêmes pensées"],
        "hallway": ["Le déjeuner était excellent", "Qui vient au meetup ce soir ?", "La queue pour le café !",
                    "De belles discussions dans les couloirs"],
        "slide": ["Diapositive intitulée « {t} »"], "stage": ["Photo de la scène"],
    },
    "es": {
        "now": ["Ahora: «{t}»", "Ahora: «{t}» con {s}"], "next": ["A continuación en {r}: {t}"],
        "speaker_on": ["{s} sobre {k} y {k2}"], "exclaim": ["¡{K}! {x}"],
        "react": ["Diapositivas excelentes.", "La sala está llena.", "Muy bien explicado.", "¡Exacto!",
                  "Aplausos en la sala.", "Tomando notas sin parar."],
        "plain_root": ["Hilo 🧵", "Necesito las diapositivas de esta."],
        "key": ["{k} es la clave aquí", "{k} muy bien explicado"],
        "qa": ["Turno de preguntas.", "Muy buena pregunta del público."], "link": ["Página de la charla: {u}"],
        "reflect": ["Sigo pensando en la charla sobre {k}."],
        "after": ["Qué buena sesión.", "Acabo de salir de una charla muy buena."],
        "quote": ["Ojalá estuviera en esta", "+1", "Misma sala, mismas ideas"],
        "hallway": ["La comida estuvo excelente", "¿Quién viene a cenar esta noche?", "Buenas charlas de pasillo"],
        "slide": ["Diapositiva titulada «{t}»"], "stage": ["Foto del escenario"],
    },
}

_WORD = re.compile(r"[^\W\d_][\w-]{5,}")


@dataclass(frozen=True)
class Habits:
    """Posting habits of one conference's crowd (probabilities and minutes)."""

    threads_per_session: tuple[int, int] = (0, 3)
    root_delay: tuple[int, int] = (0, 10)  # minutes after the session starts
    continuations: tuple[int, int] = (0, 8)
    clue_root: float = 0.7  # share of roots that name title, room, speaker or a keyword
    clue_continuation: float = 0.45
    hashtag_continuation: float = 0.15
    after_share: float = 0.0  # share of threads posted mostly after the session ended
    reflection: float = 0.35
    others_reply: float = 0.25
    quote_post: float = 0.12
    link: float = 0.08
    hallway_per_hour: float = 3.0
    opted_out_share: float = 0.08
    # Who looks back, and when: the shared sets' reflections come from the live-poster of the
    # session, 0-25 min after its end; the harsh default lets anyone reflect up to 50 min later.
    reflection_by_author: bool = False
    reflection_delay: tuple[float, float] = (0, 50)
    # People sit in one room at a time (as in the shared sets); this share stays in the same room
    # for the next talk (a devroom crowd). Off: any account posts about any session, overlaps and all.
    one_room_at_a_time: bool = False
    room_stickiness: float = 0.0


@dataclass
class Crowd:
    accounts: list[Account]
    languages: dict[str, str]  # account name -> language
    seats: dict[str, list[Talk]] = field(default_factory=dict)  # account name -> talks attended, in order

    def live(self, rng: random.Random) -> Account:
        return rng.choice(self.accounts)

    def attendee(self, rng: random.Random, talk: Talk, stickiness: float) -> Account:
        """Someone free during ``talk`` (in no other talk then); with ``stickiness``, preferably someone
        who has just been in the same room. Talks must come in order of their start."""
        free = [a for a in self.accounts if all(t.end <= talk.start for t in self.seats.get(a.name, ())[-3:])]
        stayed = [a for a in free if (seats := self.seats.get(a.name)) and seats[-1].room == talk.room
                  and talk.start - seats[-1].end <= timedelta(minutes=15)]
        chosen = rng.choice(stayed if stayed and rng.random() < stickiness else free or self.accounts)
        self.seats.setdefault(chosen.name, []).append(talk)
        return chosen


def make_crowd(rng: random.Random, size: int, languages: list[str], opted_out_share: float) -> Crowd:
    first = ["ana", "ben", "chloe", "dev", "emma", "farid", "gina", "hugo", "ines", "jon", "kai", "lars", "mia",
             "nour", "olga", "paul", "quinn", "rosa", "sam", "tara", "uma", "vik", "wen", "xavi", "yara", "zoe"]
    accounts, langs = [], {}
    for index in range(size):
        name = first[index % len(first)] + (str(index // len(first)) if index >= len(first) else "")
        service = "mastodon" if index % 4 == 3 else "bluesky"
        host = "bsky.social" if index % 2 else "lib.example"
        opted = service == "bluesky" and rng.random() < opted_out_share
        accounts.append(Account(name, name.capitalize() + " " + rng.choice(["Lee", "Novak", "Rossi", "Berg", "Kim"]),
                                service, f"{name}.{host}" if service == "bluesky" else name, opted))
        langs[name] = languages[index % len(languages)]
    return Crowd(accounts, langs)


def keywords(talk: Talk) -> list[str]:
    words = _WORD.findall(talk.title) * 2 + _WORD.findall(talk.abstract)
    return words or [talk.title.split()[0]]


def _quote(rng: random.Random, talk: Talk) -> str:
    words = talk.abstract.split()
    if len(words) < 6:
        return ""
    length = rng.randint(5, 11)
    start = rng.randint(0, max(0, len(words) - length))
    return '"' + " ".join(words[start:start + length]) + '"'


class Poster:
    """Writes drafts for one conference: ``tag`` is its hashtag."""

    def __init__(self, rng: random.Random, tag: str, habits: Habits, crowd: Crowd) -> None:
        self.rng, self.tag, self.habits, self.crowd = rng, tag, habits, crowd
        self.drafts: list[Draft] = []

    def _phrase(self, lang: str, kind: str, talk: Talk | None = None, **extra: str) -> str:
        template = self.rng.choice(PHRASES[lang][kind])
        values = {"x": self.rng.choice(PHRASES[lang]["react"])}
        if talk is not None:
            words = keywords(talk)
            k = self.rng.choice(words)
            values.update(t=talk.title, r=talk.room, s=(talk.speakers or ("the speaker",))[0], k=k, K=k.capitalize(),
                          k2=self.rng.choice(words), u=talk.url)
        values.update(extra)
        return template.format(**values)

    def _add(self, author: Account, at: datetime, text: str, session: str, clue: bool, **kw: object) -> Draft:
        label = "EXCLUDED" if author.opted_out else session
        draft = Draft(key=f"{author.name}:{len(self.drafts)}", author=author, at=at, text=text, session=label,
                      clue=clue, lang=self.crowd.languages[author.name], **kw)  # type: ignore[arg-type]
        self.drafts.append(draft)
        return draft

    def _tagged(self, text: str) -> str:
        return f"{text} #{self.tag}"

    def session_threads(self, talk: Talk) -> None:
        low, high = self.habits.threads_per_session
        for _ in range(self.rng.randint(low, high)):
            self.live_thread(talk)

    def live_thread(self, talk: Talk) -> None:
        rng, habits = self.rng, self.habits
        if habits.one_room_at_a_time:
            author = self.crowd.attendee(rng, talk, habits.room_stickiness)
        else:
            author = self.crowd.live(rng)
        lang = self.crowd.languages[author.name]
        after = rng.random() < habits.after_share
        length = max(1, int((talk.end - talk.start).total_seconds() // 60))
        if after:
            start = talk.end + timedelta(minutes=rng.uniform(-3, 15))
        else:
            start = talk.start + timedelta(minutes=min(rng.uniform(*habits.root_delay), length * 0.8))
        has_clue = rng.random() < habits.clue_root
        if has_clue:
            text = self._phrase(lang, rng.choice(["now", "now", "next", "speaker_on", "exclaim"]), talk)
            if talk.speaker_handle and author.service == "bluesky" and rng.random() < 0.3:
                text = f"@{talk.speaker_handle} {text}"
        else:
            text = self._phrase(lang, rng.choice(["after"] if after else ["react", "plain_root"]))
        root = self._add(author, start, self._tagged(text), talk.id, has_clue)
        thread = [root]
        moment = start
        end_by = talk.end + timedelta(minutes=30 if after else 2)
        for _ in range(rng.randint(*habits.continuations)):
            moment += timedelta(minutes=rng.uniform(2, 9), seconds=rng.uniform(0, 59))
            if moment >= end_by:
                break
            text, clue, extra = self._continuation(lang, talk)
            if rng.random() < habits.hashtag_continuation:
                text = self._tagged(text)
            thread.append(self._add(author, moment, text, talk.id, clue, reply_to=thread[-1], root=root, **extra))
            has_clue = has_clue or clue
        for draft in thread:
            draft.clue = has_clue
        self._reactions(thread, talk, has_clue)

    def _continuation(self, lang: str, talk: Talk) -> tuple[str, bool, dict[str, object]]:
        rng = self.rng
        if rng.random() < self.habits.link:
            return self._phrase(lang, "link", talk), True, {}
        if rng.random() < 0.1:
            slide = rng.random() < 0.5
            alt = self._phrase(lang, "slide" if slide else "stage", talk)
            return "📸", slide, {"image_alt": alt}
        if rng.random() < self.habits.clue_continuation:
            quote = _quote(rng, talk)
            if quote and rng.random() < 0.6:
                return quote, True, {}
            return self._phrase(lang, "key", talk), True, {}
        return self._phrase(lang, rng.choice(["react", "react", "qa"])), False, {}

    def _reactions(self, thread: list[Draft], talk: Talk, clue: bool) -> None:
        rng, root = self.rng, thread[0]
        if root.author.opted_out:
            return
        if rng.random() < self.habits.others_reply:
            other = self.crowd.live(rng)
            if other != root.author and other.service == root.author.service and not other.opted_out:
                parent = rng.choice(thread)
                text = self._phrase(self.crowd.languages[other.name], rng.choice(["react", "qa"]))
                self._add(other, parent.at + timedelta(minutes=rng.uniform(1, 6)), text, talk.id, clue,
                          reply_to=parent, root=root)
        if rng.random() < self.habits.quote_post and root.author.service == "bluesky":
            other = self.crowd.live(rng)
            if other != root.author and other.service == "bluesky":
                text = self._tagged(self._phrase(self.crowd.languages[other.name], "quote"))
                self._add(other, root.at + timedelta(minutes=rng.uniform(1, 12)), text, talk.id, clue, quote_of=root)
        if rng.random() < self.habits.reflection:
            other = root.author if self.habits.reflection_by_author else self.crowd.live(rng)
            text = self._tagged(self._phrase(self.crowd.languages[other.name], "reflect", talk))
            delay = rng.uniform(*self.habits.reflection_delay)
            self._add(other, talk.end + timedelta(minutes=delay), text, talk.id, True)

    def hallway(self, first: datetime, last: datetime) -> None:
        hours = (last - first).total_seconds() / 3600
        for _ in range(int(hours * self.habits.hallway_per_hour)):
            author = self.crowd.live(self.rng)
            at = first + timedelta(seconds=self.rng.uniform(0, (last - first).total_seconds()))
            self._add(author, at, self._tagged(self._phrase(self.crowd.languages[author.name], "hallway")), "", False)

    def recaps(self, talks: list[Talk], count: int) -> list[Recap]:
        rng, recaps = self.rng, []
        last = max(t.end for t in talks)
        for index, talk in enumerate(rng.sample(talks, min(count, len(talks)))):
            words = keywords(talk)
            picked = ", ".join(rng.sample(words, min(3, len(words))))
            speaker = (talk.speakers or ("a speaker",))[0]
            paragraphs = (
                f"One of the sessions I keep coming back to was {speaker} on {picked}.",
                f"The core idea: {_quote(rng, talk).strip(chr(34)) or talk.title}.",
                f"{_quote(rng, talk).strip(chr(34))} {rng.choice(PHRASES['en']['react'])}",
                "I'll be sharing more notes with my team next week.",
            )
            title = rng.choice([f"Notes from {self.tag}: {talk.title}", f"What I learned about {rng.choice(words)}"])
            recaps.append(Recap(f"https://notes.example.org/{self.tag}/recap-{index}/", title, "Ana Lee",
                                last + timedelta(days=rng.randint(3, 12), hours=rng.randint(0, 23)), paragraphs,
                                talk.id))
        recaps.append(Recap(f"https://notes.example.org/{self.tag}/impressions/", f"{self.tag}: first impressions",
                            "Mia Berg", last + timedelta(days=2),
                            ("My first time at this conference.", "The venue, the people, the coffee: all great."), ""))
        return recaps
