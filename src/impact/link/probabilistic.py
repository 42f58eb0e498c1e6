"""Probabilistic linking of the records the exact stage left over, with Splink (DuckDB).

The model is Fellegi–Sunter as implemented by Splink 5. It compares

* each **code element** separately (agree / disagree; element hashes are compared, never the
  codes), so a pair differing in one or two elements — the typical typing slip — keeps the
  evidence of the elements that agree (a Hamming-like comparison that also knows a matching
  two-letter name is stronger evidence than a matching sibling count);
* **birth year**: exact / ±1 year / other;
* **gender**: agree / disagree, ``not_stated`` treated as missing (no evidence either way);
* **round** (``round_id``, when both waves carry it): agree / disagree — people answer the
  surveys of their own programme round.

Candidate pairs come from blocking rules that admit every pair with **at most two elements
different** (all element pairs together with the birth year, and all element triples).

Parameters (documented choices, see ``docs/linking.md``):

* **u** (chance agreement among non-matches) is computed exactly from the value frequencies of
  the two tables: ``u = Σ_v p_left(v)·p_right(v)`` (± 1 year summed for birth year);
* **m** (agreement among true matches) and the **prior match probability** λ are estimated
  by EM with u fixed, over the candidate pairs *and* the exact links, each m shrunk toward a
  documented prior (:data:`M_PRIORS`) so small studies stay stable
  (:mod:`impact.link.training`);
* Splink then scores the candidates with the trained model; the settings dict with every
  m and u filled in is kept in the report, so the model can be reloaded in Splink.
"""

from __future__ import annotations

import itertools
import logging
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from impact.errors import InputError, Problem
from impact.link.frequencies import u_probabilities
from impact.link.training import level_indices, train

logger = logging.getLogger(__name__)

#: Prior m probabilities (share of true matches in each comparison level). 15 % of people
#: mistyping one of four elements in one of two waves gives ≈ 4 % disagreement per element;
#: birth year is a year off for a few percent; gender rarely changes between waves.
M_PRIORS: dict[str, float] = {
    "element_agree": 0.96,
    "birth_year_exact": 0.95,
    "birth_year_close": 0.04,
    "gender_agree": 0.98,
    "round_agree": 0.98,
}


def _null_level(column: str) -> dict[str, Any]:
    return {
        "sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
        "label_for_charts": "missing",
        "is_null_level": True,
    }


def _element_comparison(column: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _null_level(column),
            {"sql_condition": f'"{column}_l" = "{column}_r"', "label_for_charts": "agree"},
            {"sql_condition": "ELSE", "label_for_charts": "disagree"},
        ],
    }


#: The declarative part of the Splink settings; element comparisons, blocking rules and the
#: m/u numbers are added by :func:`build_settings`.
SETTINGS_TEMPLATE: dict[str, Any] = {
    "link_type": "link_only",
    "unique_id_column_name": "unique_id",
    "retain_matching_columns": False,
    "retain_intermediate_calculation_columns": False,
    "comparisons": [
        {
            "output_column_name": "birth_year",
            "comparison_levels": [
                _null_level("birth_year"),
                {"sql_condition": '"birth_year_l" = "birth_year_r"', "label_for_charts": "exact"},
                {
                    "sql_condition": 'abs("birth_year_l" - "birth_year_r") = 1',
                    "label_for_charts": "±1 year",
                },
                {"sql_condition": "ELSE", "label_for_charts": "other"},
            ],
        },
        {
            "output_column_name": "gender",
            "comparison_levels": [
                _null_level("gender"),
                {"sql_condition": '"gender_l" = "gender_r"', "label_for_charts": "agree"},
                {"sql_condition": "ELSE", "label_for_charts": "disagree"},
            ],
        },
        {
            "output_column_name": "round_id",
            "comparison_levels": [
                _null_level("round_id"),
                {"sql_condition": '"round_id_l" = "round_id_r"', "label_for_charts": "agree"},
                {"sql_condition": "ELSE", "label_for_charts": "disagree"},
            ],
        },
    ],
}


