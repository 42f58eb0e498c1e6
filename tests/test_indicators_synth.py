"""On the synthetic programme study the indicators equal the generator's truth exactly.

The panel is built from the canonical tables joined by the truth's response ids (so linking
errors cannot enter), with every true person: result non-respondents must get missing values.
"""

from __future__ import annotations

import pandas as pd
import pytest

from impact.indicators.compute import compute_indicators
from impact.synth import programme_study
from impact.synth.truth import INDICATORS


def _wave(table: pd.DataFrame, ids: pd.Series, prefix: str) -> pd.DataFrame:
    rows = table.set_index("response_id").reindex(ids.to_numpy())
    rows = rows.drop(columns=["link_code", "study_id"], errors="ignore")
    return rows.add_prefix(prefix).reset_index(drop=True)


@pytest.fixture(scope="module")
def study():
    synthetic = programme_study()  # the default study reproduces the published figures
    persons = synthetic.truth["persons"]
    panel = pd.concat(
        [
            persons[["round_id", "gender"]],
            _wave(synthetic.tables["baseline"], persons["response_baseline"], "b_"),
            _wave(synthetic.tables["result"], persons["response_result"], "r_"),
        ],
        axis=1,
    )
    panel.insert(0, "person_id", pd.array(persons["person"].astype(str), dtype="string"))
    panel.insert(1, "responded_b", persons["response_baseline"].notna().to_numpy())
    panel.insert(2, "responded_r", persons["response_result"].notna().to_numpy())
    return persons, compute_indicators(panel)


def test_every_true_indicator_is_recovered_for_every_respondent(study):
    persons, table = study
    answered = (
        persons["response_baseline"].notna() & persons["response_result"].notna()
    ).to_numpy()
    assert answered.sum() > 300
    for name in INDICATORS:
        ours = table.loc[answered, name].reset_index(drop=True)
        truth = persons.loc[answered, name].reset_index(drop=True)
        assert ours.notna().all(), name
        assert (ours == truth).all(), name
        assert ours.mean() == truth.mean(), name  # the shares match exactly


def test_attribution_indicators_follow_the_true_answers(study):
    persons, table = study
    answered = (
        persons["response_baseline"].notna() & persons["response_result"].notna()
    ).to_numpy()
    truth = persons[answered].reset_index(drop=True)
    ours = table[answered].reset_index(drop=True)
    for indicator, answer, population in [
        ("programme_contributed_job", "contributed_job", "got_job"),
        ("programme_contributed_internship", "contributed_internship", "got_internship"),
        ("programme_contributed_education", "contributed_education", "started_relevant_education"),
    ]:
        inside = truth[population].to_numpy(dtype=bool)
        assert ours.loc[~inside, indicator].isna().all(), indicator
        expected = (truth.loc[inside, answer] == "yes").to_numpy(dtype=bool)
        assert (ours.loc[inside, indicator].to_numpy(dtype=bool) == expected).all(), indicator


def test_result_non_respondents_get_missing_indicators(study):
    persons, table = study
    gone = persons["response_result"].isna().to_numpy()
    assert gone.sum() > 100
    assert table.loc[gone, list(INDICATORS)].isna().all().all()
