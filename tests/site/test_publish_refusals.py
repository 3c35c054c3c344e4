"""Review: publishing into a symlinked, relative or fresh output folder, and who can read the result."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from aggregator.site.pages import render_site
from tests.site.builders import build_digest


def modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_output_that_is_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "www" / "c4l27"
    real.mkdir(parents=True)
    link = tmp_path / "output"
    link.symlink_to(real)

    render_site(build_digest(), link)
    render_site(build_digest(), link)  # the second build swaps a site that exists

    assert link.is_symlink() and link.resolve() == real
    assert (real / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "www"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["c4l27"]


def test_relative_output_on_first_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    render_site(build_digest(), Path("site/out"))
    render_site(build_digest(), Path("site/out"))
    assert (tmp_path / "site" / "out" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["out"]


def test_symlink_to_a_folder_not_built_yet(tmp_path: Path) -> None:
    link = tmp_path / "output"
    link.symlink_to(tmp_path / "www" / "c4l27")
    render_site(build_digest(), link)
    assert link.is_symlink() and (tmp_path / "www" / "c4l27" / "index.html").is_file()


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_published_site_is_world_readable(tmp_path: Path, umask: int) -> None:
    """mkdtemp makes its folder 0700: the published root must still be readable by a web server."""
    previous = os.umask(umask)
    try:
        render_site(build_digest(), tmp_path / "output")
        render_site(build_digest(), tmp_path / "output")
    finally:
        os.umask(previous)
    output = tmp_path / "output"
    unreadable = {
        name: oct(mode)
        for name, mode in modes(output).items()
        if mode & (0o005 if (output / name).is_dir() else 0o004) != (0o005 if (output / name).is_dir() else 0o004)
        or mode & 0o002
    }
    assert unreadable == {}
