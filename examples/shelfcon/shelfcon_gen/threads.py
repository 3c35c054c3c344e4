"""Who posted what, when: the plan for every thread of the ShelfCon 2026 backchannel."""
from __future__ import annotations

from typing import Any

from .drafts import Card, Reply, ThreadSpec
from .talks import TALKS_BY_KEY

SCHEDULE_URL = "https://shelfcon.example/2026/schedule/"


def bsky(key: str, author: str, talk: str | None, style: str = "custom", **options: Any) -> ThreadSpec:
    return ThreadSpec(key=f"bs-{key}", source="bluesky", author=author, talk=talk, style=style, **options)


def masto(key: str, author: str, talk: str | None, style: str = "custom", **options: Any) -> ThreadSpec:
    return ThreadSpec(key=f"ma-{key}", source="mastodon", author=author, talk=talk, style=style, **options)


def announce(talk_key: str, minute: float = 0.2) -> ThreadSpec:
    """The organisers' 'starting now' post: it names room, speaker and title."""
    talk = TALKS_BY_KEY[talk_key]
    text = f"Starting now in the {talk.room}: {talk.speaker}, “{talk.title}” #shelfcon26"
    return bsky(f"announce-{talk_key}", "shelfcon", talk_key, minute=minute, texts=(text,))


def hallway(key: str, source: str, author: str, at: str, *texts: str, **options: Any) -> ThreadSpec:
    make = bsky if source == "bluesky" else masto
    return make(f"hall-{key}", author, None, at=at, texts=texts, **options)


HALLWAY: list[ThreadSpec] = [
    hallway("arrived", "bluesky", "maria", "2026-06-10 19:42",
            "Made it to Amsterdam for #shelfcon26! Who's coming to the meetup tonight?"),
    hallway("badge", "bluesky", "eleni", "2026-06-11 08:36",
            "Registration queue moving fast and the lanyards are made of old book cloth 😍 #shelfcon26",
            image_alt="A ShelfCon 2026 badge on a green book-cloth lanyard"),
    hallway("doors", "bluesky", "shelfcon", "2026-06-11 08:45",
            "Doors are open! Coffee in the Foyer, the opening keynote starts at 09:00 in the Atrium. "
            "Welcome to #shelfcon26 👋"),
    hallway("train", "mastodon", "sam", "2026-06-11 08:21",
            "On the train to #shelfcon26 with a thermos and far too many tabs of the programme open."),
    hallway("coffee-1", "bluesky", "kofi", "2026-06-11 11:07",
            "Coffee break conversations > everything #shelfcon26"),
    hallway("coffee-1m", "mastodon", "lotte", "2026-06-11 11:12",
            "Best thing about #shelfcon26 so far: meeting people whose mailing list posts I've read for a decade."),
    hallway("lunch-1", "bluesky", "zoe", "2026-06-11 12:41",
            "Lunch on the terrace, and there are stroopwafels for dessert 🧇☀️ #ShelfCon26",
            image_alt="Plates of salad and a stack of stroopwafels on a sunny terrace table"),
    hallway("lunch-1-org", "bluesky", "shelfcon", "2026-06-11 12:47",
            f"Lunch until 13:30. This afternoon: three rooms, two workshops, one panel. Full programme: "
            f"{SCHEDULE_URL} #shelfcon26",
            card=Card(SCHEDULE_URL, "Schedule :: ShelfCon 2026", "The full programme of ShelfCon 2026.")),
    hallway("lunch-1m", "mastodon", "tariq", "2026-06-11 12:52",
            "Lunchtime at #shelfcon26. Quiet corner found, notes being tidied."),
    hallway("skipping", "bluesky", "hannah", "2026-06-11 14:12",
            "Skipping this slot to sit in the Foyer with my laptop. Conference brain is full. #shelfcon26"),
    hallway("stickers", "bluesky", "ben", "2026-06-11 15:09",
            "Whoever brought the 'Ask me about metadata' stickers: I need three. #shelfcon26"),
    hallway("day1-thanks", "bluesky", "shelfcon", "2026-06-11 16:41",
            "That's day one! Thank you all. Drinks at the canal-side café from 17:30, day two starts at 09:00. "
            "#shelfcon26"),
    hallway("dinner", "mastodon", "dora", "2026-06-11 20:18",
            "Dinner with cataloguers from six countries. The best part of any conference. #shelfcon26"),
    hallway("day2", "bluesky", "joost", "2026-06-12 08:38",
            "Dag twee van #shelfcon26, met hagelslag als brandstof.", langs=("nl",)),
    hallway("multi-announce", "bluesky", "shelfcon", "2026-06-12 09:52",
            "Coming up at 10:00: Layla Haddad on multilingual discovery (Atrium), Oliver Brandt on accessible "
            "theses (Reading Room) and Ana Lúcia Costa on FAIR data (Map Room). #shelfcon26"),
    hallway("coffee-2", "mastodon", "pim", "2026-06-12 11:06",
            "Coffee break. The queue for the stroopwafels is the real networking event of #shelfcon26."),
    hallway("lunch-2", "bluesky", "rafa", "2026-06-12 12:44",
            "Last lunch of #shelfcon26 😢 Who's staying for the closing keynote?"),
    hallway("wrap", "bluesky", "shelfcon", "2026-06-12 14:27",
            "That's a wrap! Thank you to our speakers, volunteers, the AV crew and all of you. Slides and "
            "recordings will be linked from the programme next week. #shelfcon26"),
    hallway("home", "mastodon", "wen", "2026-06-12 16:05",
            "Train home from #shelfcon26. Forty pages of notes to type up. Worth it."),
    hallway("agnes-hall", "bluesky", "agnes", "2026-06-11 11:08",
            "Coffee, finally. Lovely to see so many archivists here. #shelfcon26"),
]

