"""Bad input for design-based inference: the study file's ``randomisation:`` section and the
check that the observed assignment is one the declared procedure can produce."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from impact.analysis.rct import randomisation_test
from impact.analysis.rct.procedure import Declaration, RandomisationProcedure
from impact.errors import InputError
from impact.ingest.config import load_config

HEAD = "study: {name: X, design: randomised}\ninputs: {baseline: b.csv, randomisation: r.csv}\n"


def _load(tmp_path: Path, section: str):
    path = tmp_path / "study.yaml"
    path.write_text(HEAD + section, encoding="utf-8")
    return load_config(path)


def test_randomisation_section_loads_and_round_trips(tmp_path):
    config = _load(
        tmp_path,
        "randomisation:\n  procedure: blocked_and_clustered\n  blocks: round_id\n"
        "  clusters: coach\n  probability: 0.4\n  block_probabilities: {R01: 0.5}\n",
    )
    section = config.randomisation
    assert (section.procedure, section.blocks, section.clusters) == (
        "blocked_and_clustered", "round_id", "coach",
    )  # fmt: skip
    assert section.block_probabilities == {"R01": 0.5}
    again = tmp_path / "again.yaml"
    config.dump(again)
    assert load_config(again).randomisation == section
    assert _load(tmp_path, "").randomisation is None


@pytest.mark.parametrize(
    ("section", "needles"),
    [
        ("randomisation: {procedure: clustered}\n", ["randomisation.clusters", "cluster column"]),
        ("randomisation: {procedure: blocked, blocks: null}\n", ["randomisation.blocks"]),
        ("randomisation: {procedure: stratified}\n", ["randomisation.procedure", "blocked"]),
        ("randomisation: {probability: 1.5}\n", ["randomisation.probability"]),
        ("randomisation: {procedure: complete, block_probabilities: {A: 0.5}}\n",
         ["block_probabilities", "only for blocked"]),
        ("randomisation: {procdure: blocked}\n", ["procdure", "procedure"]),
    ],
)  # fmt: skip
def test_bad_randomisation_section_names_the_key_and_the_fix(tmp_path, section, needles):
    with pytest.raises(InputError) as info:
        _load(tmp_path, section)
    for needle in needles:
        assert needle in str(info.value)


def _trial(treated_a: int = 3) -> pd.DataFrame:
    arm = ["treatment"] * treated_a + ["control"] * (6 - treated_a) + ["treatment", "control"] * 4
    return pd.DataFrame(
        {"arm": arm, "stratum": ["A"] * 6 + ["B"] * 8,
         "coach": [f"k{i // 2}" for i in range(14)], "y": [True, False] * 7}
    )  # fmt: skip


def test_counts_not_matching_the_declared_probability_name_block_counts_and_fix():
    with pytest.raises(InputError) as info:
        RandomisationProcedure.from_data(_trial(4), Declaration("blocked", probability=0.5))
    text = str(info.value)
    assert "block A: 4 of 6 people treated" in text
    assert "expected 3 treated (probability 0.5)" in text
    assert "fix:" in text and "randomisation:" in text
    # with the probability the study really used, or with observed counts, it is accepted
    RandomisationProcedure.from_data(
        _trial(4), Declaration("blocked", block_probabilities={"A": 2 / 3, "B": 0.5})
    )
    RandomisationProcedure.from_data(_trial(4), Declaration("blocked", probability=None))


def test_a_fractional_expected_count_accepts_floor_or_ceiling():
    data = _trial(3).iloc[:5]  # block A of 5 with 3 treated: 2.5 expected -> 2 or 3
    RandomisationProcedure.from_data(data, Declaration("blocked", probability=0.5))
    data = _trial(1).iloc[:5]
    with pytest.raises(InputError, match="expected 2 or 3 treated"):
        RandomisationProcedure.from_data(data, Declaration("blocked", probability=0.5))


def test_cluster_split_across_arms_is_named():
    data = _trial(3)  # coach k1 has rows 2 (treatment) and 3 (control)
    with pytest.raises(InputError) as info:
        randomisation_test(
            data, ["y"], procedure=Declaration("clustered", blocks=None, clusters="coach")
        )
    text = str(info.value)
    assert "cluster k1" in text and "one of the arms" in text and "split" in text


def test_cluster_across_blocks_is_named():
    data = _trial(3).assign(arm=lambda d: np.where(d["coach"].isin(["k0", "k3"]), "treatment",
                                                   "control"))  # fmt: skip
    data.loc[[6, 7], "coach"] = "k2"  # k2 now has rows in blocks A and B
    data.loc[[4, 5, 6, 7], "arm"] = "control"
    with pytest.raises(InputError, match="one of the blocks for every person in a cluster"):
        RandomisationProcedure.from_data(
            data, Declaration("blocked_and_clustered", clusters="coach", probability=None)
        )


def test_unknown_block_probability_and_missing_columns():
    with pytest.raises(InputError, match="names block"):
        RandomisationProcedure.from_data(
            _trial(), Declaration("blocked", block_probabilities={"C": 0.5})
        )
    with pytest.raises(InputError, match="team"):
        RandomisationProcedure.from_data(_trial(), Declaration("clustered", clusters="team"))
    data = _trial().astype({"coach": object})
    data.loc[0, "coach"] = None
    with pytest.raises(InputError, match="cluster column 'coach' has missing values"):
        RandomisationProcedure.from_data(data, Declaration("clustered", clusters="coach"))
    with pytest.raises(InputError, match="needs a cluster column"):
        Declaration("clustered")
