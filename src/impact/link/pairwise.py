"""Link one wave's records to the people already known (the *spine*): all stages in order.

(a) records were normalised and pseudonymised in :mod:`impact.link.records`; here come
(b) exact links on ``study_id`` then on code + birth year + gender (+ round), (c) Splink on the
remainder, (d) a one-to-one assignment of the Splink candidates above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impact.link.assign import one_to_one
from impact.link.exact import exact_links
from impact.link.probabilistic import agreement_pattern, score_candidates


@dataclass
class WaveLink:
    """The outcome of linking one wave to the spine.

    Attributes
    ----------
    pairs : pandas.DataFrame
        One row per linked wave record: ``left_uid`` (spine), ``right_uid`` (wave),
        ``stage`` (``study_id``/``exact``/``splink``), ``match_probability``,
        ``match_weight``, the agreement pattern columns and ``elements_differing``.
    candidates : pandas.DataFrame
        Every pair Splink scored (for the probability distribution and clerical review),
        with a boolean ``linked``.
    ambiguous : int
        Records with more than one candidate (exact key shared, or several Splink
        candidates above the threshold).
    prior_lambda : float
        Prior match probability estimated in the Splink stage (0 when it did not run).
    settings : dict or None
        The trained Splink settings (``None`` when the Splink stage had nothing to do).
    """

    pairs: pd.DataFrame
    candidates: pd.DataFrame
    ambiguous: int
    prior_lambda: float
    settings: dict | None


def link_records(
    spine: pd.DataFrame,
    wave: pd.DataFrame,
    elements: list[str],
    threshold: float,
    m_priors: dict[str, float] | None = None,
) -> WaveLink:
    """Link a wave's records to the spine, one-to-one.

    Parameters
    ----------
    spine, wave : pandas.DataFrame
        Deduplicated linking records (spine = people known so far).
    elements : list of str
        Element hash columns.
    threshold : float
        Minimum Splink match probability.
    m_priors : dict, optional
        Overrides of the Splink m priors.

    Returns
    -------
    WaveLink
    """
    exact = exact_links(spine, wave)
    rest_spine = spine[~spine["uid"].isin(exact.pairs["left_uid"]) & spine["code_valid"]]
    rest_wave = wave[~wave["uid"].isin(exact.pairs["right_uid"]) & wave["code_valid"]]
    known = agreement_pattern(exact.pairs, spine, wave, elements)
    scored = score_candidates(rest_spine, rest_wave, elements, known, m_priors=m_priors)
    assignment = one_to_one(scored.pairs, threshold)
    fuzzy = assignment.chosen.assign(stage="splink")
    exact_pairs = exact.pairs.assign(match_probability=1.0, match_weight=np.nan)
    pairs = pd.concat([exact_pairs, fuzzy] if not fuzzy.empty else [exact_pairs], ignore_index=True)
    linked_keys = set(zip(fuzzy["left_uid"], fuzzy["right_uid"], strict=True))
    candidates = scored.pairs.copy()
    candidates["linked"] = [
        (a, b) in linked_keys
        for a, b in zip(candidates["left_uid"], candidates["right_uid"], strict=True)
    ]
    return WaveLink(
        pairs=pairs,
        candidates=candidates,
        ambiguous=exact.ambiguous + assignment.ambiguous,
        prior_lambda=scored.prior_lambda,
        settings=scored.settings,
    )
