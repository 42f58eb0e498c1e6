"""Assemble the linked panel: one row per person, wave columns prefixed by wave.

The layout follows the "Linked panel" contract in ``docs/architecture.md``: person-level
columns (``person_id``, ``round_id``, ``study_id``/``arm``/``stratum`` in randomised studies,
with the take-up columns ``started``/``completed``/``sessions_attended``/``left_month`` when the
randomisation list records them, ``responded_<wave>``, ``gender``, ``age``, ``education_level``,
``years_in_sweden``) and then each wave's answers prefixed ``b_``, ``f1_``, ``f2_``, …, ``r_``.
Raw ``link_code`` and ``response_id`` never reach the panel.
"""

from __future__ import annotations

import pandas as pd

from impact.ingest.take_up import TAKE_UP_COLUMNS, recorded_take_up

#: Columns never copied into the panel.
DROPPED_COLUMNS = ("link_code", "response_id")
#: Randomisation-list columns placed unprefixed at person level.
RANDOMISATION_PERSON_COLUMNS = ("study_id", "arm", "stratum", "cluster", "randomised_on")
BACKGROUND = ("education_level", "years_in_sweden")


def _wave_block(
    frame: pd.DataFrame, member: pd.Series, prefix: str, n_persons: int
) -> pd.DataFrame:
    """A wave's answers placed on the person rows (``member``: wave row index → person)."""
    drop = [c for c in (*DROPPED_COLUMNS, "followup_number", "study_id") if c in frame.columns]
    answers = frame.drop(columns=drop).loc[member.index]
    answers.index = member.to_numpy()
    answers = answers.reindex(range(n_persons))
    answers.columns = [f"{prefix}_{c}" for c in answers.columns]
    return answers


def _first_stated(candidates: list[pd.Series]) -> pd.Series:
    """First gender that is stated (not missing, not ``not_stated``), else ``not_stated``/NA."""
    out = pd.Series(pd.NA, index=candidates[0].index, dtype="string")
    said_not_stated = pd.Series(False, index=out.index)
    for series in candidates:
        series = series.astype("string")
        stated = series.notna() & (series != "not_stated")
        out = out.where(out.notna() | ~stated, series)
        said_not_stated |= series.fillna("") == "not_stated"
    return out.where(out.notna() | ~said_not_stated, "not_stated")


def _age(panel: pd.DataFrame) -> pd.Series:
    """Baseline age: asked ``b_age`` when given, else year of answer minus birth year."""
    derived = pd.Series(pd.NA, index=panel.index, dtype="Int64")
    if "b_birth_year" in panel and "b_submitted_at" in panel:
        year = pd.to_datetime(panel["b_submitted_at"]).dt.year.astype("Int64")
        derived = year - panel["b_birth_year"].astype("Int64")
    if "b_age" in panel:
        return panel["b_age"].astype("Int64").fillna(derived)
    return derived


def build_panel(
    person_ids: pd.Series,
    waves: dict[str, pd.DataFrame],
    members: dict[str, pd.Series],
    randomisation: pd.DataFrame | None = None,
    randomisation_member: pd.Series | None = None,
) -> pd.DataFrame:
    """Build the linked panel.

    Parameters
    ----------
    person_ids : pandas.Series
        Pseudonym of each person (index 0..P-1 is the person number).
    waves : dict of str to DataFrame
        Deduplicated wave tables by wave label in panel order (``b``, ``f1``, …, ``r``).
    members : dict of str to Series
        For each wave, wave row index → person number of the linked persons.
    randomisation : DataFrame, optional
        The randomisation list (person-level ``study_id``, ``arm``, ``stratum``).
    randomisation_member : Series, optional
        Randomisation row index → person number.

    Returns
    -------
    pandas.DataFrame
        The panel (see module docstring).
    """
    n = len(person_ids)
    panel = pd.DataFrame({"person_id": person_ids.astype("string").array})
    blocks = {w: _wave_block(frame, members[w], w, n) for w, frame in waves.items()}
    rand_block = None
    if randomisation is not None and randomisation_member is not None:
        rand = randomisation.loc[randomisation_member.index]
        rand.index = randomisation_member.to_numpy()
        rand_block = rand.reindex(range(n))

    panel["round_id"] = _round_ids(blocks, rand_block, n).array
    _add_study_columns(panel, waves, members, rand_block, n)

    for w in waves:
        responded = pd.Series(False, index=range(n))
        responded.loc[members[w].to_numpy()] = True
        panel[f"responded_{w}"] = responded.to_numpy(dtype=bool)

    genders = [blocks[w][f"{w}_gender"] for w in blocks if f"{w}_gender" in blocks[w]]
    if rand_block is not None and "gender" in rand_block:
        genders.append(rand_block["gender"])
    panel["gender"] = (
        _first_stated(genders).array if genders else pd.array([pd.NA] * n, dtype="string")
    )
    wave_columns = (
        pd.concat(list(blocks.values()), axis=1) if blocks else pd.DataFrame(index=range(n))
    )
    panel["age"] = (
        _age(wave_columns).array if "b" in blocks else pd.array([pd.NA] * n, dtype="Int64")
    )
    for col in BACKGROUND:
        key = f"b_{col}"
        if key in wave_columns:
            panel[col] = wave_columns[key].array
    panel = pd.concat([panel, wave_columns.reset_index(drop=True)], axis=1)
    if rand_block is not None:
        panel = _with_randomisation_extras(panel, rand_block)
    return panel


def _round_ids(
    blocks: dict[str, pd.DataFrame], rand_block: pd.DataFrame | None, n: int
) -> pd.Series:
    """Each person's round: from the randomisation list, else the first wave that has one."""
    round_sources = [rand_block] if rand_block is not None else []
    round_sources += [blocks[w].rename(columns={f"{w}_round_id": "round_id"}) for w in blocks]
    round_id = pd.Series(pd.NA, index=range(n), dtype="string")
    for source in round_sources:
        if "round_id" in source:
            round_id = round_id.fillna(source["round_id"].astype("string"))
    return round_id


def _add_study_columns(
    panel: pd.DataFrame,
    waves: dict[str, pd.DataFrame],
    members: dict[str, pd.Series],
    rand_block: pd.DataFrame | None,
    n: int,
) -> None:
    """``study_id``, ``arm``, ``stratum`` (and the take-up columns the list records) from the
    randomisation list, else the waves' study ids."""
    if rand_block is not None:
        for col in RANDOMISATION_PERSON_COLUMNS:
            if col in rand_block:
                panel[col] = rand_block[col].array
        for col in recorded_take_up(rand_block):
            panel[col] = rand_block[col].array
        return
    study_ids = [
        frame["study_id"].loc[members[w].index].set_axis(members[w].to_numpy())
        for w, frame in waves.items()
        if "study_id" in frame.columns
    ]
    if study_ids:
        sid = pd.Series(pd.NA, index=range(n), dtype="string")
        for s in study_ids:
            sid = sid.fillna(s.astype("string").reindex(range(n)))
        panel["study_id"] = sid.array


def _with_randomisation_extras(panel: pd.DataFrame, rand_block: pd.DataFrame) -> pd.DataFrame:
    """The randomisation list's other columns, prefixed ``rand_``, appended to the panel."""
    extra = [
        c
        for c in rand_block.columns
        if c not in (*RANDOMISATION_PERSON_COLUMNS, *TAKE_UP_COLUMNS, "round_id", "link_code")
    ]
    if not extra:
        return panel
    rand_extra = rand_block[extra].reset_index(drop=True)
    rand_extra.columns = [f"rand_{c}" for c in extra]
    return pd.concat([panel, rand_extra], axis=1)
