"""The truth tables of a synthetic study: who each person is, what really happened to them.

The *person truth* has one row per true person: the person number, the true link code, the
background, the response id of the person's (first) response in each wave or ``<NA>``, and every
true indicator. Indicators are given for everyone, also for people who did not answer the
result survey (what their answers would have implied), so estimators of non-response bias can
be checked too.
"""

from __future__ import annotations

import pandas as pd

from impact.synth.latent import COMPONENTS

#: Indicator columns of the person truth, in order.
INDICATORS = (
    "got_job",
    "job_from_none",
    "job_upgraded",
    "job_changed_other",
    "took_steps",
    *COMPONENTS[:-1],
    "small_steps_count",
    "job_or_steps",
    "knows_labour_market_more",
)
CONTRIBUTION = ("contributed_job", "contributed_internship", "contributed_education")


def wave_label(table: str, followup_number) -> str:
    """Return the person-truth column suffix of a wave: ``baseline``, ``followup_2``, ``result``."""
    return f"followup_{int(followup_number)}" if table == "followup" else table


def person_truth(
    people: pd.DataFrame,
    indicators: pd.DataFrame,
    result_answers: pd.DataFrame,
    responses: pd.DataFrame,
    waves: list[str],
) -> pd.DataFrame:
    """Build the person truth table.

    Parameters
    ----------
    people : pandas.DataFrame
        Indexed by person number: ``true_code``, ``round_id``, ``gender`` and background
        columns (and ``study_id``, ``arm`` in randomised studies).
    indicators : pandas.DataFrame
        Latent indicators per person (see :func:`impact.synth.latent.derive_indicators`).
    result_answers : pandas.DataFrame
        The (latent) result answers, for the contribution answers.
    responses : pandas.DataFrame
        The response truth of every wave (see :func:`impact.synth.waves.build_wave`).
    waves : list of str
        Wave labels in order (``baseline``, ``followup_1``, …, ``result``).
    """
    out = people.rename(columns={"true_code": "link_code"}).copy()
    out.insert(0, "person", out.index.to_numpy())
    firsts = responses[~responses["duplicate"]]
    for label in waves:
        labels = [
            wave_label(t, f)
            for t, f in zip(firsts["table"], firsts["followup_number"], strict=True)
        ]
        rows = firsts[[lab == label for lab in labels]]
        ids = pd.Series(rows["response_id"].to_numpy(), index=rows["person"].to_numpy())
        out[f"response_{label}"] = pd.array(out.index.map(ids), dtype="string")
    for name in INDICATORS:
        dtype = "Int64" if name == "small_steps_count" else "boolean"
        out[name] = pd.array(indicators[name].to_numpy(), dtype=dtype)
    for name in CONTRIBUTION:
        out[name] = pd.array(result_answers[name].to_numpy(), dtype="string")
    out["job_path"] = pd.array(indicators["job_path"].replace("", "no_job"), dtype="string")
    for column in ("link_code", "round_id", "gender", "occupation_field", "study_id", "arm"):
        if column in out.columns:
            out[column] = out[column].astype("string")
    return out.reset_index(drop=True)
