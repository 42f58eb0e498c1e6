"""The API reference site and the typing of the public API, as CI checks them.

* ``mkdocs build --strict`` builds the site (the guide in ``docs/`` and one API page per
  namespace, from the docstrings) and fails on any warning: a broken link, a docstring
  parameter that is not in the signature, an unknown page;
* ``mypy`` checks the package's face strictly (the files and settings are in
  ``pyproject.toml``, ``[tool.mypy]``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

import impact

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def _nav_pages(items) -> list[str]:
    pages = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return pages


def test_every_namespace_and_guide_page_is_in_the_site():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    pages = _nav_pages(config["nav"])
    for namespace in impact.NAMESPACES:
        page = f"api/{namespace}.md"
        assert page in pages, f"mkdocs.yml has no API page for impact.{namespace}"
        assert f"::: impact.{namespace}" in (ROOT / "docs" / page).read_text(encoding="utf-8")
    guide = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert [name for name in guide if name not in pages] == []


def test_site_builds_without_warnings(tmp_path):
    run = _run(sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "api" / "rct" / "index.html").is_file()


def test_public_api_is_strictly_typed(tmp_path):
    run = _run(sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"))
    assert run.returncode == 0, run.stdout + run.stderr
