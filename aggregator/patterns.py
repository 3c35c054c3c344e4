"""Regular expressions a curator writes in sources.yaml, checked when the file is read."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator


def checked_pattern(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
    return pattern


RegexPattern = Annotated[str, AfterValidator(checked_pattern)]
