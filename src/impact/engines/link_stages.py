"""The linking stages after record preparation, per engine (used by :func:`link_at_scale`).

:func:`pandas_stage` runs them in memory with :mod:`impact.link`'s functions (exact links,
agreement patterns, EM) and blocking by pandas joins; :func:`sql_stage` runs them in a DuckDB
or Spark session (:mod:`impact.engines.link_sql`, Splink for the comparisons). Both return the
exact pairs, the number of ambiguous records, the scored candidate pairs at or above the
threshold, the counts of compared and candidate pairs, the trained settings and λ.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from impact.engines import link_sql
from impact.engines.link_blocking import pandas_candidates
from impact.engines.link_em import (
    prior_log2_odds,
    train_patterns,
    u_from_frequencies,
)
from impact.engines.sessions import EngineSession, temp_name
from impact.link.exact import exact_links
from impact.link.probabilistic import agreement_pattern, build_settings, prior_m, u_probabilities
from impact.link.training import level_indices, log2_bayes_factors, train

#: Record columns loaded into the engine (besides the element hashes).
ENGINE_RECORD_COLUMNS = [
    "uid",
    "code_h",
    "birth_year",
    "gender",
    "gender_m",
    "study_id",
    "round_id",
    "code_valid",
]


def pandas_stage(
    left: pd.DataFrame,
    right: pd.DataFrame,
    elements: list[str],
    keys: list[tuple[str, ...]],
    threshold: float,
    m_priors: dict[str, float] | None,
    rules: list[dict[str, str]],
) -> dict[str, Any]:
    exact = exact_links(left, right)
    rest_l = left[~left["uid"].isin(exact.pairs["left_uid"]) & left["code_valid"]]
    rest_r = right[~right["uid"].isin(exact.pairs["right_uid"]) & right["code_valid"]]
    known = level_indices(agreement_pattern(exact.pairs, left, right, elements), elements)

    def splink_form(records: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "uid": records["uid"].to_numpy(),
                **{e: records[e].astype(object).where(records[e].notna(), None) for e in elements},
                "birth_year": records["birth_year"]
                .astype("Float64")
                .to_numpy(dtype=float, na_value=np.nan),
                "gender": records["gender_m"]
                .astype(object)
                .where(records["gender_m"].notna(), None),
                "round_id": records["round_id"]
                .astype(object)
                .where(records["round_id"].notna(), None),
            }
        )

    lf, rf = splink_form(rest_l), splink_form(rest_r)
    found = pandas_candidates(lf, rf, keys)
    compared = len(found)
    pattern = agreement_pattern(found, left, right, elements)
    sid_l = left.set_index("uid")["study_id"].reindex(found["left_uid"]).to_numpy()
    sid_r = right.set_index("uid")["study_id"].reindex(found["right_uid"]).to_numpy()
    both = pd.notna(sid_l) & pd.notna(sid_r)
    conflict = np.zeros(len(found), dtype=bool)
    conflict[both] = sid_l[both] != sid_r[both]
    keep = ~conflict & (pattern["elements_differing"].to_numpy() <= 2)
    found, pattern = found[keep].reset_index(drop=True), pattern[keep].reset_index(drop=True)
    settings, above, lam = None, found.iloc[0:0].assign(match_weight=[], match_probability=[]), 0.0
    if len(lf) and len(rf):
        u = u_probabilities(lf, rf, elements)
        m0 = prior_m(elements, m_priors)
        n_pairs = float(len(lf)) * float(len(rf))
        levels = level_indices(pattern, elements)
        model = train(levels, known, u, m0, n_pairs)
        lam = model.prior_lambda
        settings = build_settings(elements, model.m, u, lam)
        settings["blocking_rules_to_generate_predictions"] = rules
        weight = prior_log2_odds(lam) + log2_bayes_factors(levels, model.m, u)
        prob = np.power(2.0, weight) / (1.0 + np.power(2.0, weight))
        scored = found.assign(
            match_weight=weight,
            match_probability=prob,
            elements_differing=pattern["elements_differing"],
        )
        above = scored[scored["match_probability"] >= threshold]
    exact_pairs = exact.pairs.assign(
        elements_differing=agreement_pattern(exact.pairs, left, right, elements)[
            "elements_differing"
        ]
    )
    return {
        "exact": exact_pairs,
        "ambiguous": exact.ambiguous,
        "above": above,
        "compared": compared,
        "candidates": len(found),
        "settings": settings,
        "prior_lambda": lam,
    }


def sql_stage(
    session: EngineSession,
    left: pd.DataFrame,
    right: pd.DataFrame,
    elements: list[str],
    keys: list[tuple[str, ...]],
    threshold: float,
    m_priors: dict[str, float] | None,
    rules: list[dict[str, str]],
    predict_chunks: int,
    keep_scored: bool = False,
) -> dict[str, Any]:
    """The linking stages in a DuckDB or Spark session.

    With ``keep_scored`` the result also holds ``scored``: every candidate pair with its
    weight and probability (not only those at or above the threshold), for the link report.
    """
    created: list[str] = []
    columns = ENGINE_RECORD_COLUMNS + elements

    def load(records: pd.DataFrame, stem: str) -> str:
        frame = records[columns].copy()
        frame["birth_year"] = frame["birth_year"].astype("Int64")
        frame["code_valid"] = frame["code_valid"].astype(bool)
        name = session.put(frame, temp_name(stem))
        created.append(name)
        return name

    try:
        lt, rt = load(left, "left_records"), load(right, "right_records")
        pairs, ambiguous = link_sql.exact_stage(session, lt, rt)
        created.append(pairs)
        rest_l = link_sql.remainder(session, lt, pairs, "left")
        rest_r = link_sql.remainder(session, rt, pairs, "right")
        created += [rest_l, rest_r]
        n_l, n_r = link_sql.count_rows(session, rest_l), link_sql.count_rows(session, rest_r)
        comparisons = [*elements, "birth_year", "gender", "round_id"]
        exact_frame = link_sql.exact_pairs_frame(session, pairs, lt, rt, elements)
        out: dict[str, Any] = {
            "exact": exact_frame,
            "ambiguous": ambiguous,
            "above": pd.DataFrame(
                columns=[
                    "left_uid",
                    "right_uid",
                    "elements_differing",
                    "match_weight",
                    "match_probability",
                ]
            ),
            "compared": 0,
            "candidates": 0,
            "settings": None,
            "prior_lambda": 0.0,
        }
        if not (n_l and n_r):
            return out
        freq_cols = [*elements, "birth_year", "gender", "round_id"]
        u = u_from_frequencies(
            link_sql.value_counts(session, rest_l, freq_cols),
            link_sql.value_counts(session, rest_r, freq_cols),
            elements,
        )
        m0 = prior_m(elements, m_priors)
        n_pairs = float(n_l) * float(n_r)
        settings0 = build_settings(elements, m0, u, min(n_l, n_r) / n_pairs)
        settings0["blocking_rules_to_generate_predictions"] = rules
        compared, n_compared = link_sql.splink_compare(
            session, rest_l, rest_r, settings0, predict_chunks
        )
        created.append(compared)
        candidates = link_sql.filter_candidates(session, compared, lt, rt, elements)
        created.append(candidates)
        patterns = link_sql.pattern_counts(session, candidates, comparisons)
        known = link_sql.known_patterns(session, pairs, lt, rt, elements)
        model = train_patterns(
            link_sql.levels_of(patterns, comparisons),
            patterns["n"].to_numpy(dtype=float),
            link_sql.levels_of(known, comparisons),
            known["n"].to_numpy(dtype=float),
            u,
            m0,
            n_pairs,
        )
        settings = build_settings(elements, model.m, u, model.prior_lambda)
        settings["blocking_rules_to_generate_predictions"] = rules
        # one weight per agreement pattern, computed here exactly as the pandas stage does
        # per pair, so every engine gives every pair of a pattern the same number
        levels = link_sql.levels_of(patterns, comparisons)
        weight = prior_log2_odds(model.prior_lambda) + log2_bayes_factors(levels, model.m, u)
        scored = patterns.assign(
            match_weight=weight,
            match_probability=np.power(2.0, weight) / (1.0 + np.power(2.0, weight)),
        )
        wanted = scored if keep_scored else scored[scored["match_probability"] >= threshold]
        above = link_sql.pairs_of_patterns(session, candidates, wanted, comparisons)
        if keep_scored:
            out["scored"] = above
            above = above[above["match_probability"] >= threshold]
        out.update(
            above=above,
            compared=n_compared,
            candidates=int(patterns["n"].sum()) if len(patterns) else 0,
            settings=settings,
            prior_lambda=model.prior_lambda,
        )
        return out
    finally:
        for name in created:
            session.drop(name)
