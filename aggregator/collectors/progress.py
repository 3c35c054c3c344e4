"""What one kind of collector remembers between runs, beyond the columns every source has.

Each collector kind declares a small frozen dataclass (``Collector.Progress``); the store keeps
it as JSON in ``source_state.extra`` and reads it back by the row's ``type``. Reading is by field
name and forgiving, so rows written before the dataclasses existed (the same keys at the top of
an untyped dict) still read, and a value of the wrong shape costs only itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import MISSING, dataclass
from typing import Any, Self


@dataclass(frozen=True)
class CollectorProgress:
    """Base of the per-collector progress dataclasses; fields need defaults of JSON types."""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        values = {}
        for spec in dataclasses.fields(cls):
            default = spec.default_factory() if spec.default_factory is not MISSING else spec.default
            value = data.get(spec.name)
            if value is not None and isinstance(value, type(default)):
                values[spec.name] = value
        return cls(**values)

    @classmethod
    def of(cls, progress: CollectorProgress | None) -> Self:
        """``progress`` when it is this kind's, else a fresh start."""
        return progress if isinstance(progress, cls) else cls()
