"""`aggregator`: a thin click layer over the pipeline.

Exit codes: see ``aggregator.cli.exits`` (the one table of them).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

from aggregator import __version__, pipeline, runs
from aggregator.cli.exits import ExitCode, help_epilog, outcome_of
from aggregator.cli.progress import ProgressDisplay
from aggregator.config.model import DEFAULT_CONFIG, Config, load_config
from aggregator.errors import NoSiteError
from aggregator.models import post_to_dict
from aggregator.store import open_store

EXIT_OK, EXIT_SOURCES_FAILED, EXIT_CONFIG, EXIT_BUILD, EXIT_LOCKED, EXIT_UNHEALTHY = (
    ExitCode.OK, ExitCode.SOURCES_FAILED, ExitCode.CONFIG, ExitCode.BUILD, ExitCode.LOCKED, ExitCode.UNHEALTHY
)  # fmt: skip
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("aggregator")


class Settings:
    def __init__(self, config_path: Path = DEFAULT_CONFIG, verbosity: int = 0) -> None:
        self.config_path = config_path
        self.verbosity = verbosity  # -1 quiet, 0 normal, 1 verbose

    def config(self) -> Config:
        return load_config(self.config_path)

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0


def handle_errors(command: F) -> F:
    """Map every error that ends a command to its exit code (``aggregator.cli.exits``) and one
    clear message on stderr, even under --quiet; the traceback of a bug only under --verbose."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own: usage errors and the like, already worded and coded by click
        except (Exception, KeyboardInterrupt) as exc:
            outcome = outcome_of(exc)
            if outcome.code is ExitCode.INTERNAL:
                log.debug("the traceback of the unexpected error", exc_info=True)
            _fail(outcome.message, outcome.code)

    return wrapper  # type: ignore[return-value]


def _fail(message: str, code: int) -> None:
    click.echo(f"aggregator: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=help_epilog())
@click.version_option(__version__, prog_name="aggregator")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CONFIG,
    envvar="AGGREGATOR_CONFIG",
    show_default=True,
    help="The sources.yaml to use (or set AGGREGATOR_CONFIG).",
)
@click.option("--verbose", "-v", is_flag=True, help="Say more: debug logging, every request.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors and warnings; no progress bars (for cron).")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, verbose: bool, quiet: bool) -> None:
    """Follow a conference you could not attend: gather its hashtag posts from Bluesky,
    Mastodon and blogs, file each live-thread under its session, publish a static digest."""
    verbosity = -1 if quiet else (1 if verbose else 0)
    _configure_logging(verbosity)
    ctx.obj = Settings(config_path, verbosity)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now, so log lines print above a live progress display."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _configure_logging(verbosity: int) -> None:
    level = {-1: logging.WARNING, 0: logging.INFO, 1: logging.DEBUG}[verbosity]
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity > 0 else logging.WARNING)
    # a job waiting for the write turn is "skipped" by APScheduler: coalescing, not a problem
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbosity > 0 else logging.ERROR)


def _override_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Settings).config_path = value


def _override_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        settings = ctx.ensure_object(Settings)
        settings.verbosity = -1 if param.name == "quiet" else 1
        _configure_logging(settings.verbosity)


def common_options(command: F) -> F:
    """Let the global options stand after the command too: `aggregator run --config x.yaml -q`."""
    for option in reversed(
        (
            click.option("--config", "-c", type=click.Path(path_type=Path, dir_okay=False), default=None,
                         expose_value=False, callback=_override_config, help="The sources.yaml to use."),
            click.option("--verbose", "-v", is_flag=True, expose_value=False, callback=_override_verbosity,
                         help="Say more: debug logging."),
            click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_override_verbosity,
                         help="Only errors and warnings (for cron)."),
        )
    ):  # fmt: skip
        command = option(command)
    return command


pass_settings = click.make_pass_decorator(Settings)
accept_programme_option = click.option(
    "--accept-programme",
    is_flag=True,
    help="Apply a downloaded programme even if it lost more than half the sessions of the saved copy.",
)


@cli.command()
@common_options
@accept_programme_option
@pass_settings
@handle_errors
def check(settings: Settings, accept_programme: bool) -> None:
    """Validate sources.yaml and the programme (a remote one is downloaded, the saved copy left
    as it is); print a summary. No network for posts."""
    click.echo(describe_text(runs.describe(settings.config(), accept_programme=accept_programme)))


