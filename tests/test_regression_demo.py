"""The demo's bundles, tables and reports are unchanged byte for byte (issue 21's regression).

Compared against the reference in ``tests/regression`` made before the redesign (commit
222ba6c; see :mod:`regression.demo`). Regenerate it (``tests/regression/make_reference.py``)
only when a change in the numbers is intended.
"""

from __future__ import annotations

import pytest

from regression.demo import (
    compare_outputs,
    compare_report_texts,
    render_report_texts,
)

#: One worker runs this module (the "demo" group of tests/conftest.py SHARED).
pytestmark = pytest.mark.e2e


def _report(problems: list[str]) -> str:
    return f"{len(problems)} difference(s) from the reference:\n" + "\n".join(problems)


def test_every_demo_output_file_is_unchanged(demo_output):
    problems = compare_outputs(demo_output)
    assert not problems, _report(problems)


def test_report_texts_are_unchanged(demo_output, tmp_path):
    problems = compare_report_texts(render_report_texts(demo_output, tmp_path))
    assert not problems, _report(problems)
