"""Writes the recap posts as a WordPress RSS 2.0 tag feed (content:encoded, dc:creator, categories)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from .programme import event_id, talk_url
from .talks import TALKS_BY_KEY

BLOG = "https://stacks.example/"
FEED_URL = BLOG + "tag/shelfcon26/feed/"


@dataclass(frozen=True)
class Recap:
    post_id: int
    slug: str
    title: str
    author: str
    published: datetime
    categories: tuple[str, ...]
    talk: str | None
    paragraphs: tuple[str, ...]

    @property
    def link(self) -> str:
        return f"{BLOG}{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def guid(self) -> str:
        return f"{BLOG}?p={self.post_id}"

    @property
    def label(self) -> str:
        return event_id(self.talk) if self.talk else ""


def _talk_link(key: str) -> str:
    talk = TALKS_BY_KEY[key]
    return f'<a href="{talk_url(talk)}">{talk.title}</a>'


def _utc(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=UTC)


RECAPS: tuple[Recap, ...] = (
    Recap(1517, "shelfcon-2026-our-teams-round-up", "ShelfCon 2026: our team&#8217;s round-up", "Pim Bakker",
          _utc(19, 7, 30), ("Conferences", "ShelfCon 2026"), None, (
              "Five of us went to Amsterdam for ShelfCon 2026, two days of metadata, preservation, open access "
              "and accessibility with about 400 colleagues. A few highlights, in no particular order.",
              f"Ingrid Vos opened with {_talk_link('keynote-vos')}, and her line that a catalogue record is a "
              "promise to a reader we will never meet came up in almost every conversation afterwards.",
              f"Hélène Moreau&#8217;s {_talk_link('marc-to-bibframe')} was the most honest migration story "
              f"I have heard in years, and Niamh Gallagher&#8217;s {_talk_link('screen-reader-audit')} has "
              "already changed the requirements for our next procurement.",
              f"Ruth Adeyemi closed the conference with {_talk_link('keynote-adeyemi')}. Open by default, careful "
              "by design: we printed it and put it on the staff room door.",
              "Thank you to the organisers and volunteers. See you next year!",
          )),
    Recap(1509, "describing-40000-photographs", "Describing 40,000 photographs: notes on Aisha Rahman&#8217;s "
          "ShelfCon talk", "Lotte de Wit", _utc(17, 9, 0), ("Accessibility", "Conferences", "ShelfCon 2026"),
          "alt-text-at-scale", (
              f"The talk I have recommended most since ShelfCon is Aisha Rahman&#8217;s "
              f"{_talk_link('alt-text-at-scale')}.",
              "<blockquote><p>Alt text is not metadata with a different hat on. It answers: what would a sighted "
              "researcher notice first?</p></blockquote>",
              "Her team could not describe 40,000 photographs at once, so they triaged: the 4,000 most-viewed "
              "photographs first, then collection by collection, with volunteers reviewing every description "
              "against a public style guide.",
              "On machine captions she was blunt: every photograph became &#8216;a group of people standing&#8217;. "
              "They now use machine suggestions only as a starting point for people, never as the description.",
              '<img src="https://stacks.example/wp-content/uploads/2026/06/alt-text-slide.jpg" '
              'alt="Aisha Rahman presenting a slide that compares a machine caption with a human description" '
              'width="1024" height="576" />',
              "We are adapting the style guide for our own digitised postcards this summer.",
          )),
    Recap(1502, "reparative-description-at-shelfcon-2026", "Reparative description at ShelfCon 2026",
          "Femke Mulder", _utc(16, 13, 15), ("Archives", "Cataloguing", "ShelfCon 2026"),
          "reparative-description", (
              f"Amara Nwosu&#8217;s {_talk_link('reparative-description')} was the session our archive team "
              "talked about most on the way home.",
              "The approach is careful and transparent: harmful terms are reviewed with the communities they "
              "describe, replacement terms are chosen with a paid advisory group that can veto them, and every "
              "revised subject heading carries a public change note with the date and the reason.",
              "<blockquote><p>We don&#8217;t erase the old terms. We explain them, and we stop using them."
              "</p></blockquote>",
              "We have started a list of headings to review in our own catalogue.",
          )),
    Recap(1498, "keeping-the-floppies-talking", "Keeping the floppies talking: emulation at ShelfCon",
          "Tariq Mahmoud", _utc(15, 8, 45), ("Digital preservation", "ShelfCon 2026"), "emulation-service", (
              f"Pieter Janssens&#8217; {_talk_link('emulation-service')} showed a writer&#8217;s 1990s floppy "
              "disks opening in WordPerfect 5.1, inside a browser in the reading room.",
              "Researchers, he said, did not want the files: they wanted to see what the writer saw. His team keeps "
              "the disk images together with a documented emulation environment for each born-digital collection.",
              "Our own born-digital backlog suddenly looks a little less frightening.",
          )),
)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _plain(paragraph: str) -> str:
    return re.sub(r"<[^>]+>", "", paragraph).strip()


def _item(recap: Recap) -> str:
    html = "\n".join(p if p.startswith(("<blockquote", "<img")) else f"<p>{p}</p>" for p in recap.paragraphs)
    excerpt = " ".join(_plain(p) for p in recap.paragraphs if _plain(p))[:240].rsplit(" ", 1)[0]
    categories = "\n".join(f"\t\t<category>{_cdata(c)}</category>" for c in recap.categories)
    return f"""\t<item>
\t\t<title>{recap.title}</title>
\t\t<link>{recap.link}</link>
\t\t<comments>{recap.link}#respond</comments>
\t\t<dc:creator>{_cdata(recap.author)}</dc:creator>
\t\t<pubDate>{format_datetime(recap.published)}</pubDate>
{categories}
\t\t<guid isPermaLink="false">{recap.guid}</guid>
\t\t<description>{_cdata(excerpt + " [&#8230;]")}</description>
\t\t<content:encoded>{_cdata(html)}</content:encoded>
\t\t<wfw:commentRss>{recap.link}feed/</wfw:commentRss>
\t\t<slash:comments>0</slash:comments>
\t</item>"""


def feed_xml() -> str:
    newest = max(recap.published for recap in RECAPS)
    items = "\n".join(_item(recap) for recap in sorted(RECAPS, key=lambda r: r.published, reverse=True))
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>ShelfCon 2026 &#8211; Notes from the Stacks</title>
\t<atom:link href="{FEED_URL}" rel="self" type="application/rss+xml" />
\t<link>{BLOG}</link>
\t<description>The staff blog of a (fictional) university library</description>
\t<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
\t<language>en-GB</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.8.1</generator>
{items}
\t</channel>
</rss>
"""
