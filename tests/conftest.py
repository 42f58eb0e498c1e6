"""Fixtures shared by the whole suite (one instance per session, or per xdist worker).

Expensive end-to-end fixtures are built once per session and shared by every test that asks
for them. Under pytest-xdist a session fixture is built once per *worker*: the tests sharing
one are put in one group (:data:`SHARED`, ``--dist loadgroup``) so it is built once.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory) -> Path:
    """``impact demo --no-render`` once per session: inputs, bundles and analyst-only tables.

    Read-only: copy what a test must change. The modules using it are in the ``demo`` group
    of :data:`SHARED`, so that one xdist worker builds it.
    """
    from regression.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "out")


#: Tests put into a marked group here rather than in their files (a module path marks all its
#: tests). The fast loop (scripts/test-fast.sh) leaves out ``e2e``, ``slow`` and ``quarto``;
#: scripts/test.sh runs everything. Marks written in the test files themselves still count.
MARKS: dict[str, str] = {
    # a local Spark session (JVM) and Spark jobs: minutes on two cores
    "tests/test_engines_spark.py": "slow",
    # ``impact run`` end to end on pandas and on DuckDB
    "tests/test_engines_pipeline.py::test_impact_run_publishes_the_same_numbers_on_duckdb": "e2e",
    # ``impact run`` / ``impact rct`` end to end (bundles, reports) on small studies
    "tests/test_pipeline.py::test_cli_run_link_and_rct": "e2e",
    "tests/test_pipeline.py::test_run_without_rendering_writes_bundles_and_private_tables": "e2e",
    "tests/test_pipeline.py::test_run_renders_reports": "e2e",
    "tests/test_pipeline.py::test_failed_run_leaves_previous_output_untouched": "e2e",
    "tests/test_pipeline.py::test_randomised_study_gets_every_analysis": "e2e",
    # rendering reports (Jupyter kernels, Pandoc, Typst) in every format, in worker processes
    "tests/test_report_render.py::test_every_template_renders_in_every_format": "e2e",
    "tests/test_report_render.py::test_programme_key_numbers_in_html_pdf_docx": "e2e",
    "tests/test_report_render.py::test_rct_key_numbers_in_html_pdf_docx": "e2e",
    "tests/test_report_render.py::test_power_and_codebook_content": "e2e",
    "tests/test_report_render.py::test_round_report_and_round_check": "e2e",
    "tests/test_report_batch_cli.py::test_render_all_in_two_processes_continues_past_a_failure": (
        "e2e"
    ),
    "tests/test_report_batch_cli.py::test_cli_all_summarises_failures_with_nonzero_exit": "e2e",
    # whole studies read in chunks of 2-3 rows: every catalogue case, every survey tool
    "tests/test_ingest_chunks.py::test_catalogue_cases_in_chunks": "slow",
    "tests/test_ingest_chunks.py::test_survey_tool_exports_in_chunks": "slow",
    # whole pipeline runs through the installed script (also marked slow in their files)
    "tests/test_atomic_outputs.py": "e2e",
    "tests/test_determinism.py": "e2e",
    "tests/test_output_signals.py": "e2e",
    "tests/test_privacy_run.py": "e2e",
}

#: xdist groups of tests sharing one per-process fixture across modules: one worker runs them
#: (any other module is a group of its own). ``xdist_group`` marks in test files are not read.
SHARED: dict[str, str] = {
    # bad_inputs.pipeline_runs: two small studies, each run twice through ``impact run``
    "tests/test_atomic_outputs.py": "pipeline-runs",
    "tests/test_determinism.py": "pipeline-runs",
    "tests/test_privacy.py::test_every_published_output_of_the_demo_is_private": "pipeline-runs",
    "tests/test_privacy.py::test_the_guard_finds_a_code_planted_in_a_real_output": "pipeline-runs",
    "tests/test_privacy.py::test_a_round_gender_cell_of_three_is_refused": "pipeline-runs",
    # the demo_output fixture: ``impact demo --no-render``
    "tests/test_regression_demo.py": "demo",
    # report_fixtures.build_bundles: analyses and bundles of every kind
    "tests/test_report_bundle.py": "report-bundles",
    "tests/test_report_batch_cli.py": "report-bundles",
    "tests/test_report_render.py": "report-bundles",
    "tests/test_report_matrix.py": "report-bundles",
}


def _lookup(table: dict[str, str], nodeid: str) -> str | None:
    """A test's entry in ``table``: its own (``path::name``, any parameters), else its module's."""
    path, _, rest = nodeid.partition("::")
    name = rest.split("[", 1)[0]
    return table.get(f"{path}::{name}") or table.get(path)


def _check_tables(items: list[pytest.Item]) -> None:
    """Every ``path::name`` entry of :data:`MARKS` and :data:`SHARED` names a test that exists.

    Checked for the modules collected (a test renamed must be renamed here too).
    """
    modules = {item.nodeid.split("::", 1)[0]: getattr(item, "module", None) for item in items}
    stale = [
        key
        for key in {**MARKS, **SHARED}
        if "::" in key
        and key.split("::", 1)[0] in modules
        and not hasattr(modules[key.split("::", 1)[0]], key.split("::")[1])
    ]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py names tests that do not exist: {stale}")


def xdist_group_of(nodeid: str) -> str:
    """The xdist group of a test: its :data:`SHARED` entry, else its module."""
    return _lookup(SHARED, nodeid) or nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadgroup`` (scripts/test.sh) by :func:`xdist_group_of`: a module, or a group of
    :data:`SHARED`, runs on one worker, so its module- and session-scoped fixtures are built once.

    pytest-xdist 3.8 sends grouped tests by renaming their node ids, which pytest 9 ignores
    (every test then goes its own way), so the groups are read from the node ids here.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group_of(nodeid)

    return GroupScheduling(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`MARKS`.

    Runs before ``-m`` deselects, so these marks select as if written in the test files.
    """
    _check_tables(items)
    for item in items:
        mark = _lookup(MARKS, item.nodeid)
        if mark is not None:
            item.add_marker(mark)
