"""Link waves one after another to a growing spine of people and assemble the outputs.

The spine is the randomisation list in randomised studies (everyone randomised becomes a row)
and otherwise the baseline. Each later wave is linked to the spine with
:func:`impact.link.pairwise.link_records`; its records that link to nobody become new people,
so a follow-up answer can still be joined to the same person's result answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from impact.engines.sessions import EngineSession
from impact.errors import AnalysisError, InputError, Problem
from impact.ingest.codes import CodeLayout
from impact.link.assemble import (
    finish_candidates,
    finish_pairs,
    spine_rows,
    wave_row,
    waves_table,
)
from impact.link.duplicates import DUPLICATE_RULE, resolve_duplicates
from impact.link.options import LinkOptions
from impact.link.pairwise import link_records
from impact.link.panel import build_panel
from impact.link.probabilistic import M_PRIORS, agreement_pattern
from impact.link.pseudonymise import Pseudonymiser, resolve_secret
from impact.link.records import NO_OVERLAP_FIX, InvalidCodes, WaveRecords, make_records
from impact.link.report import LinkReport, balance_table
from impact.link.result import LinkResult

logger = logging.getLogger(__name__)

#: A later wave with at least this many records and no link at all is an error.
MIN_RECORDS_FOR_OVERLAP_CHECK = 5


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


@dataclass
class _Spine:
    """The people known so far while the waves are linked one after another.

    ``frame`` holds one linking record per person (row number = person number) with its
    ``origin_wave``; ``members[w]`` maps each kept record of wave ``w`` (by its row label) to
    its person number.
    """

    frame: pd.DataFrame
    wave: str
    members: dict[str, pd.Series] = field(default_factory=dict)

    def add_unmatched(self, wave: str, unmatched: pd.DataFrame) -> pd.Series:
        """Append a wave's records that linked to nobody as new people; their person numbers."""
        start = len(self.frame)
        new = unmatched.assign(origin_wave=wave).reset_index(drop=True)
        self.frame = pd.concat([self.frame, new], ignore_index=True)
        return pd.Series(range(start, start + len(new)), index=unmatched.index)


@dataclass
class _Outputs:
    """What the waves add up to while they are linked: pair tables, candidates, report rows."""

    pairs: list[pd.DataFrame] = field(default_factory=list)
    candidates: list[pd.DataFrame] = field(default_factory=list)
    settings: dict[str, dict] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)


def link_to_spine(
    waves: list[tuple[str, str, pd.DataFrame]],
    randomisation: pd.DataFrame | None,
    options: LinkOptions,
    session: EngineSession | None = None,
) -> LinkResult:
    """Link waves one after another to the spine and assemble panel, pairs and report.

    Parameters
    ----------
    waves : list of (label, name, DataFrame)
        Waves in panel order (``b`` first); label is the column prefix, name is used in
        messages.
    randomisation : DataFrame or None
        The randomisation list; when given it is the spine, else the first wave is.
    options : LinkOptions
        The validated options of :func:`impact.link.link_study`.
    session : EngineSession, optional
        An open session of ``options.engine`` (default: one opened for each wave linked).

    Returns
    -------
    LinkResult
    """
    layout = CodeLayout.from_config(options.code_elements)
    pseud = Pseudonymiser(
        resolve_secret(
            options.secret, options.secret_env, allow_ephemeral=options.allow_ephemeral_secret
        )
    )
    elements = [f"h_{e}" for e in layout.names]
    rand_records = _randomisation_records(randomisation, layout, pseud, options.invalid_codes)
    records = {
        w: make_records(f, w, layout, pseud, invalid_codes=options.invalid_codes, name=name)
        for w, name, f in waves
    }
    names = {w: name for w, name, _ in waves} | {"rand": "randomisation"}
    kept_frames, kept_records, duplicates = _drop_duplicates(waves, records, names)
    spine, to_link = _start_spine(waves, rand_records, kept_records)
    all_records = pd.concat(
        [r.frame for r in records.values()]
        + ([rand_records.frame] if rand_records is not None else [])
    )
    record_of = all_records.set_index("uid")["record"]
    outputs = _Outputs()
    for w in to_link:
        _link_wave(w, spine, kept_records[w], records[w], names, elements, options, session,
                   outputs, warn_unmatched=rand_records is not None)  # fmt: skip
    person_ids = _person_ids(spine.frame, pseud)
    uid_person = pd.Series(person_ids.to_numpy(), index=spine.frame["uid"].to_numpy())
    pairs_out = finish_pairs(outputs.pairs, uid_person, record_of, spine.frame, elements)
    candidates = finish_candidates(outputs.candidates, spine.frame, record_of, elements)
    per_wave = waves_table(
        spine_rows(spine.wave, randomisation, rand_records, records, kept_records) + outputs.rows
    )
    panel = _panel(person_ids, waves, kept_frames, spine, randomisation)
    report = LinkReport(
        waves=per_wave,
        balance=balance_table(panel, [w for w in to_link if w != "b"]),
        duplicates=duplicates,
        candidates=candidates,
        threshold=float(options.threshold),
        review_band=(float(options.review_band[0]), float(options.review_band[1])),
        splink_settings=outputs.settings,
        notes=_report_notes(options, layout),
    )
    logger.info(
        "Linked %d persons (%d first seen in a later wave)",
        len(panel),
        int((spine.frame["origin_wave"] != spine.wave).sum()),
    )
    return LinkResult(panel=panel, pairs=pairs_out, report=report)


