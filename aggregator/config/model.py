"""`sources.yaml`: the curator's one file, validated into a frozen :class:`Config`.

Errors name the file, the line, the key path and what was expected, and suggest the
closest valid key for a misspelt one. Relative paths resolve against the file's folder.
"""

from __future__ import annotations

import difflib
import shlex
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from aggregator.assignment.settings import AssignmentSettings
from aggregator.collectors import SourceOptions, load_builtin_collectors, normalize_tag
from aggregator.config.located_yaml import Location, YamlDocument, read_yaml
from aggregator.curation import OverridesConfig
from aggregator.durations import Duration
from aggregator.errors import ConfigError
from aggregator.http import NetworkSettings
from aggregator.programme import PROGRAMME_FORMATS, InlineSession
from aggregator.site.publish import output_conflict
from aggregator.store.identity import ConferenceIdentity, recorded_conference
from aggregator.store.sqlite import DATABASE_NAME

DEFAULT_CONFIG = Path("sources.yaml")
LEGACY_DATA_DIR = Path(".aggregator")


class ConferenceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The conference's name, shown on every page and feed.")
    hashtags: tuple[str, ...] = Field(
        min_length=1, description="Hashtags that mark its posts, e.g. `[\"#c4l27\"]`; matched case-insensitively."
    )
    timezone: str = Field("UTC", description="IANA time zone of the venue, e.g. `America/Chicago`; times show in it.")
    site_url: str = Field("", description="Public address of the published site, for absolute links in feeds.")
    description: str = Field("", description="One line shown under the conference name.")
    start: str = Field("", description="First day (YYYY-MM-DD) when there is no programme; else taken from it.")
    end: str = Field("", description="Last day (YYYY-MM-DD) when there is no programme; else taken from it.")
    contact: str = Field(
        "",
        description="How readers ask for a post's removal (an e-mail address or a web page), shown on the about page.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; expected an IANA name such as 'Europe/Berlin'") from None
        return value

    @field_validator("hashtags")
    @classmethod
    def _clean_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(normalize_tag(t) for t in tags)
        if not all(cleaned):
            raise ValueError("a hashtag cannot be empty")
        return cleaned

    @field_validator("start", "end")
    @classmethod
    def _iso_date(cls, value: str) -> str:
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"expected a date such as 2027-03-02, got {value!r}") from None
        return value

    @field_validator("site_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http(s) address such as 'https://example.org/c4l27/'")
        return value if not value or value.endswith("/") else value + "/"


class HealthSettings(BaseModel):
    """`health:` in sources.yaml: when `aggregator status` calls a source unhealthy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_failing: Duration = Field(
        "1h",  # type: ignore[assignment]  # validated into a timedelta
        validate_default=True,
        description="How long a source may keep failing before `aggregator status` exits 7, e.g. `30m`.",
    )


class PublishSettings(BaseModel):
    """`publish:` in sources.yaml: the command that copies a fresh site to where it is served."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(
        "",
        description="Run after each successful build, e.g. `rsync -a --delete output/ host:/var/www/c4l/`; split "
        "like a shell line but run without a shell (write `sh -c '...'` for pipes). `publish: CMD` is short for it.",
    )
    timeout: Duration = Field(
        "10m",  # type: ignore[assignment]  # validated into a timedelta
        validate_default=True,
        description="How long the command may take before it is stopped and recorded as failed.",
    )

    @field_validator("command")
    @classmethod
    def _splittable(cls, value: str) -> str:
        try:
            shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"expected a command line, split like a shell's: {exc}") from None
        return value.strip()