def describe_text(described: runs.Description) -> str:
    tags = ", ".join("#" + t for t in described.hashtags)
    lines = [
        f"config:     {described.config_path}",
        f"conference: {described.name} ({tags}; {described.timezone})",
        f"programme:  {described.sessions} sessions in {len(described.rooms)} rooms over {len(described.days)} days",
    ]
    if described.programme_is_remote:
        used = "downloaded now" if described.programme_origin == "download" else "the saved copy was used"
        lines.append(f"            from {described.programme} ({used})")
    if described.zone_note:
        lines.append(f"time zone:  {described.zone_note}")
    lines.extend(f"warning:    {note}" for note in described.programme_notes)
    if described.start and described.end:
        lines.append(f"time span:  {described.start.isoformat()} to {described.end.isoformat()}")
    lines.append(f"sources:    {len(described.sources)}")
    lines.extend(f"  - {s.label}{'' if s.enabled else ' (disabled)'}" for s in described.sources)
    lines.append(f"output:     {described.output}")
    lines.append(f"data:       {described.data_dir}")
    lines.extend(f"warning:    {warning}" for warning in described.warnings)
    return "\n".join(lines)



@cli.command()
@common_options
@accept_programme_option
@click.argument("sources", nargs=-1)
@pass_settings
@handle_errors
def collect(settings: Settings, sources: tuple[str, ...], accept_programme: bool) -> None:
    """Fetch new posts from every source (or only the named SOURCES) into the store."""
    config = settings.config()
    with ProgressDisplay(enabled=not settings.quiet) as display:
        report = runs.collect(config, only=sources, progress=display.update, accept_programme=accept_programme)
    sys.exit(EXIT_SOURCES_FAILED if report.failed else EXIT_OK)


@cli.command()
@common_options
@pass_settings
@handle_errors
def build(settings: Settings) -> None:
    """Render the site from the store into the output folder (atomically)."""
    config = settings.config()
    report = runs.build(config)
    _say_built(settings, config, report)


@cli.command()
@common_options
@accept_programme_option
@pass_settings
@handle_errors
def run(settings: Settings, accept_programme: bool) -> None:
    """Collect, then build: the job to run from cron. Exit 1 if a source failed."""
    config = settings.config()
    with ProgressDisplay(enabled=not settings.quiet) as display:
        report = runs.run(config, progress=display.update, accept_programme=accept_programme)
    _say_built(settings, config, report.built)
    sys.exit(EXIT_SOURCES_FAILED if report.failed else EXIT_OK)


def _say_built(settings: Settings, config: Config, report: pipeline.BuildReport) -> None:
    if settings.quiet:
        return
    if report.skipped:
        click.echo(f"nothing changed since the last build: {config.output} left as it is ({report.site.pages} pages)")
    else:
        click.echo(f"site written to {config.output} ({report.site.pages} pages)")


@cli.command()
@common_options
@pass_settings
@handle_errors
def schedule(settings: Settings) -> None:
    """Run unattended: collect each source at its own pace, build after changes, publish.
    SIGTERM or Ctrl-C stops it within 10 s (exit 0)."""
    from aggregator.listening import live_services
    from aggregator.schedule import Daemon

    stop = threading.Event()
    config = settings.config()
    pipeline.require_sources(config)
    daemon = Daemon(config, services=live_services(config))  # the sources with `live: true`

    def stopping(*_: object) -> None:
        stop.set()
        daemon.request_stop()

    for number in STOP_SIGNALS:
        signal.signal(number, stopping)
    if not daemon.start():
        return  # stopped while waiting for a run's lock
    while not stop.wait(0.5):
        pass
    if not daemon.stop(timeout=8.0):
        logging.shutdown()
        os._exit(EXIT_OK)  # a step is still under way: abandon it (its transaction rolls back)


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON, for scripts.")
@click.option("--runs", "-n", default=10, show_default=True, help="How many of the latest runs to show.")
@pass_settings
@handle_errors
def status(settings: Settings, as_json: bool, runs: int) -> None:
    """Each source's health, the scheduler's next runs, the latest runs and publish. Exit 5 when
    a source has been failing for longer than `health.max_failing`."""
    from rich.console import Console

    from aggregator.cli.status_view import print_status, status_json
    from aggregator.status import status as read_status

    found = read_status(settings.config(), runs=runs)
    if as_json:
        click.echo(status_json(found))
    else:
        print_status(found, Console(width=160 if not sys.stdout.isatty() else None))
    sys.exit(EXIT_UNHEALTHY if found.unhealthy else EXIT_OK)


