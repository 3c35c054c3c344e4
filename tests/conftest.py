"""Fixtures shared by every test module; each folder's conftest.py holds its area's."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a sources.yaml (dedented) into a temporary folder and return its path."""

    def write(text: str, name: str = "sources.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write