DAY_ONE: list[ThreadSpec] = [
    announce("keynote-vos"),
    bsky("maria-vos", "maria", "keynote-vos", "title", minute=1.5, length=4, image=True),
    bsky("joost-vos", "joost", "keynote-vos", minute=14, langs=("nl",), texts=(
        "Mooie keynote van Ingrid Vos: elke catalogusrecord is een belofte aan een lezer die we nooit zullen "
        "ontmoeten. #shelfcon26",)),
    masto("pim-vos", "pim", "keynote-vos", "title", minute=4, length=3, image=True),
    masto("dora-vos", "dora", "keynote-vos", "speaker", minute=21, length=2),
    bsky("kofi-vos", "kofi", "keynote-vos", "late", minute=31, length=2),

    bsky("sunita-wikidata", "sunita", "wikidata", "title", minute=3, length=3),
    masto("lotte-wikidata", "lotte", "wikidata", "speaker", minute=9, length=2),
    bsky("hannah-wikidata", "hannah", "wikidata", "time", minute=19),

    announce("alt-text-at-scale"),
    bsky("maria-alt", "maria", "alt-text-at-scale", "title", minute=2, length=4, image=True, replies=(
        Reply("ben", 1, "This is so useful, thank you for live-posting! Is the style guide online somewhere?", 2),
        Reply("maria", 4, "Yes! Aisha said it's linked from her slides, which she'll share after the talk.", 1.5),
    )),
    masto("wen-alt", "wen", "alt-text-at-scale", "speaker", minute=11, length=2, image=True),
    bsky("zoe-quote", "zoe", "alt-text-at-scale", minute=1.4, quote_of="bs-announce-alt-text-at-scale-1", texts=(
        "Why are the alt text talk and the Wikidata talk in the same slot?! Wish I could be in two rooms "
        "at once 😩 #shelfcon26",)),
    bsky("aisha-slides", "aisha", "alt-text-at-scale", at="2026-06-11 10:46", texts=(
        "My slides from “Alt Text at Scale” are here, including the style guide: "
        "https://slides.shelfcon.example/2026/alt-text-at-scale.pdf Thank you for the great questions in the "
        "Reading Room! #shelfcon26",),
        card=Card("https://slides.shelfcon.example/2026/alt-text-at-scale.pdf",
                  "Alt Text at Scale: Describing 40,000 Digitised Photographs (slides)",
                  "Slides and alt text style guide, ShelfCon 2026, Aisha Rahman.")),
    bsky("maria-still", "maria", "alt-text-at-scale", at="2026-06-11 10:41", texts=(
        "Still thinking about @aisha.lib.example's point that machine captions call every photo 'a group of "
        "people standing'. #shelfcon26",)),

    bsky("lucas-fixity", "lucas", "fixity-workshop", "title", minute=4, length=4, image=True),
    masto("tariq-fixity", "tariq", "fixity-workshop", "topic", minute=31, length=2),

    bsky("eleni-bibframe", "eleni", "marc-to-bibframe", "title", minute=1.5, length=3),
    bsky("ines-bibframe", "ines", "marc-to-bibframe", minute=13, langs=("fr",), texts=(
        "Hélène Moreau : « Chaque conversion “sans perte” perd quelque chose, en général les notes du "
        "catalogueur. » Très juste ! 👏 #shelfcon26",)),
    masto("sam-bibframe", "sam", "marc-to-bibframe", "title", minute=3, length=4, image=True,
          spoiler="Long thread: MARC, BIBFRAME and other metadata nerdery"),
    bsky("rafa-bibframe", "rafa", "marc-to-bibframe", "time", minute=19),

    bsky("ben-oa", "ben", "oa-monitoring", "speaker", minute=5, length=3, image=True),
    masto("dora-oa", "dora", "oa-monitoring", "room", minute=7, length=2),
    bsky("kofi-oa", "kofi", "oa-monitoring", "time", minute=17),

    announce("relevance-logs"),
    bsky("joost-relevance", "joost", "relevance-logs", "title", minute=1, length=3, numbered=True),
    masto("pim-relevance", "pim", "relevance-logs", "speaker", minute=10, length=2),
    bsky("hannah-relevance", "hannah", "relevance-logs", "topic", minute=15, length=2),

    bsky("sunita-webarchive", "sunita", "web-archiving-social", "title", minute=2, length=4, image=True),
    masto("wen-webarchive", "wen", "web-archiving-social", "topic", minute=12),

    bsky("zoe-maps", "zoe", "iiif-maps", minute=6, texts=(
        "Zoë here, live from the Map Room 🗺️✨ Sofia Marchetti's georeferenced maps are stunning 😍 #shelfcon26",
        "Volunteers georeferenced 1,200 sheets in six weeks?! Citizen science ftw 🙌",
    )),
    masto("lotte-maps", "lotte", "iiif-maps", "title", minute=3, length=3, image=True),

    bsky("ben-screenreader", "ben", "screen-reader-audit", "title", minute=2, length=3),
    bsky("kofi-screenreader", "kofi", "screen-reader-audit", minute=10, hidden_tag=True, texts=(
        "Niamh Gallagher: “Nothing about us without us applies to procurement too.” Putting that on a "
        "sticky note above my desk.",)),
    masto("tariq-screenreader", "tariq", "screen-reader-audit", "speaker", minute=8, length=2),

    bsky("eleni-diamond", "eleni", "diamond-oa", "speaker", minute=4, length=2),
    masto("dora-diamond", "dora", "diamond-oa", "title", minute=2, length=3, image=True),
    masto("mateusz-slides", "mateusz", "diamond-oa", at="2026-06-11 12:39", texts=(
        "Slides from my #shelfcon26 talk “Diamond Open Access Journals on a Shoestring”: "
        "https://slides.shelfcon.example/2026/diamond-oa-shoestring.pdf Thanks to everyone who came to the "
        "Reading Room, and to our volunteer editors.",),
        card=Card("https://slides.shelfcon.example/2026/diamond-oa-shoestring.pdf",
                  "Diamond Open Access Journals on a Shoestring (slides)",
                  "Slides from Mateusz Kowalczyk's talk at ShelfCon 2026.")),

    bsky("agnes-pids", "agnes", "pids-compared", "title", minute=3, length=3),
    bsky("rafa-pids", "rafa", "pids-compared", "speaker", minute=12, length=2),
    masto("sam-pids", "sam", "pids-compared", "late", minute=15, length=2),

    announce("reparative-description"),
    bsky("maria-reparative", "maria", "reparative-description", "title", minute=1, length=5, image=True,
         page=True),
    bsky("sunita-reparative", "sunita", "reparative-description", "speaker", minute=9, length=2),
    masto("lotte-reparative", "lotte", "reparative-description", "title", minute=3, length=3),
    masto("wen-reparative", "wen", "reparative-description", "time", minute=22),

    bsky("lucas-emulation", "lucas", "emulation-service", "title", minute=2, length=3, image=True),
    bsky("hannah-emulation", "hannah", "emulation-service", "topic", minute=14, local_offset=True),
    masto("pim-emulation", "pim", "emulation-service", "room", minute=5, length=2),

    bsky("rafa-sparql", "rafa", "sparql-workshop", at="2026-06-11 13:26", texts=(
        "Heading to the Map Room for Rosa Jiménez's SPARQL workshop, laptop charged 🔋 #shelfcon26",)),
    bsky("eleni-sparql", "eleni", "sparql-workshop", "title", minute=5, length=4, image=True),
    masto("tariq-sparql", "tariq", "sparql-workshop", "topic", minute=40, length=2),

    bsky("joost-ldf", "joost", "linked-data-fragments", "title", minute=2, length=3),
    masto("sam-ldf", "sam", "linked-data-fragments", "speaker", minute=10, length=2),

    bsky("ines-rights", "ines", "rights-statements", "speaker", minute=4, length=2),
    bsky("ben-rights", "ben", "rights-statements", "title", minute=1, length=3, slides=True),
    masto("dora-rights", "dora", "rights-statements", "time", minute=16),

    bsky("rafa-dashboards", "rafa", "metadata-dashboards", "title", minute=2, length=3),
    masto("lotte-dashboards", "lotte", "metadata-dashboards", "topic", minute=12),
    bsky("kofi-dashboards", "kofi", "metadata-dashboards", "time", minute=18),

    bsky("zoe-wayfinding", "zoe", "inclusive-wayfinding", "title", minute=3, length=3, image=True),
    masto("wen-wayfinding", "wen", "inclusive-wayfinding", "speaker", minute=6, length=2),

    announce("next-gen-panel"),
    bsky("maria-panel", "maria", "next-gen-panel", "title", minute=3, length=4, image=True),
    masto("pim-panel", "pim", "next-gen-panel", "speaker", minute=20, length=2),
    bsky("hannah-panel", "hannah", "next-gen-panel", "time", minute=40),

    bsky("ben-lightning", "ben", "lightning-talks", "title", minute=5, length=4),
    masto("tariq-lightning", "tariq", "lightning-talks", "room", minute=10, length=2),
]