@cli.command()
@common_options
@click.option("--port", "-p", default=8000, show_default=True, help="Port to listen on.")
@click.option("--bind", "-b", default="127.0.0.1", show_default=True, help="Address to listen on.")
@pass_settings
@handle_errors
def serve(settings: Settings, port: int, bind: str) -> None:
    """Preview the built site on http://BIND:PORT/ (Ctrl-C stops)."""
    from aggregator.cli.preview import serve_folder

    config = settings.config()
    if not config.output.is_dir():
        raise NoSiteError(f"{config.output} does not exist yet: run `aggregator build` first")
    serve_folder(config.output, bind, port, announce=click.echo)


@cli.command()
@common_options
@click.option("--debounce", default=5.0, show_default=True, help="Seconds of quiet after a change before the site is rebuilt.")
@pass_settings
@handle_errors
def listen(settings: Settings, debounce: float) -> None:
    """Follow the event streams of the `live: true` sources until SIGINT/SIGTERM, storing what
    they bring and rebuilding the site a few seconds after each change."""
    from aggregator.listening import listen as listen_until

    stop = threading.Event()
    for number in STOP_SIGNALS:
        signal.signal(number, lambda *_: stop.set())
    listen_until(settings.config(), stop, quiet=debounce)


@cli.command()
@common_options
@click.argument("source")
@click.option("--limit", "-n", default=20, show_default=True, help="How many posts to print (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a readable summary.")
@pass_settings
@handle_errors
def dump(settings: Settings, source: str, limit: int, as_json: bool) -> None:
    """Print what SOURCE (its name, as `check` lists it) yields, without storing anything."""
    config = settings.config()
    result = pipeline.dry_collect(config, config.source(source))
    posts = result.posts if limit == 0 else result.posts[:limit]
    for post in posts:
        if as_json:
            click.echo(json.dumps(post_to_dict(post), ensure_ascii=False))
        else:
            click.echo(f"{post.created_at.isoformat()}  {post.author.handle}  {post.id}\n    {post.text[:200]!r}")
    click.echo(
        f"{len(result.posts)} posts, {len(result.deleted)} deleted or opted out; {'; '.join(result.notes)}", err=True
    )


@cli.command()
@common_options
@click.argument("post_id")
@pass_settings
@handle_errors
def explain(settings: Settings, post_id: str) -> None:
    """Show why the thread holding POST_ID was filed where it was: candidates and signals."""
    from aggregator.assignment import explain as explain_placement

    config = settings.config()
    with open_store(config) as store:
        digest = pipeline.make_digest(config, pipeline.configured_posts(config, store.posts()))
    click.echo(explain_placement(post_id, digest.placements, digest.sessions))
    click.echo(digest.clock.describe())


@cli.command()
@common_options
@click.argument("set_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--output", "-o", "output", type=click.Path(path_type=Path, file_okay=False), help="Keep the built site here."
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option(
    "--timezone",
    "timezone",
    metavar="ZONE",
    help="The conference's IANA time zone, for a programme that names none (default: the programme's, else UTC).",
)
@pass_settings
@handle_errors
def evaluate(settings: Settings, set_dir: Path, output: Path | None, as_json: bool, timezone: str | None) -> None:
    """Run the whole pipeline on an evaluation set (programme + saved captures) and score it."""
    from aggregator.evaluation.run import evaluate_set

    with tempfile.TemporaryDirectory(prefix="aggregator-eval-") as workdir:
        result = evaluate_set(set_dir, Path(workdir), output=output, timezone=timezone)
    if as_json:
        click.echo(json.dumps(asdict(result.metrics) if result.metrics else {}, indent=2))
    else:
        click.echo(result.text)


def main() -> None:
    cli(prog_name="aggregator")
