"""The (fictional) people who post about ShelfCon, on Bluesky and on Mastodon."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from . import ids

OPT_OUT_LABEL = "!no-unauthenticated"
MASTODON_HOME = "glam.example"


@dataclass(frozen=True)
class BlueskyAccount:
    key: str
    handle: str
    display_name: str
    joined: datetime
    opted_out: bool = False

    @property
    def did(self) -> str:
        return ids.did_plc("did:" + self.handle)


@dataclass(frozen=True)
class MastodonAccount:
    key: str
    username: str
    domain: str
    display_name: str
    note: str
    joined: datetime

    @property
    def is_local(self) -> bool:
        return self.domain == MASTODON_HOME

    @property
    def acct(self) -> str:
        return self.username if self.is_local else f"{self.username}@{self.domain}"

    @property
    def profile_url(self) -> str:
        return f"https://{self.domain}/@{self.username}"

    @property
    def local_id(self) -> str:
        """The account id as the home server (glam.example) numbers it."""
        return str(int(ids.mastodon_id(self.joined, "acct:" + self.acct)) % 10**9 + 10**8)


def _joined(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


BLUESKY: dict[str, BlueskyAccount] = {
    account.key: account
    for account in (
        BlueskyAccount("shelfcon", "shelfcon.example", "ShelfCon", _joined(2023, 9, 20)),
        BlueskyAccount("maria", "maria.shelfcon.example", "Maria Kovács", _joined(2023, 11, 2)),
        BlueskyAccount("joost", "joost.lib.example", "Joost van Dijk", _joined(2024, 1, 15)),
        BlueskyAccount("sunita", "sunita.archives.example", "Sunita Rao", _joined(2023, 10, 8)),
        BlueskyAccount("ben", "bencarter.lib.example", "Ben Carter", _joined(2024, 11, 14)),
        BlueskyAccount("eleni", "eleni.shelfcon.example", "Eleni Papadopoulou", _joined(2024, 2, 29)),
        BlueskyAccount("lucas", "lucas.lib.example", "Lucas Martin", _joined(2024, 11, 18)),
        BlueskyAccount("hannah", "hannah.archives.example", "Hannah Schmidt", _joined(2023, 12, 1)),
        BlueskyAccount("kofi", "kofi.lib.example", "Kofi Boateng", _joined(2024, 8, 30)),
        BlueskyAccount("zoe", "zoe.lib.example", "Zoë Lambert 📚", _joined(2024, 11, 13)),
        BlueskyAccount("ines", "ines.shelfcon.example", "Inès Fournier", _joined(2025, 1, 6)),
        BlueskyAccount("rafa", "rafa.lib.example", "Rafael Oliveira", _joined(2024, 5, 21)),
        BlueskyAccount("aisha", "aisha.lib.example", "Aisha Rahman", _joined(2023, 8, 17)),
        BlueskyAccount("agnes", "agnes.lib.example", "Agnes Lindgren", _joined(2024, 3, 3), opted_out=True),
    )
}

MASTODON: dict[str, MastodonAccount] = {
    account.key: account
    for account in (
        MastodonAccount("pim", "pim", MASTODON_HOME, "Pim Bakker",
                        "<p>Systems librarian. Catalogues, coffee, canals.</p>", _joined(2022, 11, 5)),
        MastodonAccount("dora", "dora", MASTODON_HOME, "Dóra Szabó",
                        "<p>Scholarly communication librarian. Open access all the way.</p>", _joined(2022, 11, 7)),
        MastodonAccount("tariq", "tariq", MASTODON_HOME, "Tariq Mahmoud",
                        "<p>Digital preservation at a city archive.</p>", _joined(2023, 2, 12)),
        MastodonAccount("lotte", "lotte", MASTODON_HOME, "Lotte de Wit",
                        "<p>Metadata &amp; linked data. She/her.</p>", _joined(2022, 12, 1)),
        MastodonAccount("wen", "wen", "archives.example", "Wen Li",
                        "<p>Archivist. Description, access, care.</p>", _joined(2023, 4, 22)),
        MastodonAccount("sam", "sam", "scholar.example", "Sam Okoro",
                        "<p>Research support librarian.</p>", _joined(2022, 11, 20)),
        MastodonAccount("mateusz", "mateusz", "oa.example", "Mateusz Kowalczyk",
                        "<p>Library publishing. Eleven diamond OA journals and counting.</p>", _joined(2023, 1, 9)),
    )
}
