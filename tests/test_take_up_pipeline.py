"""Take-up from a written randomisation list into the pipeline's analysis table, like arm."""

from __future__ import annotations

import pandas as pd
import pytest

from impact.ingest.take_up import TAKE_UP_COLUMNS, crossover_note
from impact.pipeline import prepare_study
from impact.synth import randomised_study


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    study = randomised_study(seed=12, n_randomised=150)
    return study, study.write(tmp_path_factory.mktemp("takeup") / "randomised")


def test_take_up_reaches_the_analysis_table(written):
    study, config = written
    table = prepare_study(config).table
    for column, dtype in zip(
        TAKE_UP_COLUMNS, ("boolean", "boolean", "Int64", "Int64"), strict=True
    ):
        assert str(table[column].dtype) == dtype, column
    assert not any(c.startswith("rand_") and c[5:] in TAKE_UP_COLUMNS for c in table.columns)
    rows = table[table["arm"].notna()].set_index("study_id")
    listed = study.tables["randomisation"].set_index("study_id").loc[rows.index]
    for column in TAKE_UP_COLUMNS:
        pd.testing.assert_series_equal(rows[column], listed[column], check_names=False)
    crossed = int((listed["started"] & (listed["arm"] == "control")).sum())
    note = crossover_note(rows.reset_index())
    assert crossed > 0 and note is not None and f"{crossed} of " in note
