"""Link two large waves on an engine: :func:`link_at_scale`.

The stages are those of :func:`impact.link.link_waves` (normalise and pseudonymise codes,
drop duplicate answers, exact links, a Fellegi–Sunter model on the rest, one-to-one
assignment), and the pieces are reused from :mod:`impact.link`: code normalisation and keyed
hashing (:func:`impact.link.records.make_records`, in chunks), duplicate resolution, the
comparison settings and m priors (:func:`impact.link.probabilistic.build_settings`), the EM
(:mod:`impact.link.training`, here on pattern counts) and the optimal one-to-one assignment
(:func:`impact.link.assign.one_to_one`). What changes with the engine:

``pandas``
    Everything in memory: exact links with :func:`impact.link.exact.exact_links`, blocking by
    pandas joins, agreement patterns and EM on the pairs.
``duckdb`` / ``spark``
    Records are loaded into the engine; exact links, blocking and comparisons (Splink's DuckDB
    or Spark backend), pattern counts and scoring run there; only aggregates and the pairs
    above the threshold come back.

All engines give the same pairs and metrics for the same blocking rules
(:mod:`impact.engines.link_blocking`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.engines import link_stages
from impact.engines.link_blocking import (
    Blocking,
    blocking_keys,
    check_blocking,
    splink_rules,
)
from impact.engines.selection import Engine, check_engine
from impact.engines.sessions import EngineSession, open_session
from impact.errors import AnalysisError, InputError, Problem
from impact.link.api import DEFAULT_THRESHOLD
from impact.link.assign import one_to_one
from impact.link.duplicates import resolve_duplicates
from impact.link.normalise import CodeLayout
from impact.link.pseudonymise import DEFAULT_SECRET_ENV, Pseudonymiser, resolve_secret
from impact.link.records import NO_OVERLAP_FIX, InvalidCodes, make_records
from impact.link.report import WAVE_COLUMNS
from impact.results import Result

logger = logging.getLogger(__name__)

PAIR_COLUMNS = [
    "spine_record",
    "record",
    "stage",
    "match_probability",
    "match_weight",
    "elements_differing",
]
#: A later wave with at least this many records and no link at all is an error.
MIN_RECORDS_FOR_OVERLAP_CHECK = 5


@dataclass(repr=False)
class ScaleLinkResult(Result):
    """Pairs and metrics of linking one later wave to the baseline on an engine.

    Attributes
    ----------
    engine, blocking : str
        Where it ran and with which blocking rule set.
    pairs : pandas.DataFrame
        One row per link: ``spine_record``, ``record`` (pseudonymised response ids of the
        baseline and later answer), ``stage`` (``study_id``, ``exact``, ``splink``),
        ``match_probability``, ``match_weight`` (log2 odds; missing for exact links),
        ``elements_differing``. Sorted by ``record``.
    metrics : pandas.DataFrame
        The link report's per-wave counts (columns of :data:`impact.link.report.WAVE_COLUMNS`):
        the baseline row and the later wave's row.
    comparisons : int
        Pairs compared by the probabilistic stage (after blocking).
    candidates : int
        Compared pairs kept as candidates (no study id conflict, ≤ 2 elements differing).
    settings : dict or None
        The trained Splink settings (m, u, λ filled in; blocking rules of ``blocking``).
    seconds : dict
        Wall time per stage.
    """

    engine: str
    blocking: str
    pairs: pd.DataFrame
    metrics: pd.DataFrame
    comparisons: int
    candidates: int
    settings: dict | None
    seconds: dict[str, float] = field(default_factory=dict)
    title: str = "Linking at scale"

    def tidy(self) -> pd.DataFrame:
        """The per-wave link counts."""
        return self.metrics.copy()

    def summary(self) -> str:
        """Links by stage, comparisons, and time."""
        row = self.metrics.iloc[-1]
        total = sum(self.seconds.values())
        return (
            f"{self.title} ({self.engine}, {self.blocking} blocking): {int(row['linked'])} of "
            f"{int(row['records']) - int(row['duplicates'])} records linked "
            f"({int(row['linked_exact']) + int(row['linked_study_id'])} exact, "
            f"{int(row['linked_splink'])} by Splink); {self.comparisons} pairs compared, "
            f"{self.candidates} candidates; {total:.1f} s"
        )


def prepare_records(
    frame: pd.DataFrame,
    wave: str,
    layout: CodeLayout,
    pseudonymiser: Pseudonymiser,
    invalid_codes: InvalidCodes,
    chunk_size: int,
    name: str,
) -> tuple[pd.DataFrame, int]:
    """Normalise, pseudonymise (in chunks) and deduplicate one wave's linking records.

    Returns the kept records (``uid`` = ``<wave>:<row>`` as in :mod:`impact.link`) and the
    number of invalid codes.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"Wave '{name}' is not a table",
            [Problem(name, "a pandas DataFrame", value=type(frame).__name__)],
        )
    size = max(int(chunk_size), 1)
    parts, invalid = [], 0
    for start in range(0, max(len(frame), 1), size):
        chunk = frame.iloc[start : start + size]
        records = make_records(
            chunk,
            wave,
            layout,
            pseudonymiser,
            invalid_codes=invalid_codes,
            name=name,
            first_row=start,
        )
        parts.append(records.frame)
        invalid += records.invalid
    records = pd.concat(parts) if len(parts) > 1 else parts[0]
    return resolve_duplicates(records).kept, invalid


