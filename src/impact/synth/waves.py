"""Assemble survey waves: response ids, timestamps, typed codes, duplicates, blanks.

A wave is built from the people who answer it and the answers they give. This module adds the
identity columns in canonical form and applies the respondent behaviour that makes linking hard
(see :mod:`impact.synth.codes`): typed codes, gender answered as ``not_stated``, a second
response from a few people, study ids left blank. Alongside the canonical wave table it returns
one truth row per response saying whose it is and what was done to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impact.synth.codes import CodeNoise, type_codes
from impact.synth.schema import conform

_ID_ALPHABET = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
# Answers a respondent may give slightly differently when answering a second time.
_TWEAKABLE = {"knows_labour_market": (1, 5), "swedish_level": (1, 5), "satisfaction": (1, 5)}


class ResponseIds:
    """Survey-tool style response ids (``R_`` + 15 characters), unique within a study."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._used: set[str] = set()

    def take(self, n: int) -> list[str]:
        """Return ``n`` new ids never handed out before."""
        out: list[str] = []
        while len(out) < n:
            draw = self._rng.integers(0, len(_ID_ALPHABET), 15)
            rid = "R_" + "".join(_ID_ALPHABET[draw])
            if rid not in self._used:
                self._used.add(rid)
                out.append(rid)
        return out


def minutes(timestamps) -> pd.Series:
    """Round timestamps down to whole minutes (exports show minutes, not seconds)."""
    return pd.Series(pd.DatetimeIndex(timestamps).floor("min"))


def _tweak(rng: np.random.Generator, answers: pd.DataFrame) -> pd.DataFrame:
    """Change one or two ordinal answers by one step (a second, slightly different response)."""
    out = answers.copy()
    fields = [f for f in _TWEAKABLE if f in out.columns]
    for row in range(len(out)):
        for name in rng.permutation(fields)[: int(rng.integers(1, 3))] if fields else []:
            value = out.iloc[row][name]
            if pd.isna(value):
                continue
            low, high = _TWEAKABLE[name]
            step = 1 if value == low else (-1 if value == high else int(rng.choice([-1, 1])))
            out.iloc[row, out.columns.get_loc(name)] = int(value) + step
    return out


def build_wave(
    rng: np.random.Generator,
    *,
    table: str,
    people: pd.DataFrame,
    answers: pd.DataFrame | None,
    when: pd.Series,
    later_wave: bool,
    noise: CodeNoise,
    ids: ResponseIds,
    with_study_id: bool,
    followup_number: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build one canonical wave table and its per-response truth.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    table : {"baseline", "followup", "result"}
        The wave's canonical table.
    people : pandas.DataFrame
        The respondents, indexed by person number, with ``true_code``, ``gender``,
        ``birth_year``, ``round_id`` and (randomised studies) ``study_id``.
    answers : pandas.DataFrame or None
        The respondents' answers in canonical codes (same index), every other column of the
        table; ``None`` for none.
    when : pandas.Series
        Submission time per respondent (same index).
    later_wave : bool
        True for follow-ups and result (typos and ``not_stated`` gender happen here).
    noise : CodeNoise
        Respondent behaviour rates.
    ids : ResponseIds
        The study's response-id source.
    with_study_id : bool
        Whether the wave has a ``study_id`` column.
    followup_number : int, optional
        For follow-up waves.

    Returns
    -------
    (wave, truth) : tuple of pandas.DataFrame
        The canonical wave (sorted by submission time) and one truth row per response:
        ``response_id``, ``table``, ``followup_number``, ``person``, ``duplicate``,
        ``code_typo``, ``typo_element``, ``code_format``, ``code_lookalike``,
        ``gender_not_stated``, ``study_id_blank``.
    """
    answers = answers if answers is not None else pd.DataFrame(index=people.index)
    base, ans, stamp = _responses(rng, people, answers, when, noise)
    m = len(base)
    typed = type_codes(rng, base["true_code"].tolist(), later_wave=later_wave, noise=noise)
    not_stated = rng.random(m) < (noise.gender_not_stated_rate if later_wave else 0.0)
    blank = rng.random(m) < noise.study_id_blank_rate if with_study_id else np.zeros(m, bool)
    wave = pd.DataFrame(
        {
            "response_id": ids.take(m),
            "round_id": base["round_id"].to_numpy(),
            "submitted_at": minutes(stamp).to_numpy(),
            "link_code": typed["link_code"].to_numpy(),
            "birth_year": base["birth_year"].to_numpy(),
            "gender": np.where(not_stated, "not_stated", base["gender"].to_numpy()),
        }
    )
    if with_study_id:
        wave["study_id"] = np.where(blank, None, base["study_id"].to_numpy())
    if followup_number is not None:
        wave["followup_number"] = followup_number
    for column in ans.columns:
        wave[column] = ans[column].to_numpy()
    truth = _truth_rows(wave, table, followup_number, base, len(people), typed)
    truth["gender_not_stated"] = not_stated
    truth["study_id_blank"] = blank
    order = np.lexsort((wave["response_id"].to_numpy(), wave["submitted_at"].to_numpy()))
    wave = conform(wave.iloc[order], table)
    truth = truth.iloc[order].reset_index(drop=True)
    return wave, truth


def _responses(
    rng: np.random.Generator,
    people: pd.DataFrame,
    answers: pd.DataFrame,
    when: pd.Series,
    noise: CodeNoise,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Every response: each person's, then a second, slightly different one from a few people
    (minutes to days later). Returns who answered, the answers and the submission times."""
    twice = rng.random(len(people)) < noise.duplicate_rate
    second = _tweak(rng, answers[twice])
    stamp = pd.concat(
        [
            pd.Series(when.to_numpy()),
            pd.Series(when[twice].to_numpy())
            + pd.to_timedelta(rng.integers(5, 3 * 24 * 60, int(twice.sum())), unit="min"),
        ],
        ignore_index=True,
    )
    return pd.concat([people, people[twice]]), pd.concat([answers.copy(), second]), stamp


def _truth_rows(
    wave: pd.DataFrame,
    table: str,
    followup_number: int | None,
    base: pd.DataFrame,
    n_first: int,
    typed: pd.DataFrame,
) -> pd.DataFrame:
    """One truth row per response: whose it is, whether it is a second one, how the code was
    typed (the gender and study-id columns are added by the caller)."""
    m = len(base)
    return pd.DataFrame(
        {
            "response_id": wave["response_id"],
            "table": table,
            "followup_number": pd.array([followup_number] * m, dtype="Int64"),
            "person": base.index.to_numpy(),
            "duplicate": np.r_[np.zeros(n_first, bool), np.ones(m - n_first, bool)],
            "code_typo": typed["code_typo"].to_numpy(),
            "typo_element": typed["typo_element"].to_numpy(),
            "code_format": typed["code_format"].to_numpy(),
            "code_lookalike": typed["code_lookalike"].to_numpy(),
        }
    )
