"""Fixtures shared by the whole suite (one instance per session, or per xdist worker).

Expensive end-to-end fixtures are built once per session and shared by every test that asks
for them. Under pytest-xdist a session fixture is built once per *worker*: tests sharing one
are grouped with ``@pytest.mark.xdist_group`` (``--dist loadgroup``) so it is built once.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """``impact demo --no-render`` once per session: inputs, bundles and analyst-only tables.

    Read-only: copy what a test must change. Tests using it are marked
    ``pytest.mark.xdist_group(regression.demo.DEMO_GROUP)`` so one worker builds it.
    """
    from regression.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "out")


#: Tests put into a marked group here rather than in their files (a module path marks all its
#: tests). The fast loop (scripts/test-fast.sh) leaves out ``e2e``, ``slow`` and ``quarto``;
#: scripts/test.sh runs everything. Marks given in the test files themselves still count.
GROUPS: dict[str, str] = {
    # a local Spark session (JVM) and Spark jobs: minutes on two cores
    "tests/test_engines_spark.py": "slow",
    # ``impact run`` end to end on pandas and on DuckDB
    "tests/test_engines_pipeline.py::test_impact_run_publishes_the_same_numbers_on_duckdb": "e2e",
}


def _group_of(nodeid: str) -> str | None:
    """The mark :data:`GROUPS` gives a test: its own entry, else its module's."""
    path, _, rest = nodeid.partition("::")
    name = rest.split("[", 1)[0]
    return GROUPS.get(f"{path}::{name}") or GROUPS.get(path)


def _check_groups(items: list[pytest.Item]) -> None:
    """Every :data:`GROUPS` entry of a collected module names a test that exists."""
    modules = {item.nodeid.split("::", 1)[0] for item in items}
    tests = {item.nodeid.split("[", 1)[0] for item in items}
    stale = [
        key
        for key in GROUPS
        if "::" in key and key.split("::", 1)[0] in modules and key not in tests
    ]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py GROUPS names no collected test: {stale}")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`GROUPS`; keep each module on one xdist worker.

    With ``--dist loadgroup`` (scripts/test.sh) a test without an ``xdist_group`` gets its
    module's, so module-scoped fixtures are built once, not once per worker; tests sharing a
    session fixture across modules name one group (e.g. :data:`regression.demo.DEMO_GROUP`).
    Runs before ``-m`` deselects, so the marks added here select as if written in the file.
    """
    if not config.getoption("keyword") and not config.getoption("deselect"):
        _check_groups(items)
    for item in items:
        group = _group_of(item.nodeid)
        if group is not None:
            item.add_marker(group)
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