def prior_m(elements: list[str], m_priors: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """Prior m of each non-missing level, per comparison, from :data:`M_PRIORS`."""
    m = {**M_PRIORS, **(m_priors or {})}
    out = {e: np.array([m["element_agree"], 1 - m["element_agree"]]) for e in elements}
    exact, close = m["birth_year_exact"], m["birth_year_close"]
    out["birth_year"] = np.array([exact, close, 1 - exact - close])
    out["gender"] = np.array([m["gender_agree"], 1 - m["gender_agree"]])
    out["round_id"] = np.array([m["round_agree"], 1 - m["round_agree"]])
    bad = [k for k, v in out.items() if (v <= 0).any() or (v >= 1).any()]
    if bad:
        raise InputError(
            "Invalid m priors",
            [
                Problem(
                    "linking",
                    "probabilities in (0, 1) summing below 1",
                    column="m_priors",
                    value=repr(m_priors),
                )
            ],
        )
    return out


def build_settings(
    elements: list[str],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    prior_lambda: float,
) -> dict[str, Any]:
    """The Splink settings dict: :data:`SETTINGS_TEMPLATE` with every m and u filled in.

    Parameters
    ----------
    elements : list of str
        Element hash columns (``h_e1``, …).
    m, u : dict of str to numpy.ndarray
        Per comparison, the m and u of each non-missing level, best level first.
    prior_lambda : float
        Prior probability that two random records match.

    Returns
    -------
    dict
        A JSON-serialisable Splink 5 settings dictionary.
    """
    settings = deepcopy(SETTINGS_TEMPLATE)
    comparisons = [_element_comparison(e) for e in elements] + settings["comparisons"]
    for comp in comparisons:
        name = comp["output_column_name"]
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        for level, m_value, u_value in zip(levels, m[name], u[name], strict=True):
            level["m_probability"] = float(m_value)
            level["u_probability"] = float(u_value)
    settings["comparisons"] = comparisons
    settings["probability_two_random_records_match"] = float(np.clip(prior_lambda, 1e-12, 0.5))
    settings["blocking_rules_to_generate_predictions"] = blocking_rules(elements)
    return settings


def blocking_rules(elements: list[str]) -> list[dict[str, str]]:
    """Blocking rules admitting every pair with at most two elements different.

    All element pairs together with birth year, and all element triples (so a pair with one
    element and the birth year mistyped is still compared). With fewer than three elements
    every single element together with birth year is used.
    """

    def rule(cols: tuple[str, ...]) -> dict[str, str]:
        return {"blocking_rule": " AND ".join(f'l."{c}" = r."{c}"' for c in cols)}

    if len(elements) < 3:
        return [rule((e, "birth_year")) for e in elements]
    rules = [rule((*pair, "birth_year")) for pair in itertools.combinations(elements, 2)]
    rules += [rule(triple) for triple in itertools.combinations(elements, 3)]
    return rules


@dataclass
class Candidates:
    """Scored candidate pairs from the probabilistic stage.

    Attributes
    ----------
    pairs : pandas.DataFrame
        Columns ``left_uid``, ``right_uid``, ``match_weight`` (Splink, log2 posterior odds),
        ``match_probability``, ``agree_<element>`` (1 agree, 0 disagree, -1 missing),
        ``birth_year_agreement``, ``gender_agreement``, ``round_agreement``,
        ``elements_differing``.
    prior_lambda : float
        The estimated prior match probability of a random pair (0 when nothing was scored).
    settings : dict or None
        The trained Splink settings (m, u, λ filled in).
    """

    pairs: pd.DataFrame
    prior_lambda: float
    settings: dict[str, Any] | None


def _splink_frame(records: pd.DataFrame, elements: list[str]) -> pd.DataFrame:
    def obj(series: pd.Series) -> np.ndarray:
        return series.astype(object).where(series.notna(), None).to_numpy()

    return pd.DataFrame(
        {
            "unique_id": records["uid"].astype(str).to_numpy(),
            **{e: obj(records[e]) for e in elements},
            "birth_year": records["birth_year"]
            .astype("Float64")
            .to_numpy(dtype=float, na_value=np.nan),
            "gender": obj(records["gender_m"]),
            "round_id": obj(records["round_id"]),
        }
    )


def _predict(lf: pd.DataFrame, rf: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Run Splink (in-memory DuckDB, nothing persisted) and return left/right-ordered pairs."""
    from splink import DuckDBAPI, Linker

    for name in ("splink", "duckdb"):
        logging.getLogger(name).setLevel(logging.WARNING)
    db = DuckDBAPI()
    try:
        linker = Linker(
            [db.register(lf, table_name="impact_left"), db.register(rf, table_name="impact_right")],
            settings,
            log_level=None,
        )
        scored = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    finally:
        db.duckdb_con.close()
    swap = ~scored["unique_id_l"].isin(set(lf["unique_id"]))
    return pd.DataFrame(
        {
            "left_uid": scored["unique_id_l"].where(~swap, scored["unique_id_r"]).astype(str),
            "right_uid": scored["unique_id_r"].where(~swap, scored["unique_id_l"]).astype(str),
            "match_weight": scored["match_weight"].to_numpy(dtype=float),
            "match_probability": scored["match_probability"].to_numpy(dtype=float),
        }
    )


def agreement_pattern(
    pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, elements: list[str]
) -> pd.DataFrame:
    """Agreement pattern of pairs, computed from the records' hashes.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``left_uid`` and ``right_uid`` columns.
    left, right : pandas.DataFrame
        Linking records containing those uids.
    elements : list of str
        Element hash columns.

    Returns
    -------
    pandas.DataFrame
        Index of ``pairs``; ``agree_<element>`` (1 agree, 0 differ, -1 missing),
        ``elements_differing``, ``birth_year_agreement`` (exact/±1/other/missing),
        ``gender_agreement`` (agree/disagree/missing; ``not_stated`` is missing),
        ``round_agreement`` (agree/disagree/missing).
    """
    lft = left.set_index("uid").loc[pairs["left_uid"]]
    rgt = right.set_index("uid").loc[pairs["right_uid"]]
    out = pd.DataFrame(index=pairs.index)
    differing = np.zeros(len(pairs), dtype=int)
    for e in elements:
        value = _agree_codes(lft[e], rgt[e])
        out[f"agree_{e.removeprefix('h_')}"] = value
        differing += value == 0
    out["elements_differing"] = differing
    by_l = lft["birth_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    by_r = rgt["birth_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    gap = np.abs(by_l - by_r)
    out["birth_year_agreement"] = np.select(
        [np.isnan(gap), gap == 0, gap == 1], ["missing", "exact", "±1"], default="other"
    )
    out["gender_agreement"] = _AGREE_LABELS[_agree_codes(lft["gender_m"], rgt["gender_m"])]
    out["round_agreement"] = _AGREE_LABELS[_agree_codes(lft["round_id"], rgt["round_id"])]
    return out


#: Labels of :func:`_agree_codes` values 1, 0, -1 (indexed by the code).
_AGREE_LABELS = np.array(["disagree", "agree", "missing"])


def _agree_codes(a: pd.Series, b: pd.Series) -> np.ndarray:
    """1 where both values are present and equal, 0 where they differ, -1 where one is missing."""
    a_values = a.astype("string").to_numpy(dtype=object, na_value=None)
    b_values = b.astype("string").to_numpy(dtype=object, na_value=None)
    missing = pd.isna(a_values) | pd.isna(b_values)
    equal = a.astype("string").fillna("").to_numpy() == b.astype("string").fillna("").to_numpy()
    return np.where(missing, -1, equal.astype(int))


def score_candidates(
    left: pd.DataFrame,
    right: pd.DataFrame,
    elements: list[str],
    known_pattern: pd.DataFrame,
    *,
    m_priors: dict[str, float] | None = None,
    rules: list[dict[str, str]] | None = None,
) -> Candidates:
    """Find, train on and score the candidate pairs of the probabilistic stage.

    Parameters
    ----------
    left, right : pandas.DataFrame
        Linking records with valid codes that the exact stage did not link.
    elements : list of str
        Element hash columns (``h_e1``, …).
    known_pattern : pandas.DataFrame
        Agreement patterns of the exact links (matches), used in training.
    m_priors : dict, optional
        Overrides of :data:`M_PRIORS`.
    rules : list of dict, optional
        Splink blocking rules (default :func:`blocking_rules`, every pair with at most two
        elements different; ``impact.link.blocking`` has the ``linear`` set).

    Returns
    -------
    Candidates
    """
    columns = ["left_uid", "right_uid", "match_weight", "match_probability"]
    columns += [f"agree_{e.removeprefix('h_')}" for e in elements]
    columns += ["birth_year_agreement", "gender_agreement", "round_agreement"]
    columns += ["elements_differing"]
    if left.empty or right.empty:
        return Candidates(pd.DataFrame(columns=columns), 0.0, None)

    lf, rf = _splink_frame(left, elements), _splink_frame(right, elements)
    u = u_probabilities(lf, rf, elements)
    m0 = prior_m(elements, m_priors)
    n_pairs = float(len(lf)) * float(len(rf))
    # 1. candidates (blocking + comparisons) with the prior model
    settings0 = build_settings(elements, m0, u, min(len(lf), len(rf)) / n_pairs)
    if rules is not None:
        settings0["blocking_rules_to_generate_predictions"] = rules
    found = _predict(lf, rf, settings0)
    pattern = agreement_pattern(found, left, right, elements)
    # records carrying different study ids are different people
    sid_l = left.set_index("uid")["study_id"].reindex(found["left_uid"]).to_numpy()
    sid_r = right.set_index("uid")["study_id"].reindex(found["right_uid"]).to_numpy()
    both = pd.notna(sid_l) & pd.notna(sid_r)
    conflict = np.zeros(len(found), dtype=bool)
    conflict[both] = sid_l[both] != sid_r[both]
    keep = ~conflict & (pattern["elements_differing"].to_numpy() <= 2)
    found, pattern = found[keep].reset_index(drop=True), pattern[keep].reset_index(drop=True)
    # 2. m and λ by EM (u fixed), with the exact links as known matches
    model = train(
        level_indices(pattern, elements), level_indices(known_pattern, elements), u, m0, n_pairs
    )
    settings = build_settings(elements, model.m, u, model.prior_lambda)
    if rules is not None:
        settings["blocking_rules_to_generate_predictions"] = rules
    # 3. Splink scores the candidates with the trained model
    scored = _predict(lf, rf, settings)
    scored = found[["left_uid", "right_uid"]].merge(
        scored, on=["left_uid", "right_uid"], how="left", validate="one_to_one"
    )
    out = pd.concat([scored, pattern], axis=1)
    logger.info(
        "Splink scored %d candidate pairs (prior match probability %.3g, EM %d iterations)",
        len(out),
        model.prior_lambda,
        model.iterations,
    )
    return Candidates(out[columns], model.prior_lambda, settings)
