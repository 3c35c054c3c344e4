"""YAML that remembers where every value came from, so errors can say `file:line: key.path`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aggregator.errors import ConfigError

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    lines: dict[Location, int]  # key path -> 1-based line of its value (or of its key, when missing)

    def line_of(self, location: Sequence[str | int]) -> int:
        """The line of the deepest part of ``location`` that exists in the file."""
        location = tuple(location)
        while location and location not in self.lines:
            location = location[:-1]
        return self.lines.get(location, 1)

    def describe(self, location: Sequence[str | int]) -> str:
        return f"{self.path}:{self.line_of(location)}"


# libyaml's loader when PyYAML was built with it: the same safe loading, about ten times faster
# (200 sources cost 0.5 s in the pure-Python one, at every run).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> YamlDocument:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=_SAFE_LOADER)
        if node is not None:
            _refuse_large_expansion(path, node)
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{line}: not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    lines: dict[Location, int] = {}
    if node is not None:
        _record_lines(path, node, (), lines)
    return YamlDocument(path=path, data=data, lines=lines)


MAX_EXPANDED_NODES = 100_000  # far more than any sources.yaml; an alias bomb expands to billions


def _refuse_large_expansion(path: Path, root: yaml.Node) -> None:
    """Count the nodes the document expands to (aliases followed), stopping at the limit: an alias
    bomb (9 levels of 9 aliases in 1 KB) is refused at once instead of filling the memory."""
    counts: dict[int, int] = {}  # node id -> expanded size, so shared anchors are counted, not walked

    def size(node: yaml.Node) -> int:
        if id(node) in counts:
            return counts[id(node)]
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise ConfigError(
                    f"{path}:{node.start_mark.line + 1}: refused: the document expands to more than "
                    f"{MAX_EXPANDED_NODES:,} values once its aliases (*name) are followed"
                )
        counts[id(node)] = total
        return total

    size(root)


def _record_lines(path: Path, node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen and key != "<<":
                raise ConfigError(f"{path}:{line}: duplicate key {key!r}: already given on line {seen[key]}")
            seen[key] = line
            child = (*location, key)
            _record_lines(path, value_node, child, lines)
            if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                lines[child] = key_node.start_mark.line + 1  # point at the key, not its first child
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(path, item, (*location, index), lines)
