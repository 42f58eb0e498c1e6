"""Link waves one after another to a growing spine of people and assemble the outputs.

The spine is the randomisation list in randomised studies (everyone randomised becomes a row)
and otherwise the baseline. Each later wave is linked to the spine with
:func:`impact.link.pairwise.link_records`; its records that link to nobody become new people,
so a follow-up answer can still be joined to the same person's result answer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from impact.errors import AnalysisError, InputError, Problem
from impact.link.duplicates import DUPLICATE_RULE, resolve_duplicates
from impact.link.normalise import CodeLayout
from impact.link.pairwise import link_records
from impact.link.panel import build_panel
from impact.link.probabilistic import M_PRIORS, agreement_pattern
from impact.link.pseudonymise import Pseudonymiser, resolve_secret
from impact.link.records import NO_OVERLAP_FIX, InvalidCodes, make_records
from impact.link.report import WAVE_COLUMNS, LinkReport, balance_table
from impact.link.result import LinkResult

if TYPE_CHECKING:
    from impact.engines.sessions import EngineSession

logger = logging.getLogger(__name__)

#: A later wave with at least this many records and no link at all is an error.
MIN_RECORDS_FOR_OVERLAP_CHECK = 5

PAIR_OUTPUT_COLUMNS = [
    "wave",
    "spine_wave",
    "person_id",
    "record",
    "spine_record",
    "stage",
    "match_probability",
    "match_weight",
    "elements_differing",
]


def _person_ids(spine: pd.DataFrame, pseudonymiser: Pseudonymiser) -> pd.Series:
    """Pseudonym per person: keyed hash of the code; unique (``-2``… on collisions)."""
    base = spine["code_h"].astype("string").copy()
    no_code = base.isna()
    if no_code.any():
        stable = spine.loc[no_code, "record"].fillna(spine.loc[no_code, "uid"])
        base[no_code] = [pseudonymiser.hash(r, "person-without-code") for r in stable]
    rank = base.groupby(base).cumcount()
    ids = base.where(rank == 0, base + "-" + (rank + 1).astype("string"))
    return ids.reset_index(drop=True)


def link_to_spine(
    waves: list[tuple[str, str, pd.DataFrame]],
    randomisation: pd.DataFrame | None,
    *,
    secret: str | bytes | None,
    secret_env: str | None,
    allow_ephemeral_secret: bool,
    threshold: float,
    code_elements: Sequence[Sequence[object]] | None,
    invalid_codes: InvalidCodes,
    review_band: Sequence[float],
    m_priors: dict[str, float] | None,
    engine: str = "pandas",
    session: EngineSession | None = None,
    blocking: str = "thorough",
) -> LinkResult:
    """Link waves one after another to the spine and assemble panel, pairs and report.

    Parameters
    ----------
    waves : list of (label, name, DataFrame)
        Waves in panel order (``b`` first); label is the column prefix, name is used in
        messages.
    randomisation : DataFrame or None
        The randomisation list; when given it is the spine, else the first wave is.
    secret, secret_env, allow_ephemeral_secret, threshold, code_elements, invalid_codes, \
