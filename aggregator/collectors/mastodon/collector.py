"""Mastodon hashtag timelines (`type: mastodon`), with the live-threads that follow a tagged post.

Per server and hashtag: the first run pages back (``max_id``, via the ``Link`` header) to the
start of the window; later runs page forward from the newest status seen (``min_id``), and take
up a backward read the page bound cut short from the oldest status it reached. Every
tagged status that starts or continues a thread brings its thread in through
``/api/v1/statuses/:id/context``; recently started threads are read again on the next runs to
pick up continuations (which carry no hashtag) and deletions. `path:` replays saved answers.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from aggregator.collectors import (
    Collector,
    CollectResult,
    SourceOptions,
    SourceState,
    collection_window,
    friendly_duration,
    normalize_tag,
    register,
    saved_files,
)
from aggregator.collectors.mastodon.api import MastodonServer, Page
from aggregator.collectors.mastodon.rechecks import Sighting, author_key, due, updated_ledger
from aggregator.collectors.mastodon.statuses import (
    opted_out,
    status_account,
    status_time,
    status_to_post,
    tag_names,
)
from aggregator.collectors.mastodon.threads import RepliesPolicy, StatusPool, pick_threads
from aggregator.collectors.progress import CollectorProgress
from aggregator.errors import AuthError, SourceError
from aggregator.models import Post

MAX_OPEN_THREADS = 300


class MastodonOptions(SourceOptions):
    type: Literal["mastodon"]
    instances: tuple[str, ...] = Field(
        default=(),
        description="Mastodon servers whose hashtag timelines are read, e.g. [glammr.us, mastodon.social]. "
        "Each sees the posts its users follow or that reached it; a status seen on several is stored once.",
    )
    hashtags: tuple[str, ...] = Field(
        default=(),
        description="Hashtags to read (with or without '#', case-insensitive). Default: the conference's hashtags.",
    )
    replies: RepliesPolicy = Field(
        default="all",
        description="Which replies to a tagged post are kept: 'self' the author's own continuations (a live-thread), "
        "'all' also other people's replies (shown as conversation), 'none' only the tagged posts.",
    )
    token_env: str = Field(
        default="MASTODON_TOKEN",
        description="Name of the environment variable holding an application access token (scope read:statuses), "
        "for servers that show hashtag timelines only to logged-in apps. Never put the token itself here.",
    )
    local_only: bool = Field(default=False, description="Read only posts by each server's own users.")
    since: datetime | None = Field(
        default=None,
        description="Collect tagged posts from this moment (ISO 8601; without an offset, conference local time; default: the conference start minus `margin`).",
    )
    until: datetime | None = Field(
        default=None, description="Collect tagged posts up to this moment (ISO 8601; without an offset, conference local time; default: the conference end plus `margin`)."
    )
    margin: timedelta = Field(
        default=timedelta(days=2),
        description="Widening of the conference dates for the default window, e.g. '2d', '36h'.",
    )
    recheck_hours: float = Field(
        default=6.0,
        ge=0,
        description="Threads started this recently are read again on the next run to pick up continuations and "
        "deletions; 0 turns it off.",
    )
    live: bool = Field(
        default=False,
        description="While `aggregator listen` or the scheduler runs, follow each server's streaming API for "
        "deletions and tombstone stored statuses at once (needs the token in `token_env`).",
    )
    recheck_per_run: int = Field(
        default=100,
        ge=0,
        description="Stored statuses re-read per run to catch deletions and authors' late #nobot, across the whole "
        "archive: recent ones often, old ones rarely, each at least weekly (see the recheck policy); 0 turns it off.",
    )

    @field_validator("margin", mode="before")
    @classmethod
    def _margin(cls, value: Any) -> Any:
        return friendly_duration(value)

    @field_validator("instances")
    @classmethod
    def _server_addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(server_base_url(value) for value in values))

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(normalize_tag(v) for v in values if normalize_tag(v)))

    @model_validator(mode="after")
    def _somewhere_to_read(self) -> MastodonOptions:
        if not self.instances and self.path is None:
            raise ValueError("give `instances` (Mastodon servers to read) or `path` (saved statuses)")
        return self

    def identity(self) -> str:
        if self.path is not None:
            return str(self.path)
        hosts = ",".join(urlsplit(url).netloc for url in self.instances)
        return f"{hosts}" + "".join(f"#{tag}" for tag in self.hashtags)


def server_base_url(value: str) -> str:
    """`glammr.us`, `https://glammr.us/` → `https://glammr.us`."""
    text = value.strip().rstrip("/")
    parts = urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"expected a server address such as https://mastodon.social, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class MastodonProgress(CollectorProgress):
    """Per server and hashtag ("<server> #<tag>"): where reading stopped, and threads to re-check."""

    min_id: dict[str, str] = field(default_factory=dict)  # the newest status id read
    backfill_max_id: dict[str, str] = field(default_factory=dict)  # where an interrupted backfill resumes
    open_threads: list[dict[str, str]] = field(default_factory=list)  # {"server", "id", "uri"} each
    ledger: dict[str, dict[str, str]] = field(default_factory=dict)  # every stored status: see rechecks.py


@register
class MastodonCollector(Collector):
    type = "mastodon"
    Options = MastodonOptions
    Progress = MastodonProgress

    options: MastodonOptions

    def collect(self, state: SourceState) -> CollectResult:
        run = _Run(window=self._window(), tags=self._hashtags())
        if self.options.path is not None:
            self._replay(self.options.path, run)
            new_state = state
        else:
            new_state = self._read_servers(state, run)
        return self._result(run, new_state)

    # --- saved answers ------------------------------------------------------------------

    def _replay(self, path: Path, run: _Run) -> None:
        for file in saved_files(path):
            statuses = _saved_statuses(file)
            run.pool.add_all(statuses)
            self.context.progress(len(statuses))
        seeds = [uri for uri in run.pool.uris() if self._is_seed(run, run.pool.get(uri))]
        run.seeds.extend(sorted(seeds, key=lambda uri: status_time(run.pool.get(uri))))

    # --- live servers -------------------------------------------------------------------

    def _read_servers(self, state: SourceState, run: _Run) -> SourceState:
        if not run.tags:
            raise SourceError("no hashtags to read: set `hashtags:` on the source or the conference")
        saved = MastodonProgress.of(state.progress)
        cursors, backfills = dict(saved.min_id), dict(saved.backfill_max_id)
        open_threads = [t for t in saved.open_threads if isinstance(t, dict)]
        failures: list[SourceError] = []
        failed_servers: set[str] = set()
        token = os.environ.get(self.options.token_env, "").strip()
        ledger = saved.ledger
        run.due = due(ledger, self.context.now(), self.options.recheck_per_run)
        for base_url in self.options.instances:
            try:
                with MastodonServer(
                    base_url,
                    token=token,
                    token_env=self.options.token_env,
                    timeout=self.context.timeout,
                    policy=self.retry_policy,
                ) as server:
                    # Cursors move only once a server was read completely: a failure re-reads it next time.
                    new_cursors, stopped_at = self._read_server(server, cursors, backfills, open_threads, run)
                    self._recheck_archive(server, ledger, run)
                cursors.update(new_cursors)
                backfills = {key: at for key, at in {**backfills, **stopped_at}.items() if at}
            except SourceError as exc:
                failures.append(exc)
                failed_servers.add(base_url)
        if len(failures) == len(self.options.instances):
            raise _combined(failures)
        run.notes.extend(f"FAILED: {failure}" for failure in failures)
        # A server that failed keeps its open threads, to be read again with it next time.
        still_open = self._still_open(run)
        known = {t["uri"] for t in still_open}
        unread = [t for t in open_threads if t.get("server") in failed_servers and t.get("uri") not in known]
        progress = dataclasses.replace(
            saved, min_id=cursors, backfill_max_id=backfills, open_threads=[*still_open, *unread]
        )  # the ledger is brought up to date with the result
        return dataclasses.replace(state, progress=progress)

    def _read_server(
        self,
        server: MastodonServer,
        cursors: dict[str, str],
        backfills: dict[str, str],
        open_threads: list[dict[str, str]],
        run: _Run,
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Read every hashtag (and the threads around them) on one server; returns its new cursors,
        and per hashtag where a backward read stopped at the page bound ("" once it is complete)."""
        seeds: list[str] = []
        new_cursors: dict[str, str] = {}
        stopped_at: dict[str, str] = {}
        for tag in sorted(run.tags):
            key = f"{server.base_url} #{tag}"
            statuses, newest, stopped_at[key] = self._read_tag(
                server, tag, cursors.get(key, ""), backfills.get(key, ""), run
            )
            if newest:
                new_cursors[key] = newest
            for status in statuses:
                uri = run.pool.add(status, server.base_url)
                if uri and self._is_seed(run, status):
                    seeds.append(uri)
        seeds.extend(self._recheck(server, open_threads, run))
        run.seeds.extend(seeds)
        for uri in seeds:
            run.server_of.setdefault(uri, server.base_url)
        if self.options.replies != "none":
            self._follow_threads(server, seeds, run)
        return new_cursors, stopped_at

    def _read_tag(
        self, server: MastodonServer, tag: str, cursor: str, older_than: str, run: _Run
    ) -> tuple[list[dict[str, Any]], str, str]:
        """Statuses tagged `tag`: back to the window start on a first run, forward from `cursor` later,
        and back from `older_than` where an earlier backward read stopped. Returns them, the newest id
        and where this run's backward read stopped at the page bound ("" if it did not)."""
        local = self.options.local_only
        statuses: list[dict[str, Any]] = []
        stopped_at = ""
        if older_than:
            statuses, stopped_at = self._pages(
                server, tag, server.tag_timeline(tag, max_id=older_than, local=local), run
            )
        if cursor:
            forward, _ = self._pages(
                server, tag, server.tag_timeline(tag, min_id=cursor, local=local), run, forward=True
            )
            statuses.extend(forward)
        else:
            page = server.tag_timeline(tag, local=local)
            if not page.statuses:
                self._explain_empty(server, tag, run)
            statuses, stopped_at = self._pages(server, tag, page, run)
        ids = [str(s.get("id")) for s in statuses if s.get("id")]
        return statuses, max([*ids, cursor], key=_id_order) if ids else cursor, stopped_at

    def _pages(
        self, server: MastodonServer, tag: str, page: Page, run: _Run, *, forward: bool = False
    ) -> tuple[list[dict[str, Any]], str]:
        """The statuses from ``page`` on, newer (``forward``) or older down to the window start; and the
        oldest id reached when the page bound cut a backward read short ("" otherwise). A forward read
        cut short needs no mark: the next run goes on from the newest status it read."""
        statuses: list[dict[str, Any]] = []
        for number in range(1, self.context.max_pages + 1):
            statuses.extend(page.statuses)
            self.context.progress(len(page.statuses))
            follow = page.newer_url if forward else page.older_url
            if not page.statuses or not follow or (not forward and self._reached_window_start(page, run)):
                return statuses, ""
            if number == self.context.max_pages:
                run.notes.append(f"{server.host} #{tag}: stopped after {number} pages; will continue next run")
                break
            page = server.page(follow)
        ids = [str(s.get("id")) for s in page.statuses if s.get("id")]
        return statuses, "" if forward or not ids else min(ids, key=_id_order)

    def _explain_empty(self, server: MastodonServer, tag: str, run: _Run) -> None:
        """An empty first answer may mean "login needed" rather than "no posts": find out which."""
        access = server.hashtag_access()
        if access and all(value == "disabled" for value in access.values()):
            raise SourceError(f"{server.host} does not offer hashtag timelines at all; read another server")
        login_only = [scope for scope, value in access.items() if value == "authenticated"]
        if login_only and not server.has_token:
            raise AuthError(
                f"{server.host} answered no posts for #{tag}, but it shows hashtag timelines "
                f"({' and '.join(login_only)} posts) to logged-in apps only: create an application token with the "
                f"read:statuses scope and put it in the environment variable {self.options.token_env}"
            )
        run.notes.append(f"{server.host}: no posts tagged #{tag}")

    def _reached_window_start(self, page: Page, run: _Run) -> bool:
        start = run.window[0]
        return start is not None and any(status_time(s) < start for s in page.statuses)

    def _recheck(self, server: MastodonServer, open_threads: list[dict[str, str]], run: _Run) -> list[str]:
        """Read recent threads again: the author may have continued them (or deleted a post) since."""
        uris = []
        for thread in open_threads:
            if thread.get("server") != server.base_url or thread.get("uri") in run.pool:
                continue
            status = server.status(str(thread.get("id", "")))
            if status is None:
                run.deleted.append(str(thread.get("uri", "")))
                continue
            uri = run.pool.add(status, server.base_url)
            if uri:
                uris.append(uri)
        return uris

    def _recheck_archive(self, server: MastodonServer, ledger: Mapping[str, Mapping[str, str]], run: _Run) -> None:
        """Re-read this server's share of the stored statuses due (those read this run need not be)."""
        for uri in run.due:
            entry = ledger[uri]
            if entry.get("server") != server.base_url or uri in run.pool:
                continue
            found = server.status(entry.get("id", ""))
            run.rechecked.append(uri)
            if found is None:
                run.deleted.append(uri)
            elif opted_out(status_account(found)):
                run.opted_authors.add(entry.get("author", ""))

    def _follow_threads(self, server: MastodonServer, seeds: list[str], run: _Run) -> None:
        """Bring in the thread around every seed that has one (each thread read once per run)."""
        for uri in sorted(seeds, key=lambda u: status_time(run.pool.get(u))):
            status = run.pool.get(uri)
            if uri in run.threads_read or not (status.get("in_reply_to_id") or status.get("replies_count")):
                continue
            sighting = next(s for s in run.pool.sightings(uri) if s.server == server.base_url)
            context = server.context(sighting.status_id)
            if context is None:
                run.deleted.append(uri)
                continue
            run.pool.add_all(context.ancestors, server.base_url)
            run.threads_read.add(uri)
            run.threads_read.update(run.pool.add_all(context.descendants, server.base_url))

    def _still_open(self, run: _Run) -> list[dict[str, str]]:
        horizon = self.context.now() - timedelta(hours=self.options.recheck_hours)
        recent = [uri for uri in run.seeds if uri in run.pool and status_time(run.pool.get(uri)) >= horizon]
        recent.sort(key=lambda uri: status_time(run.pool.get(uri)), reverse=True)
        open_threads = []
        for uri in dict.fromkeys(recent[:MAX_OPEN_THREADS]):
            server = run.server_of.get(uri, "")
            local_ids = [s.status_id for s in run.pool.sightings(uri) if s.server == server and s.status_id]
            if local_ids:
                open_threads.append({"server": server, "id": local_ids[0], "uri": uri})
        return open_threads

    # --- common -------------------------------------------------------------------------

    def _is_seed(self, run: _Run, status: Mapping[str, Any]) -> bool:
        if run.tags and run.tags.isdisjoint(tag_names(status)):
            return False
        start, end = run.window
        moment = status_time(status)
        return (start is None or moment >= start) and (end is None or moment <= end)

    def _result(self, run: _Run, state: SourceState) -> CollectResult:
        pool = run.pool
        opted = [uri for uri in pool.uris() if opted_out(status_account(pool.get(uri)))]
        run.opted_authors.update(author_key(status_account(pool.get(uri))) for uri in opted)
        ledger = MastodonProgress.of(state.progress).ledger
        opted.extend(uri for uri, entry in ledger.items() if entry.get("author") in run.opted_authors)
        excluded = set(opted) | set(run.deleted)
        kept = [uri for uri in pick_threads(pool, run.seeds, self.options.replies) if uri not in excluded]
        posts = tuple(_normalize(pool, uri) for uri in kept)
        notes = [*run.notes]
        if run.rechecked:
            gone = len(set(run.rechecked) & set(run.deleted))
            notes.append(f"{len(run.rechecked)} stored statuses re-checked, {gone} deleted upstream")
        if pool.boosts_skipped:
            notes.append(f"{pool.boosts_skipped} boosts skipped")
        if pool.malformed_skipped:
            notes.append(f"{pool.malformed_skipped} unreadable statuses skipped")
        if opted:
            notes.append(f"{len(opted)} statuses by accounts that opted out (#nobot or noindex) withheld")
        deleted = tuple(dict.fromkeys([*run.deleted, *opted]))
        withheld = tuple(uri for uri in deleted if uri not in run.deleted)
        if self.options.path is None:
            ledger = updated_ledger(ledger, self._sightings(run, kept), run.rechecked, deleted,
                                    self.context.stored_ids(), self.context.now())  # fmt: skip
            progress = dataclasses.replace(MastodonProgress.of(state.progress), ledger=ledger)
            state = dataclasses.replace(state, progress=progress)
        return CollectResult(
            posts=posts, state=state.succeeded(self.context.now()), deleted=deleted, notes=tuple(notes), withheld=withheld
        )

    def _sightings(self, run: _Run, uris: list[str]) -> list[Sighting]:
        """Where each status kept this run can be re-read later: on the server it was found on."""
        found = []
        for uri in uris:
            server = run.server_of.get(uri) or next(iter(s.server for s in run.pool.sightings(uri)), "")
            status_id = next((s.status_id for s in run.pool.sightings(uri) if s.server == server and s.status_id), "")
            if server and status_id:
                status = run.pool.get(uri)
                found.append(Sighting(uri, server, status_id, author_key(status_account(status)), status_time(status)))
        return found

    def _window(self) -> tuple[datetime | None, datetime | None]:
        """Explicit ``since``/``until`` first, then the pipeline's window, then the conference ± margin."""
        return collection_window(self.context, self.options.since, self.options.until, self.options.margin)

    def _hashtags(self) -> frozenset[str]:
        tags = self.options.hashtags or self.context.conference.hashtags
        return frozenset(normalize_tag(t) for t in tags if normalize_tag(t))


