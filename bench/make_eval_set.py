"""Generate NEW labelled evaluation sets in the layout of `shared/eval/<set>/`, deterministically.

    python bench/make_eval_set.py [--out /tmp/evalsets] [--source /work/shared] [NAME ...]

Programmes are built from the real ones in `shared/samples` and `shared/eval` (re-timed,
re-roomed, converted) or invented (similar-title tracks, French/Spanish titles); posts follow the
shapes of the shared sets with different habits per scenario. Scenarios (folder = hashtag):

  icaltokyo  iCalendar (pretalx-style UIDs), Asia/Tokyo, 6 rooms
  megacon    frab XML, 22 parallel rooms, 20-minute slots
  nightowls  frab JSON, America/Los_Angeles, sessions past midnight across the DST change
  trackcon   frab JSON, tracks of talks whose titles share most words
  latecon    frab XML, posters who start late, post after the session, give fewer clues
  polyglot   frab JSON, German/French/Spanish/English titles and posts
  solotrack  frab JSON, America/Chicago, a single track (one room, as code4lib-style conferences run):
             few clues (everyone knows which talk is on), late starts, reflections up to an hour after,
             hallway chatter between talks; "take the running talk" is a strong baseline here
  fosdemlike frab XML, 32 rooms, 15-30 minute talks with 5-minute changeovers, topical devrooms; posting
             habits measured on the shared sets: one room at a time per person, reflections by the
             session's own live-poster 0-25 min after it, about a fifth of threads hallway chatter
  campusfest frab JSON, America/Sao_Paulo, 60 rooms at once (a university campus), 30-45 minute talks with
             10-minute changeovers; half the crowd stays in its room for the next talk, others reply
             to live-threads, reflections by the live-poster up to 40 min after

A wrong programme clock, on any scenario: `--clock-off 60` writes every time of the programme an
hour earlier than the talks really ran (a wrong or missing time zone; the posts follow the real
times); `--overrun 15` lets every talk run 15 minutes past its programmed end, the next one in the
room starting when it is over (the programme keeps the published times). `--suffix` names the
folders apart (`icaltokyo-clock60`).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalset_formats import (  # noqa: E402
    Talk,
    bluesky_pages,
    frab_json,
    frab_xml,
    ical,
    labels_csv,
    mastodon_statuses,
    pretalx_code,
    rss,
)
from evalset_posting import Crowd, Habits, Poster, make_crowd  # noqa: E402

from aggregator.programme import parse_programme  # noqa: E402


@dataclass(frozen=True)
class Material:
    title: str
    abstract: str
    speakers: tuple[str, ...]
    language: str = "en"
    track: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    fmt: str  # "xml" | "json" | "ics"
    zone: str
    first_day: date
    days: int
    rooms: int
    day_hours: tuple[float, float]  # local start and end of each day's programme (end may exceed 24)
    slot_minutes: tuple[int, ...]
    gap_minutes: int
    material: Callable[[Path, random.Random], list[Material]]
    habits: Habits = field(default_factory=Habits)
    languages: tuple[str, ...] = ("en",)
    crowd: int = 40


def shared_material(source: Path, _rng: random.Random) -> list[Material]:
    found = []
    for path in (source / "eval/39c3/programme.xml", source / "eval/democon/programme.json"):
        programme = parse_programme(path.read_bytes(), path.name)
        found += [Material(s.title, s.abstract, s.speakers, s.language or "en", s.track) for s in programme.sessions
                  if s.abstract]
    return found


def devroom_material(source: Path, rng: random.Random) -> list[Material]:
    """The shared talks, then tracks of talks on one topic each (devrooms fill the last rooms)."""
    return shared_material(source, rng) + track_material(source, rng)


def english_material(source: Path, rng: random.Random) -> list[Material]:
    return [m for m in shared_material(source, rng) if m.language.startswith("en")]


_TRACK_TOPICS = ("open data", "machine learning", "digital preservation", "research software", "web archiving",
                 "metadata quality", "linked data", "accessibility")
_TRACK_FORMS = ("Introduction to {t} for libraries", "{t} in practice: lessons from {p}",
                "Scaling {t} at {p}", "{t} and the public: a case study from {p}",
                "Beyond {t}: what we learned at {p}", "Practical {t} workflows for {p}")
_PLACES = ("the national library", "a university archive", "small museums", "city libraries", "a research lab",
           "community archives")


def track_material(_source: Path, rng: random.Random) -> list[Material]:
    out = []
    for topic in _TRACK_TOPICS:
        for form in _TRACK_FORMS:
            place = rng.choice(_PLACES)
            title = form.format(t=topic, p=place)
            title = title[0].upper() + title[1:]
            abstract = (f"This talk looks at {topic} at {place}. We share practical lessons about {topic}, "
                        f"tools and workflows, and what {place} can learn from it. "
                        f"Our {rng.choice(['pilot', 'project', 'team', 'survey'])} covered "
                        f"{rng.choice(['budgets', 'staffing', 'training', 'licensing', 'storage', 'outreach'])} and "
                        f"{rng.choice(['evaluation', 'governance', 'sustainability', 'user research', 'migration'])}.")
            speaker = rng.choice(["Ada", "Bo", "Cem", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun"]) + " " + \
                rng.choice(["Moreau", "Okafor", "Silva", "Tanaka", "Weber", "Novak", "Haddad", "Lindqvist"])
            out.append(Material(title, abstract, (speaker,), "en", topic.title()))
    return out


_FR = ("la préservation numérique", "l'accès ouvert aux données publiques", "les archives du web",
       "la médiation numérique en bibliothèque", "les logiciels libres dans l'administration",
       "la cartographie participative", "la numérisation du patrimoine", "la sobriété numérique")
_ES = ("la alfabetización digital", "los datos abiertos municipales", "la privacidad en redes sociales",
       "el software libre en la educación", "la memoria histórica digital", "los repositorios institucionales",
       "la inteligencia artificial en bibliotecas", "la soberanía tecnológica")


def polyglot_material(source: Path, rng: random.Random) -> list[Material]:
    german = [m for m in shared_material(source, rng) if m.language.startswith("de")]
    english = english_material(source, rng)
    out = rng.sample(german, 24) + rng.sample(english, 16)
    for lang, topics, forms, body in (
        ("fr", _FR, ("Retour d'expérience sur {t}", "Les défis de {t}", "Atelier : {t} pour tous"),
         "Cette présentation aborde {t} : méthodes, outils et retours du terrain. Nous discuterons des {x} "
         "et des {y} rencontrés par notre équipe."),
        ("es", _ES, ("Experiencias con {t}", "Los retos de {t}", "Taller: {t} para principiantes"),
         "Esta charla trata sobre {t}: métodos, herramientas y lecciones aprendidas. Hablaremos de {x} y de {y} "
         "en nuestro proyecto."),
    ):
        extras = ("obstacles", "coûts", "usages", "publics") if lang == "fr" else ("costes", "usuarios", "límites")
        for topic in topics:
            for form in rng.sample(forms, 2):
                title = form.format(t=topic)
                abstract = body.format(t=topic, x=rng.choice(extras), y=rng.choice(extras))
                speaker = rng.choice(["Camille Roux", "Léa Martin", "Lucía Gómez", "Mateo Ruiz", "Inès Petit",
                                      "Sofía Navarro", "Hugo Bernard", "Diego Castro"])
                out.append(Material(title[0].upper() + title[1:], abstract, (speaker,), lang))
    rng.shuffle(out)
    return out


SCENARIOS = {
    s.name: s
    for s in (
        Scenario("icaltokyo", "ics", "Asia/Tokyo", date(2026, 10, 14), 2, 6, (9.5, 19), (40, 60), 15,
                 english_material),
        Scenario("megacon", "xml", "Europe/Berlin", date(2026, 5, 20), 1, 22, (10, 15.5), (20,), 10,
                 shared_material, Habits(threads_per_session=(0, 2)), crowd=70),
        Scenario("nightowls", "json", "America/Los_Angeles", date(2026, 10, 30), 3, 5, (15, 26.5), (45, 60), 15,
                 english_material),
        Scenario("trackcon", "json", "Europe/Amsterdam", date(2026, 6, 3), 2, 6, (9, 17.5), (30,), 10,
                 track_material),
        Scenario("latecon", "xml", "Europe/London", date(2026, 9, 8), 2, 8, (9, 18), (30, 45), 15, shared_material,
                 Habits(root_delay=(10, 35), clue_root=0.45, clue_continuation=0.3, after_share=0.35,
                        reflection=0.5, hallway_per_hour=4.0)),
        Scenario("fosdemlike", "xml", "Europe/Brussels", date(2027, 2, 6), 1, 32, (10, 14), (15, 20, 25, 25, 30), 5,
                 devroom_material,
                 Habits(threads_per_session=(0, 3), root_delay=(0, 8), continuations=(0, 4), clue_root=0.82, others_reply=0.0,
                        quote_post=0.1, reflection=0.16, reflection_by_author=True, reflection_delay=(0, 25),
                        one_room_at_a_time=True, room_stickiness=0.3, hallway_per_hour=20.0),
                 crowd=80),
        Scenario("campusfest", "json", "America/Sao_Paulo", date(2027, 4, 15), 1, 60, (14, 16.75), (30, 40, 45),
                 10, devroom_material,
                 Habits(threads_per_session=(0, 3), root_delay=(0, 12), continuations=(0, 5), clue_root=0.75,
                        others_reply=0.15, quote_post=0.08, reflection=0.25, reflection_by_author=True,
                        reflection_delay=(0, 40), one_room_at_a_time=True, room_stickiness=0.5,
                        hallway_per_hour=15.0),
                 crowd=140),
        Scenario("polyglot", "json", "Europe/Paris", date(2026, 3, 24), 2, 5, (9, 18), (40, 50), 10,
                 polyglot_material, languages=("de", "fr", "es", "en", "de", "fr", "es")),
        Scenario("solotrack", "json", "America/Chicago", date(2026, 3, 3), 3, 1, (9, 17), (20, 20, 30, 45), 5,
                 english_material,
                 Habits(threads_per_session=(1, 4), root_delay=(2, 15), clue_root=0.4, clue_continuation=0.25,
                        after_share=0.1, reflection=0.3, reflection_delay=(0, 60), others_reply=0.3,
                        hallway_per_hour=6.0),
                 crowd=60),
    )
}


def schedule(scenario: Scenario, pool: list[Material], rng: random.Random) -> list[Talk]:
    """Fill every room of every day with back-to-back slots; start times are wall-clock, durations real."""
    zone = ZoneInfo(scenario.zone)
    rooms = [f"Room {chr(65 + i)}" if scenario.rooms <= 8 else f"Hall {i + 1}" for i in range(scenario.rooms)]
    talks: list[Talk] = []
    queue = list(pool)
    for day in range(scenario.days):
        midnight = datetime.combine(scenario.first_day + timedelta(days=day), time())
        for room in rooms:
            wall = midnight + timedelta(hours=scenario.day_hours[0], minutes=rng.choice((0, 0, 5, 10)))
            while wall < midnight + timedelta(hours=scenario.day_hours[1]) and queue:
                minutes = rng.choice(scenario.slot_minutes)
                start = wall.replace(tzinfo=zone)
                end = (start.astimezone(ZoneInfo("UTC")) + timedelta(minutes=minutes)).astimezone(zone)
                talks.append(_talk(scenario, queue.pop(0), room, start, end, len(talks), rng))
                wall += timedelta(minutes=minutes + scenario.gap_minutes)
    return talks


def _talk(scenario: Scenario, material: Material, room: str, start: datetime, end: datetime, index: int,
          rng: random.Random) -> Talk:
    slug = re.sub(r"[^a-z0-9]+", "-", material.title.lower()).strip("-")[:50]
    if scenario.fmt == "ics":
        code = pretalx_code(f"{scenario.name}:{index}")
        talk_id, url = f"pretalx-{scenario.name}-{code}@pretalx.example.org", \
            f"https://pretalx.example.org/{scenario.name}/talk/{code}/"
    else:
        talk_id, url = str(1000 + index * 7), f"https://{scenario.name}.example.org/talk/{slug}/"
    handle = ""
    if material.speakers and rng.random() < 0.3:
        handle = re.sub(r"[^a-z0-9]", "", material.speakers[0].lower())[:18] + ".bsky.social"
    return Talk(talk_id, material.title, material.abstract, material.speakers, room, start, end, url,
                material.track, material.language, handle)


def overrun(talks: list[Talk], minutes: int) -> list[Talk]:
    """How the talks really ran when each one overruns its programmed end by ``minutes``: the next
    talk in the room starts once the previous one is over (and overruns its own end as much)."""
    real: list[Talk] = []
    last_end: dict[str, datetime] = {}
    for talk in sorted(talks, key=lambda t: (t.room, t.start)):
        start = max(talk.start, last_end.get(talk.room, talk.start))
        end = talk.end + timedelta(minutes=minutes)
        last_end[talk.room] = end
        real.append(replace(talk, start=start, end=end))
    order = {t.id: i for i, t in enumerate(talks)}
    return sorted(real, key=lambda t: order[t.id])


def clock_off(talks: list[Talk], minutes: int) -> list[Talk]:
    """The programme as published with its clock ``minutes`` early (the talks ran that much later)."""
    return [replace(t, start=t.start - timedelta(minutes=minutes), end=t.end - timedelta(minutes=minutes)) for t in talks]


def build(scenario: Scenario, source: Path, seed: int = 7, clock_minutes: int = 0,
          overrun_minutes: int = 0) -> dict[str, str]:
    rng = random.Random(f"{scenario.name}:{seed}")
    published = schedule(scenario, scenario.material(source, rng), rng)
    talks = overrun(published, overrun_minutes) if overrun_minutes else published  # as they really ran
    published = clock_off(published, clock_minutes) if clock_minutes else published
    crowd: Crowd = make_crowd(rng, scenario.crowd, list(scenario.languages), scenario.habits.opted_out_share)
    poster = Poster(rng, scenario.name, scenario.habits, crowd)
    for talk in sorted(talks, key=lambda t: t.start) if scenario.habits.one_room_at_a_time else talks:
        poster.session_threads(talk)
    first, last = min(t.start for t in talks), max(t.end for t in talks)
    poster.hallway(first - timedelta(hours=1), last + timedelta(hours=2))
    recaps = poster.recaps(talks, 12)
    drafts = sorted(poster.drafts, key=lambda d: d.at)
    title = f"{scenario.name.capitalize()} 2026"
    files = {
        "programme.ics": lambda: ical(title, scenario.zone, published),
        "programme.xml": lambda: frab_xml(scenario.name, title, scenario.zone, published),
        "programme.json": lambda: frab_json(scenario.name, title, scenario.zone, published),
    }
    name = f"programme.{scenario.fmt}"
    out = {name: files[name]()}
    for number, page in enumerate(bluesky_pages(drafts), 1):
        out[f"bluesky/searchPosts-{number:04d}.json"] = page
    out["mastodon/statuses.json"] = mastodon_statuses(drafts)
    out["blogs/recaps.xml"] = rss(scenario.name, recaps)
    out["labels.csv"] = labels_csv(drafts, recaps, published)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=sorted(SCENARIOS))
    parser.add_argument("--out", type=Path, default=Path("/tmp/evalsets"))
    parser.add_argument("--source", type=Path, default=Path("/work/shared"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clock-off", type=int, default=0, help="publish the programme this many minutes early")
    parser.add_argument("--overrun", type=int, default=0, help="every talk runs this many minutes past its end")
    parser.add_argument("--suffix", default="", help="appended to each set's folder name")
    args = parser.parse_args()
    for name in args.names:
        target = args.out / (name + args.suffix)
        for stale in target.glob("bluesky/*.json"):
            stale.unlink()
        sets = build(SCENARIOS[name], args.source, args.seed, args.clock_off, args.overrun)
        for relative, text in sets.items():
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