def _metrics(
    wave: str,
    n_left: tuple[int, int, int],
    n_right: tuple[int, int, int],
    pairs: pd.DataFrame,
    ambiguous: int,
    prior_lambda: float,
) -> pd.DataFrame:
    counts = pairs["stage"].value_counts()
    records_r, invalid_r, kept_r = n_right
    rows = [
        {
            "wave": "b",
            "role": "spine",
            "records": n_left[0],
            "invalid_codes": n_left[1],
            "duplicates": n_left[0] - n_left[2],
        },
        {
            "wave": wave,
            "role": "linked to baseline",
            "records": records_r,
            "invalid_codes": invalid_r,
            "duplicates": records_r - kept_r,
            "linked_study_id": int(counts.get("study_id", 0)),
            "linked_exact": int(counts.get("exact", 0)),
            "linked_splink": int(counts.get("splink", 0)),
            "linked": len(pairs),
            "unmatched": kept_r - len(pairs),
            "ambiguous": ambiguous,
            "share_linked": len(pairs) / kept_r if kept_r else float("nan"),
            "prior_match_probability": prior_lambda,
        },
    ]
    table = pd.DataFrame(rows, columns=WAVE_COLUMNS)
    for col in WAVE_COLUMNS[2:11]:
        table[col] = table[col].astype("Int64")
    for col in ("share_linked", "prior_match_probability"):
        table[col] = table[col].astype("Float64")
    return table