@dataclasses.dataclass
class _Run:
    """What one collect() call accumulates."""

    window: tuple[datetime | None, datetime | None]
    tags: frozenset[str]
    pool: StatusPool = dataclasses.field(default_factory=StatusPool)
    seeds: list[str] = dataclasses.field(default_factory=list)
    server_of: dict[str, str] = dataclasses.field(default_factory=dict)
    threads_read: set[str] = dataclasses.field(default_factory=set)  # seeds whose context is in the pool
    deleted: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    due: list[str] = dataclasses.field(default_factory=list)  # stored statuses to re-check this run
    rechecked: list[str] = dataclasses.field(default_factory=list)
    opted_authors: set[str] = dataclasses.field(default_factory=set)  # author keys whose profile says #nobot


def _normalize(pool: StatusPool, uri: str) -> Post:
    return status_to_post(pool.get(uri), parent_uri=pool.parent_uri(uri), root_uri=pool.root_uri(uri))


def _saved_statuses(file: Path) -> list[dict[str, Any]]:
    """Statuses in a saved answer: a timeline page (array), a Context object, or one Status."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # Recursion: nested too deeply
        raise SourceError(f"{file}: not a saved Mastodon answer ({exc})") from exc
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if isinstance(data, dict) and ("ancestors" in data or "descendants" in data):
        return [item for key in ("ancestors", "descendants") for item in data.get(key) or () if isinstance(item, dict)]
    if isinstance(data, dict) and "uri" in data:
        return [data]
    raise SourceError(f"{file}: expected a list of statuses, a status context or a status")


def _combined(failures: list[SourceError]) -> SourceError:
    """One error for a source whose every server failed; an AuthError only when each one refused us."""
    if len(failures) == 1:
        return failures[0]
    kind = AuthError if all(isinstance(f, AuthError) for f in failures) else SourceError
    return kind("; ".join(str(f) for f in failures))


def _id_order(status_id: str) -> tuple[int, str]:
    # Snowflake ids are decimal strings of growing length; compare them as numbers would.
    return len(status_id), status_id