DAY_TWO: list[ThreadSpec] = [
    announce("keynote-halvorsen"),
    bsky("sunita-halvorsen", "sunita", "keynote-halvorsen", "title", minute=2, length=4, image=True),
    masto("sam-halvorsen", "sam", "keynote-halvorsen", "title", minute=3, length=3),
    bsky("lucas-halvorsen", "lucas", "keynote-halvorsen", "speaker", minute=20),
    masto("dora-halvorsen", "dora", "keynote-halvorsen", "time", minute=30),

    bsky("kofi-multilingual", "kofi", "multilingual-discovery", "title", minute=2, length=3),
    masto("wen-multilingual", "wen", "multilingual-discovery", "speaker", minute=9, length=2),

    bsky("eleni-theses", "eleni", "accessible-theses", "title", minute=3, length=3, image=True),
    masto("lotte-theses", "lotte", "accessible-theses", "topic", minute=14),

    bsky("rafa-fair", "rafa", "fair-reality-check", "title", minute=2, length=3),
    masto("tariq-fair", "tariq", "fair-reality-check", "speaker", minute=12, length=2),

    bsky("maria-skos", "maria", "skos-vocabularies", "title", minute=1, length=4, replies=(
        Reply("joost", 2, "Ha, we had exactly this closeMatch fight last month. Pieterse's answer was better "
                          "than ours.", 2.5),
    )),
    masto("pim-skos", "pim", "skos-vocabularies", "topic", minute=15),

    bsky("ben-readpublish", "ben", "read-and-publish", "speaker", minute=4, length=2),
    masto("dora-readpublish", "dora", "read-and-publish", "title", minute=2, length=3, image=True),

    bsky("hannah-ocr", "hannah", "newspaper-ocr", "title", minute=3, length=3, image=True),
    bsky("zoe-ocr", "zoe", "newspaper-ocr", "late", minute=18, length=2),

    announce("consortial-discovery"),
    bsky("joost-consortial", "joost", "consortial-discovery", "speaker", minute=6, length=2),
    masto("sam-consortial", "sam", "consortial-discovery", "title", minute=2, length=3),

    bsky("sunita-consent", "sunita", "consent-description", "title", minute=2, length=3),
    masto("wen-consent", "wen", "consent-description", "speaker", minute=10, length=2, replies=(
        Reply("lotte", 0, "Thank you for posting this. Going to share it with our community archives network.", 4),
    )),

    bsky("lucas-alt-ws", "lucas", "alt-text-workshop", "title", minute=4, length=3, image=True),
    masto("tariq-alt-ws", "tariq", "alt-text-workshop", "topic", minute=35),

    bsky("ines-sunset", "ines", "sunsetting-repository", "title", minute=2, length=3),
    masto("pim-sunset", "pim", "sunsetting-repository", "speaker", minute=8, length=2),

    bsky("eleni-citations", "eleni", "open-citations", "speaker", minute=4, length=2),
    masto("lotte-citations", "lotte", "open-citations", "title", minute=2, length=3, slides=True),

    announce("keynote-adeyemi"),
    bsky("maria-adeyemi", "maria", "keynote-adeyemi", "title", minute=2, length=4, image=True),
    bsky("zoe-adeyemi", "zoe", "keynote-adeyemi", minute=20, texts=(
        "Ruth Adeyemi: “Openness without care is just exposure.” 🔥🔥 Best closing keynote I've seen in years. "
        "#shelfcon26",)),
    masto("dora-adeyemi", "dora", "keynote-adeyemi", "title", minute=3, length=3),
    masto("sam-adeyemi", "sam", "keynote-adeyemi", "time", minute=35),
    bsky("kofi-adeyemi", "kofi", "keynote-adeyemi", "time", minute=40),
    bsky("zoe-ovation", "zoe", "keynote-adeyemi", minute=44, texts=(
        "Standing ovation for the closing keynote 👏👏👏 Thank you, Ruth Adeyemi. #shelfcon26",)),
]

ALL_THREADS: list[ThreadSpec] = HALLWAY + DAY_ONE + DAY_TWO

# The one Mastodon boost in the timeline (it must be skipped: the original is already there).
BOOST = {"booster": "tariq", "original": "ma-sam-halvorsen-1", "at": "2026-06-12 09:14"}