def link_at_scale(
    baseline: pd.DataFrame,
    later: pd.DataFrame,
    *,
    engine: Engine = "pandas",
    secret: str | bytes | None,
    secret_env: str | None = DEFAULT_SECRET_ENV,
    allow_ephemeral_secret: bool = False,
    later_wave: str = "r",
    threshold: float = DEFAULT_THRESHOLD,
    code_elements: Sequence[Sequence[object]] | None = None,
    invalid_codes: InvalidCodes = "unlinked",
    blocking: Blocking = "linear",
    m_priors: dict[str, float] | None = None,
    session: EngineSession | None = None,
    chunk_size: int = 250_000,
    predict_chunks: int = 1,
) -> ScaleLinkResult:
    """Link a later wave to the baseline on pandas, DuckDB or Spark.

    Parameters
    ----------
    baseline, later : pandas.DataFrame
        Canonical wave tables (``response_id``, ``link_code``, ``birth_year``, ``gender``;
        ``round_id``, ``study_id``, ``submitted_at`` used when present).
    engine : {"pandas", "duckdb", "spark"}
        Where the stages run (see the module docstring).
    secret, secret_env, allow_ephemeral_secret, threshold, code_elements, invalid_codes, m_priors
        As in :func:`impact.link.link_waves`.
    later_wave : str
        Label of the later wave in the metrics (``r``, ``f1`` …).
    blocking : {"linear", "thorough"}
        Blocking rule set (:mod:`impact.engines.link_blocking`); ``thorough`` reproduces
        :mod:`impact.link`.
    session : EngineSession, optional
        An open DuckDB or Spark session (default: one opened for this call).
    chunk_size : int
        Records normalised and hashed at a time (bounds Python memory).
    predict_chunks : int
        Split Splink's comparisons into this many chunks of the left table (bounds the
        engine's memory on very large waves).

    Returns
    -------
    ScaleLinkResult

    Raises
    ------
    InputError
        Bad options, missing columns, unusable codes, missing secret.
    AnalysisError
        Identical codes, or a wave that links to nobody.
    """
    engine = check_engine(engine)
    blocking = check_blocking(blocking)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 < threshold < 1
    ):
        raise InputError(
            "Invalid linking options",
            [
                Problem(
                    "linking",
                    "a probability strictly between 0 and 1",
                    column="threshold",
                    value=repr(threshold),
                )
            ],
        )
    if invalid_codes not in ("unlinked", "error"):
        raise InputError(
            "Invalid linking options",
            [
                Problem(
                    "linking",
                    "one of ['unlinked', 'error']",
                    column="invalid_codes",
                    value=repr(invalid_codes),
                )
            ],
        )
    layout = CodeLayout.from_config(code_elements)
    pseud = Pseudonymiser(
        resolve_secret(secret, secret_env, allow_ephemeral=allow_ephemeral_secret)
    )
    elements = [f"h_{e}" for e in layout.names]
    keys = blocking_keys(elements, blocking)
    rules = splink_rules(keys)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    left, invalid_l = prepare_records(
        baseline, "b", layout, pseud, invalid_codes, chunk_size, "baseline"
    )
    right, invalid_r = prepare_records(
        later, later_wave, layout, pseud, invalid_codes, chunk_size, later_wave
    )
    seconds["records"] = time.perf_counter() - clock
    clock = time.perf_counter()
    if engine == "pandas":
        stage = link_stages.pandas_stage(left, right, elements, keys, threshold, m_priors, rules)
    else:
        own = session is None
        active = open_session(engine) if own else session
        try:
            stage = link_stages.sql_stage(
                active, left, right, elements, keys, threshold, m_priors, rules, predict_chunks
            )
        finally:
            if own:
                active.close()
    seconds["link"] = time.perf_counter() - clock
    clock = time.perf_counter()
    # a fixed order, so ties in the assignment are broken the same way on every engine
    above = stage["above"].sort_values(["left_uid", "right_uid"], kind="stable")
    assignment = one_to_one(above.reset_index(drop=True), threshold)
    fuzzy = assignment.chosen.assign(stage="splink")
    exact = stage["exact"].assign(match_probability=1.0, match_weight=np.nan)
    pairs = pd.concat([p for p in (exact, fuzzy) if len(p)] or [exact], ignore_index=True)
    if len(right) >= MIN_RECORDS_FOR_OVERLAP_CHECK and pairs.empty:
        raise AnalysisError(
            f"No record of wave '{later_wave}' could be linked to the baseline "
            f"({len(right)} records, column 'link_code'): are these waves of the same study and "
            f"is the code layout the same? {NO_OVERLAP_FIX}"
        )
    record_of = pd.concat([left.set_index("uid")["record"], right.set_index("uid")["record"]])
    out = pd.DataFrame(
        {
            "spine_record": record_of.reindex(pairs["left_uid"]).to_numpy(),
            "record": record_of.reindex(pairs["right_uid"]).to_numpy(),
            "stage": pairs["stage"].to_numpy(),
            "match_probability": pairs["match_probability"].to_numpy(dtype=float),
            "match_weight": pairs["match_weight"].to_numpy(dtype=float),
            "elements_differing": pairs["elements_differing"].to_numpy(dtype=int),
        }
    )
    for col in ("spine_record", "record", "stage"):
        out[col] = out[col].astype("string")
    out["elements_differing"] = out["elements_differing"].astype("Int64")
    out = out.sort_values("record", kind="stable").reset_index(drop=True)
    metrics = _metrics(
        later_wave,
        (len(baseline), invalid_l, len(left)),
        (len(later), invalid_r, len(right)),
        pairs,
        stage["ambiguous"] + assignment.ambiguous,
        stage["prior_lambda"],
    )
    seconds["assign"] = time.perf_counter() - clock
    result = ScaleLinkResult(
        engine=engine,
        blocking=blocking,
        pairs=out,
        metrics=metrics,
        comparisons=int(stage["compared"]),
        candidates=int(stage["candidates"]),
        settings=stage["settings"],
        seconds=seconds,
    )
    logger.info(result.summary())
    return result
