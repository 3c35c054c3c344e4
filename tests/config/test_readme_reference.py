"""The README documents every command, option and sources.yaml key, and CI runs its test command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import get_args

import click
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from aggregator.cli.app import cli
from aggregator.collectors import load_builtin_collectors
from aggregator.config.model import Config, load_config
from aggregator.config.readme_reference import BEGIN, END, config_reference, documented_keys
from tests.paths import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|bash|console)?\n(.+?)\n```", section, flags=re.S)


def test_every_command_and_option_is_in_the_readme() -> None:
    missing = []
    for name, command in cli.commands.items():
        if f"aggregator {name}" not in README:
            missing.append(f"command {name}")
        for param in command.params:
            documented = any(opt in README for opt in param.opts if opt.startswith("--"))
            if isinstance(param, click.Option) and not documented:
                missing.append(f"{name} {param.opts[0]}")
    for param in cli.params:
        if isinstance(param, click.Option) and not any(o in README for o in param.opts if o.startswith("--")):
            missing.append(f"global {param.opts[0]}")
    assert not missing, f"undocumented in README.md: {missing}"


def test_sources_yaml_reference_is_generated_from_the_schema() -> None:
    block = README.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert block == config_reference().strip(), "run: python -m aggregator.config.readme_reference README.md"


def model_fields_by_key(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every field of ``model`` and of the models inside it, walked here from pydantic itself rather
    than through the generator the sibling test checks, so that this test fails on its own."""
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        yield f"{prefix}{name}", field
        for inner in (field.annotation, *get_args(field.annotation)):
            if isinstance(inner, type) and issubclass(inner, BaseModel) and name != "sources":
                yield from model_fields_by_key(inner, f"{prefix}{name}.")


def every_config_field() -> list[tuple[str, FieldInfo]]:
    fields = list(model_fields_by_key(Config))
    for collector in load_builtin_collectors().values():
        fields += [(key, field) for key, field in model_fields_by_key(collector.Options) if key != "type"]
    return fields


def test_every_config_key_has_a_description_and_a_readme_entry() -> None:
    fields = every_config_field()
    assert len(fields) > 50  # the walk really reached the nested sections and every collector
    undescribed = [key for key, field in fields if not (field.description or "").strip()]
    missing = [key for key, _ in fields if f"| `{key}` |" not in README]
    assert not undescribed, f"config fields without a description: {undescribed}"
    assert not missing, f"config keys without a row in the README reference: {missing}"


def test_the_generator_documents_every_field_of_the_model() -> None:
    assert documented_keys() == {key for key, _ in every_config_field()}


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2, commands
    install_and_run, install_and_test = commands
    assert "aggregator run --config examples/" in install_and_run
    assert install_and_test in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_bundled_sources_yaml_is_valid() -> None:
    config = load_config(REPO / "sources.yaml")
    assert config.sources
