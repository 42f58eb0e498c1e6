"""The study file's ``randomisation:`` section reaches the RCT analysis of the pipeline."""

from __future__ import annotations

import pytest

from impact.errors import InputError
from impact.ingest.config import RandomisationConfig
from impact.pipeline import analyse_study, prepare_study
from impact.synth import randomised_study


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("design")
    return prepare_study(randomised_study(seed=12, n_randomised=150).write(root / "randomised"))


def test_a_declared_procedure_the_list_contradicts_stops_with_the_block_and_the_fix(prepared):
    prepared.config.randomisation = RandomisationConfig(procedure="complete", probability=0.2)
    try:
        with pytest.raises(InputError) as info:
            analyse_study(prepared)
    finally:
        prepared.config.randomisation = None
    text = str(info.value)
    assert "block (all): " in text and "of 150 people treated" in text
    assert "expected 30 treated (probability 0.2)" in text
    assert "fix:" in text