review_band, m_priors, engine, session, blocking
        As in :func:`impact.link.link_study` (already validated).

    Returns
    -------
    LinkResult
    """
    from impact.engines.selection import check_engine  # impact.engines builds on impact.link

    engine = check_engine(engine, "linking")
    layout = CodeLayout.from_config(code_elements)
    pseud = Pseudonymiser(
        resolve_secret(secret, secret_env, allow_ephemeral=allow_ephemeral_secret)
    )
    elements = [f"h_{e}" for e in layout.names]

    rand_records = None
    if randomisation is not None:
        rand_records = make_records(
            randomisation,
            "rand",
            layout,
            pseud,
            invalid_codes=invalid_codes,
            id_column="study_id",
            name="randomisation",
        )
        sid = randomisation["study_id"].astype("string")
        dup = sid.duplicated(keep=False) & sid.notna()
        if dup.any() or sid.isna().any():
            rows = [i + 1 for i, b in enumerate((dup | sid.isna()).tolist()) if b][:20]
            raise InputError(
                "Randomisation list: study_id must be present and unique",
                [
                    Problem("randomisation", "a unique study_id", row=r, column="study_id")
                    for r in rows
                ],
            )
    records = {
        w: make_records(f, w, layout, pseud, invalid_codes=invalid_codes, name=name)
        for w, name, f in waves
    }
    names = {w: name for w, name, _ in waves} | {"rand": "randomisation"}

    kept_frames: dict[str, pd.DataFrame] = {}
    kept_records: dict[str, pd.DataFrame] = {}
    dup_tables = []
    for w, _, frame in waves:
        dedup = resolve_duplicates(records[w].frame)
        kept_records[w] = dedup.kept
        kept_frames[w] = frame.loc[dedup.kept.index]
        dup_tables.append(dedup.dropped.assign(wave=w))
        if len(dedup.dropped):
            logger.info("Wave '%s': %d duplicate answer(s) dropped", names[w], len(dedup.dropped))

    if rand_records is not None:
        spine = rand_records.frame.copy()
        spine_wave = "rand"
        to_link = [w for w, _, _ in waves]
    else:
        first = waves[0][0]
        spine = kept_records[first].copy()
        spine_wave = first
        to_link = [w for w, _, _ in waves[1:]]
    spine["origin_wave"] = spine_wave
    spine = spine.reset_index(drop=True)
    members: dict[str, pd.Series] = {}
    if rand_records is None:
        members[spine_wave] = pd.Series(range(len(spine)), index=kept_records[spine_wave].index)

    all_records = pd.concat(
        [r.frame for r in records.values()]
        + ([rand_records.frame] if rand_records is not None else [])
    )
    record_of = all_records.set_index("uid")["record"]
    pair_tables, candidate_tables = [], []
    splink_settings: dict[str, dict] = {}
    wave_rows = []
    for w in to_link:
        wave_records = kept_records[w]
        link = link_records(
            spine, wave_records, elements, threshold, m_priors, session, blocking, engine
        )
        pairs = link.pairs
        n_kept = len(wave_records)
        if n_kept >= MIN_RECORDS_FOR_OVERLAP_CHECK and pairs.empty:
            raise AnalysisError(
                f"No record of wave '{names[w]}' could be linked to "
                f"'{names[spine_wave]}' ({n_kept} records, column 'link_code'): are these "
                f"waves of the same study and is the code layout the same? {NO_OVERLAP_FIX}"
            )
        person_of_uid = pd.Series(spine.index, index=spine["uid"])
        uid_to_index = pd.Series(wave_records.index, index=wave_records["uid"])
        linked_person = person_of_uid.loc[pairs["left_uid"]].to_numpy()
        member = pd.Series(linked_person, index=uid_to_index.loc[pairs["right_uid"]].to_numpy())
        unmatched = wave_records[~wave_records["uid"].isin(pairs["right_uid"])]
        if len(unmatched):
            start = len(spine)
            new = unmatched.assign(origin_wave=w).reset_index(drop=True)
            spine = pd.concat([spine, new], ignore_index=True)
            member = pd.concat(
                [member, pd.Series(range(start, start + len(new)), index=unmatched.index)]
            )
            if rand_records is not None:
                logger.warning(
                    "Wave '%s': %d record(s) not found in the randomisation list",
                    names[w],
                    len(unmatched),
                )
        members[w] = member
        core = pairs[["left_uid", "right_uid", "stage", "match_probability", "match_weight"]]
        core = core.reset_index(drop=True)
        table = pd.concat([core, agreement_pattern(core, spine, wave_records, elements)], axis=1)
        table["wave"] = w
        pair_tables.append(table)
        cand = link.candidates.copy()
        cand["wave"] = w
        candidate_tables.append(cand)
        if link.settings is not None:
            splink_settings[w] = link.settings
        counts = pairs["stage"].value_counts() if len(pairs) else pd.Series(dtype=int)
        wave_rows.append(
            {
                "wave": w,
                "role": f"linked to {names[spine_wave]}",
                "records": len(records[w].frame),
                "invalid_codes": records[w].invalid,
                "duplicates": len(records[w].frame) - n_kept,
                "linked_study_id": int(counts.get("study_id", 0)),
                "linked_exact": int(counts.get("exact", 0)),
                "linked_splink": int(counts.get("splink", 0)),
                "linked": len(pairs),
                "unmatched": n_kept - len(pairs),
                "ambiguous": link.ambiguous,
                "share_linked": len(pairs) / n_kept,
                "prior_match_probability": link.prior_lambda,
            }
        )

    person_ids = _person_ids(spine, pseud)
    origin = spine["origin_wave"]
    uid_person = pd.Series(person_ids.to_numpy(), index=spine["uid"].to_numpy())
    pairs_out = _finish_pairs(pair_tables, uid_person, record_of, spine, elements)
    candidates = _finish_candidates(candidate_tables, spine, record_of, elements)

    spine_rows = (
        []
        if rand_records is None
        else [_spine_row("rand", len(randomisation), rand_records.invalid)]
    )
    if rand_records is None:
        w0 = spine_wave
        spine_rows.append(
            _spine_row(
                w0,
                len(records[w0].frame),
                records[w0].invalid,
                len(records[w0].frame) - len(kept_records[w0]),
            )
        )
    waves_table = pd.DataFrame(spine_rows + wave_rows, columns=WAVE_COLUMNS)
    for col in (
        "linked_study_id",
        "linked_exact",
        "linked_splink",
        "linked",
        "unmatched",
        "ambiguous",
    ):
        waves_table[col] = waves_table[col].astype("Int64")
    waves_table["share_linked"] = waves_table["share_linked"].astype("Float64")
    waves_table["prior_match_probability"] = waves_table["prior_match_probability"].astype(
        "Float64"
    )

    rand_member = None
    if rand_records is not None:
        rand_member = pd.Series(range(len(randomisation)), index=randomisation.index)
    panel = build_panel(
        person_ids, {w: kept_frames[w] for w, _, _ in waves}, members, randomisation, rand_member
    )
    later = [w for w in to_link if w != "b"]
    duplicates = pd.concat(dup_tables, ignore_index=True)[
        ["wave", "dropped_record", "kept_record", "key"]
    ]
    report = LinkReport(
        waves=waves_table,
        balance=balance_table(panel, later),
        duplicates=duplicates,
        candidates=candidates,
        threshold=float(threshold),
        review_band=(float(review_band[0]), float(review_band[1])),
        splink_settings=splink_settings,
        notes=[
            f"Duplicates within a wave: same study_id, or same code, birth year and round; "
            f"{DUPLICATE_RULE}.",
            "Splink: u from value frequencies; m and the prior match probability by EM over "
            f"candidates and exact links, m shrunk toward priors {M_PRIORS | (m_priors or {})}.",
            f"Links need match probability ≥ {threshold:g}; one-to-one by optimal assignment.",
            f"Code layout: {layout.describe()}; person_id = HMAC-SHA256 of the normalised code.",
        ],
    )
    logger.info(
        "Linked %d persons (%d first seen in a later wave)",
        len(panel),
        int((origin != spine_wave).sum()),
    )
    return LinkResult(panel=panel, pairs=pairs_out, report=report)


def _spine_row(wave: str, records: int, invalid: int, duplicates: int = 0) -> dict:
    return {
        "wave": wave,
        "role": "spine",
        "records": records,
        "invalid_codes": invalid,
        "duplicates": duplicates,
        "linked_study_id": pd.NA,
        "linked_exact": pd.NA,
        "linked_splink": pd.NA,
        "linked": pd.NA,
        "unmatched": pd.NA,
        "ambiguous": pd.NA,
        "share_linked": pd.NA,
        "prior_match_probability": pd.NA,
    }


def _finish_pairs(
    tables: list[pd.DataFrame],
    uid_person: pd.Series,
    record_of: pd.Series,
    spine: pd.DataFrame,
    elements: list[str],
) -> pd.DataFrame:
    pattern = [f"agree_{e.removeprefix('h_')}" for e in elements]
    columns = PAIR_OUTPUT_COLUMNS + pattern
    columns += ["birth_year_agreement", "gender_agreement", "round_agreement"]
    tables = [t for t in tables if len(t)]
    if not tables:
        return pd.DataFrame(columns=columns)
    pairs = pd.concat(tables, ignore_index=True)
    origin = spine.set_index("uid")["origin_wave"]
    pairs["spine_wave"] = origin.loc[pairs["left_uid"]].to_numpy()
    pairs["person_id"] = uid_person.loc[pairs["left_uid"]].to_numpy()
    pairs["record"] = record_of.loc[pairs["right_uid"]].to_numpy()
    pairs["spine_record"] = record_of.loc[pairs["left_uid"]].to_numpy()
    out = pairs[columns].copy()
    for col in ("wave", "spine_wave", "person_id", "record", "spine_record", "stage"):
        out[col] = out[col].astype("string")
    return out


def _finish_candidates(
    tables: list[pd.DataFrame], spine: pd.DataFrame, record_of: pd.Series, elements: list[str]
) -> pd.DataFrame:
    pattern = [f"agree_{e.removeprefix('h_')}" for e in elements]
    columns = [
        "wave",
        "spine_wave",
        "spine_record",
        "record",
        "match_probability",
        "match_weight",
        "elements_differing",
        *pattern,
        "birth_year_agreement",
        "gender_agreement",
        "round_agreement",
        "linked",
    ]
    tables = [t for t in tables if len(t)]
    if not tables:
        return pd.DataFrame(columns=columns)
    cand = pd.concat(tables, ignore_index=True)
    origin = spine.set_index("uid")["origin_wave"]
    cand["spine_wave"] = origin.loc[cand["left_uid"]].to_numpy()
    cand["spine_record"] = record_of.loc[cand["left_uid"]].to_numpy()
    cand["record"] = record_of.loc[cand["right_uid"]].to_numpy()
    return cand[columns]