class Config(BaseModel):
    """The whole of sources.yaml. ``base_dir`` is the folder the file is in."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    conference: ConferenceConfig = Field(description="Who and when: name, hashtags, time zone, site address.")
    programme: str = Field(
        "",
        description="The programme: a path or URL to frab XML, frab/pretalx JSON (schedule.json), iCalendar (Sched, "
        "Indico...), Sessionize JSON (https://sessionize.com/api/v2/ID/view/All), a CSV table, or a pretalx API "
        "address (https://HOST/api/events/SLUG/).",
    )
    programme_format: str = Field(
        "auto",
        description=f"The programme's format when telling it by content is not wanted: one of {', '.join(PROGRAMME_FORMATS)}.",
    )
    sessions: tuple[InlineSession, ...] = Field((), description="Sessions written inline, added to the programme's.")
    sources: tuple[SourceOptions, ...] = Field((), description="Where posts come from; see the source types below.")
    output: Path = Field(Path("output"), description="Folder the site is published into (replaced atomically).")
    data_dir: Path = Field(
        Path(".aggregator"),
        description="Folder for the database and saved logins. Unset: `.aggregator/NAME/`, NAME being the config "
        "file's without `.yaml` (`.aggregator/sources/`), or `.aggregator` itself where it already holds this "
        "conference's store.",
    )
    store: str = Field(
        "sqlite",
        description="Where posts are stored: `sqlite` (a file in `data_dir`) or a PostgreSQL URL "
        "`postgresql://user@host/database`, for collectors on several machines; $AGGREGATOR_STORE overrides it. "
        "Keep a password out of this file: use ~/.pgpass or $PGPASSWORD.",
    )
    templates: Path | None = Field(None, description="Folder of your own Jinja2 templates overriding the built-in ones.")
    assignment: AssignmentSettings = Field(AssignmentSettings(), description="Tuning of the session assignment.")
    overrides: OverridesConfig = Field(
        OverridesConfig(), description="Curator control (pin, hide, block, exclude), or the path of a YAML file with it."
    )
    network: NetworkSettings = Field(
        NetworkSettings(), description="Time and size limits on every server (a hostile one cannot hold a run)."
    )
    health: HealthSettings = Field(HealthSettings(), description="When a failing source counts as unhealthy.")
    publish: PublishSettings = Field(
        PublishSettings(), description="A command run after each successful build, or `{command, timeout}`."
    )
    base_dir: Path = Field(Path("."), exclude=True, description="(set by the loader) the config file's folder")
    config_path: Path | None = Field(None, exclude=True, description="(set by the loader) the config file")

    @field_validator("programme_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in PROGRAMME_FORMATS:
            hint = _closest(value, list(PROGRAMME_FORMATS))
            suggestion = hint if hint.startswith("; did you mean") else ""
            raise ValueError(f"unknown programme format {value!r}; expected one of {', '.join(PROGRAMME_FORMATS)}{suggestion}")
        return value

    @field_validator("publish", mode="before")
    @classmethod
    def _command_alone(cls, value: Any) -> Any:
        return {"command": value} if isinstance(value, str) else value

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        value = value.strip()
        if value != "sqlite" and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("expected 'sqlite' or a URL such as 'postgresql://backchannel@db.example/c4l27'")
        return value

    def source(self, label: str) -> SourceOptions:
        for source in self.sources:
            if source.label() == label:
                return source
        known = ", ".join(s.label() for s in self.sources) or "none"
        raise ConfigError(f"no source named {label!r}; configured sources: {known}")


def load_config(path: Path = DEFAULT_CONFIG) -> Config:
    path = Path(path)
    document = read_yaml(path)
    if not isinstance(document.data, dict):
        raise ConfigError(f"{path}:1: expected a mapping with at least 'conference' and 'sources'")
    data = dict(document.data)
    data["overrides"] = _read_overrides(document, data.get("overrides"))
    data["sources"], problems = _validate_sources(document, data.get("sources") or [])
    data["base_dir"] = path.resolve().parent
    data.setdefault("data_dir", _default_data_dir(path.resolve(), data.get("conference")))
    data["config_path"] = path.resolve()
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems.insert(0, _format_errors(exc, document, Config))
    if problems:
        raise ConfigError("\n".join(problems))
    resolved = _resolve_paths(config)
    _check_output(resolved, document)
    return resolved


def _default_data_dir(path: Path, conference: Any) -> Path:
    """``.aggregator/<config stem>/`` beside the file; the older shared ``.aggregator`` while it
    holds this conference's store (or a store that names no conference yet)."""
    legacy = path.parent / LEGACY_DATA_DIR
    if (legacy / DATABASE_NAME).is_file():
        recorded = recorded_conference(legacy / DATABASE_NAME)
        wanted = _identity(conference)
        if recorded is None or wanted is None or recorded.same_as(wanted):
            return legacy
    return legacy / path.stem