def _panel(
    person_ids: pd.Series,
    waves: list[tuple[str, str, pd.DataFrame]],
    kept_frames: dict[str, pd.DataFrame],
    spine: _Spine,
    randomisation: pd.DataFrame | None,
) -> pd.DataFrame:
    """The linked panel: one row per person of the spine."""
    rand_member = None
    if randomisation is not None:
        rand_member = pd.Series(range(len(randomisation)), index=randomisation.index)
    return build_panel(
        person_ids,
        {w: kept_frames[w] for w, _, _ in waves},
        spine.members,
        randomisation,
        rand_member,
    )


def _randomisation_records(
    randomisation: pd.DataFrame | None,
    layout: CodeLayout,
    pseud: Pseudonymiser,
    invalid_codes: InvalidCodes,
) -> WaveRecords | None:
    """The randomisation list's linking records (``None`` without a list); unique study ids."""
    if randomisation is None:
        return None
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
            [Problem("randomisation", "a unique study_id", row=r, column="study_id") for r in rows],
        )
    return rand_records


def _drop_duplicates(
    waves: list[tuple[str, str, pd.DataFrame]],
    records: dict[str, WaveRecords],
    names: dict[str, str],
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame], pd.DataFrame]:
    """Each wave's kept answers and linking records, and the table of dropped duplicates."""
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
    duplicates = pd.concat(dup_tables, ignore_index=True)[
        ["wave", "dropped_record", "kept_record", "key"]
    ]
    return kept_frames, kept_records, duplicates


def _start_spine(
    waves: list[tuple[str, str, pd.DataFrame]],
    rand_records: WaveRecords | None,
    kept_records: dict[str, pd.DataFrame],
) -> tuple[_Spine, list[str]]:
    """The spine before any wave is linked to it, and the waves to link, in order."""
    if rand_records is not None:
        frame = rand_records.frame.copy()
        spine_wave = "rand"
        to_link = [w for w, _, _ in waves]
    else:
        spine_wave = waves[0][0]
        frame = kept_records[spine_wave].copy()
        to_link = [w for w, _, _ in waves[1:]]
    frame["origin_wave"] = spine_wave
    spine = _Spine(frame.reset_index(drop=True), spine_wave)
    if rand_records is None:
        spine.members[spine_wave] = pd.Series(
            range(len(spine.frame)), index=kept_records[spine_wave].index
        )
    return spine, to_link


def _link_wave(
    w: str,
    spine: _Spine,
    wave_records: pd.DataFrame,
    records: WaveRecords,
    names: dict[str, str],
    elements: list[str],
    options: LinkOptions,
    session: EngineSession | None,
    outputs: _Outputs,
    *,
    warn_unmatched: bool,
) -> None:
    """Link one wave's kept records to the spine; its unmatched records become new people."""
    link = link_records(
        spine.frame,
        wave_records,
        elements,
        options.threshold,
        options.m_priors,
        session,
        options.blocking,
        options.engine,
    )
    pairs = link.pairs
    n_kept = len(wave_records)
    if n_kept >= MIN_RECORDS_FOR_OVERLAP_CHECK and pairs.empty:
        raise AnalysisError(
            f"No record of wave '{names[w]}' could be linked to "
            f"'{names[spine.wave]}' ({n_kept} records, column 'link_code'): are these "
            f"waves of the same study and is the code layout the same? {NO_OVERLAP_FIX}"
        )
    person_of_uid = pd.Series(spine.frame.index, index=spine.frame["uid"])
    uid_to_index = pd.Series(wave_records.index, index=wave_records["uid"])
    linked_person = person_of_uid.loc[pairs["left_uid"]].to_numpy()
    member = pd.Series(linked_person, index=uid_to_index.loc[pairs["right_uid"]].to_numpy())
    unmatched = wave_records[~wave_records["uid"].isin(pairs["right_uid"])]
    if len(unmatched):
        member = pd.concat([member, spine.add_unmatched(w, unmatched)])
        if warn_unmatched:
            logger.warning(
                "Wave '%s': %d record(s) not found in the randomisation list",
                names[w],
                len(unmatched),
            )
    spine.members[w] = member
    core = pairs[["left_uid", "right_uid", "stage", "match_probability", "match_weight"]]
    core = core.reset_index(drop=True)
    table = pd.concat([core, agreement_pattern(core, spine.frame, wave_records, elements)], axis=1)
    table["wave"] = w
    outputs.pairs.append(table)
    cand = link.candidates.copy()
    cand["wave"] = w
    outputs.candidates.append(cand)
    if link.settings is not None:
        outputs.settings[w] = link.settings
    outputs.rows.append(wave_row(w, names[spine.wave], records, n_kept, link))


def _report_notes(options: LinkOptions, layout: CodeLayout) -> list[str]:
    priors = M_PRIORS | (options.m_priors or {})
    return [
        f"Duplicates within a wave: same study_id, or same code, birth year and round; "
        f"{DUPLICATE_RULE}.",
        "Splink: u from value frequencies; m and the prior match probability by EM over "
        f"candidates and exact links, m shrunk toward priors {priors}.",
        f"Links need match probability ≥ {options.threshold:g}; one-to-one by optimal assignment.",
        f"Code layout: {layout.describe()}; person_id = HMAC-SHA256 of the normalised code.",
    ]