def _identity(conference: Any) -> ConferenceIdentity | None:
    try:
        validated = ConferenceConfig.model_validate(conference)
    except ValidationError:
        return None  # reported with its line by the validation proper
    return ConferenceIdentity(validated.name, validated.hashtags)


def _check_output(config: Config, document: YamlDocument) -> None:
    """Refuse an output the published site would destroy (Pelican refuses to clean a parent of its content)."""
    saved = {f"the saved answers of source {s.label()!r}": s.path for s in config.sources if s.path is not None}
    protected = {"the folder of this configuration": config.base_dir, "the data folder": config.data_dir, **saved}
    if config.templates is not None:
        protected["the templates folder"] = config.templates
    inside_forbidden = {"the data folder": config.data_dir, **saved}
    problem = output_conflict(config.output, protected, inside_forbidden)
    if problem:
        raise ConfigError(f"{document.describe(('output',))}: {problem}")


def source_union() -> Any:
    models = tuple(cls.Options for cls in load_builtin_collectors().values())
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


def _validate_sources(document: YamlDocument, raw: Any) -> tuple[list[SourceOptions], list[str]]:
    """The valid sources, and a message for each invalid one."""
    if not isinstance(raw, list):
        return [], [f"{document.describe(('sources',))}: sources: expected a list of sources (`- type: ...`)"]
    adapter = TypeAdapter(source_union())
    types = sorted(load_builtin_collectors())
    sources, problems = [], []
    for index, item in enumerate(raw):
        location: Location = ("sources", index)
        if not isinstance(item, dict) or item.get("type") not in types:
            got = item.get("type") if isinstance(item, dict) else item
            hint = _closest(str(got), types)
            problems.append(
                f"{document.describe((*location, 'type'))}: sources[{index}].type: "
                f"expected one of {', '.join(types)}, got {got!r}{hint}"
            )
            continue
        try:
            sources.append(adapter.validate_python(item))
        except ValidationError as exc:
            model = load_builtin_collectors()[item["type"]].Options
            problems.append(_format_errors(exc, document, model, prefix=location, skip_tag=True))
    return sources, problems


def _read_overrides(document: YamlDocument, raw: Any) -> Any:
    """`overrides:` may be the keys themselves or the path of a YAML file holding them."""
    if not isinstance(raw, str):
        return raw if raw is not None else {}
    path = (document.path.parent / raw).resolve()
    overrides = read_yaml(path)
    try:
        return OverridesConfig.model_validate(overrides.data or {})
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, overrides, OverridesConfig)) from None


def _resolve_paths(config: Config) -> Config:
    base = config.base_dir

    def resolve(value: Path | None) -> Path | None:
        return value if value is None else (base / value).resolve()

    sources = tuple(
        s.model_copy(update={"path": resolve(s.path)}) if s.path is not None else s for s in config.sources
    )
    programme = config.programme
    return config.model_copy(
        update={
            "output": resolve(config.output),
            "data_dir": resolve(config.data_dir),
            "templates": resolve(config.templates),
            "sources": sources,
            "programme": programme,
        }
    )


def _format_errors(
    exc: ValidationError,
    document: YamlDocument,
    model: type[BaseModel],
    prefix: Location = (),
    skip_tag: bool = False,
) -> str:
    messages = []
    for error in exc.errors():
        location = tuple(error["loc"][1:] if skip_tag else error["loc"])
        full = (*prefix, *location)
        key_path = _dotted(full)
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = f"unknown key{_closest(str(location[-1]), _field_names(model, location[:-1]))}"
        elif error["type"] == "missing":
            message = "required key is missing"
        else:
            message = f"{message} (got {error.get('input')!r})" if "input" in error else message
        messages.append(f"{document.describe(full)}: {key_path}: {message}")
    return "\n".join(messages)


def _field_names(model: type[BaseModel], location: Location) -> list[str]:
    """Valid keys at ``location`` inside ``model`` (for 'did you mean')."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) and issubclass(current, BaseModel) else None
        if field is None:
            return []
        current = _model_inside(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [name for name, f in current.model_fields.items() if not f.exclude]
    return []


def _model_inside(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_inside(arg)
        if found is not None:
            return found
    return None


def _closest(word: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if match:
        return f"; did you mean {match[0]!r}?"
    return f"; expected one of: {', '.join(candidates)}" if candidates else ""


def _dotted(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"
