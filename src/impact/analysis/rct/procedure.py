"""The declared randomisation procedure: re-draw assignments exactly as the study randomised.

A study declares how it randomised once (the ``randomisation:`` section of the study file,
``docs/ingest.md``); :class:`RandomisationProcedure` binds that declaration to the randomised
rows and re-draws assignments with randomizr's semantics:

``complete``
    ``complete_ra``: exactly ``m`` of the ``N`` people treated;
``blocked``
    ``block_ra``: ``complete_ra`` separately in every block;
``clustered``
    ``cluster_ra``: ``complete_ra`` over whole clusters (everyone in a cluster shares its arm);
``blocked_and_clustered``
    ``block_and_cluster_ra``: ``complete_ra`` over the clusters of every block.

The number treated in a block of ``N`` units (people, or clusters) with probability ``p`` is
``N·p`` when that is a whole number. Otherwise it is ``floor(N·p)`` or ``floor(N·p) + 1``, the
latter with probability ``N·p − floor(N·p)``, as ``complete_ra`` does, so every unit's
probability is exactly ``p``. Without a declared probability (``probability=None``) the counts
are the observed ones (the analysis conditions on them), which is what the randomisation test
did before procedures could be declared: permutation within strata.

:func:`check_consistency` tells whether the observed assignment could have come from the
declared procedure (clusters not split across arms, clusters nested in blocks, counts per block).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from impact.errors import InputError, Problem

from .design import SOURCE, require_columns, treatment_indicator

Procedure = Literal["complete", "blocked", "clustered", "blocked_and_clustered"]
PROCEDURES: tuple[str, ...] = ("complete", "blocked", "clustered", "blocked_and_clustered")

_CHUNK_ELEMENTS = 250_000
_FIX = (
    "fix: correct the randomisation list (inputs.randomisation), or declare the procedure that "
    "was actually used in the study file's randomisation: section (docs/ingest.md)"
)


@dataclass(frozen=True)
class Declaration:
    """What the study file declares (columns and probabilities, no data).

    Attributes
    ----------
    procedure : {"complete", "blocked", "clustered", "blocked_and_clustered"}
    blocks : str or None
        Block (stratum) column, for the blocked procedures.
    clusters : str or None
        Cluster column, for the clustered procedures.
    probability : float or None
        Share treated; ``None``: the observed number treated per block is taken as fixed.
    block_probabilities : mapping of block → share, optional
        Per-block shares (override ``probability`` for the blocks named).
    """

    procedure: Procedure = "blocked"
    blocks: str | None = "stratum"
    clusters: str | None = None
    probability: float | None = None
    block_probabilities: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.procedure not in PROCEDURES:
            raise InputError(
                f"randomisation procedure {self.procedure!r} is not known; expected one of "
                f"{', '.join(PROCEDURES)}"
            )
        if self.procedure.startswith("blocked") and not self.blocks:
            raise InputError(f"procedure {self.procedure!r} needs a block column (blocks)")
        if "clustered" in self.procedure and not self.clusters:
            raise InputError(f"procedure {self.procedure!r} needs a cluster column (clusters)")

    @property
    def block_column(self) -> str | None:
        """The block column used (None for complete and clustered designs)."""
        return self.blocks if self.procedure.startswith("blocked") else None

    @property
    def cluster_column(self) -> str | None:
        """The cluster column used (None for complete and blocked designs)."""
        return self.clusters if "clustered" in self.procedure else None

    def to_dict(self) -> dict:
        """The declaration as JSON-ready values (for ``settings.json`` and the report)."""
        return {
            "procedure": self.procedure,
            "blocks": self.block_column,
            "clusters": self.cluster_column,
            "probability": self.probability,
            "block_probabilities": dict(self.block_probabilities),
        }

    def describe(self) -> str:
        """A short English description, for settings and method notes."""
        parts = [self.procedure.replace("_", " ")]
        if self.block_column:
            parts.append(f"blocks {self.block_column!r}")
        if self.cluster_column:
            parts.append(f"clusters {self.cluster_column!r}")
        if self.probability is None and not self.block_probabilities:
            parts.append("observed number treated per block kept")
        else:
            share = self.probability if self.probability is not None else 0.5
            parts.append(f"probability {share:g}")
            if self.block_probabilities:
                parts.append(f"per-block probabilities {dict(self.block_probabilities)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class RandomisationProcedure:
    """A declaration bound to the randomised rows; :meth:`draw` re-draws assignments.

    Attributes
    ----------
    declaration : Declaration
    z : ndarray (n,)
        Observed assignment of the rows (1 treatment, 0 control).
    unit : ndarray (n,)
        Randomisation unit of every row (cluster code, or the row itself).
    unit_block : ndarray (units,)
        Block code of every unit.
    block_names : list of str
    counts : list of ((m, probability), ...) per block
        The possible numbers of treated units per block and their probabilities.
    """

    declaration: Declaration
    z: np.ndarray
    unit: np.ndarray
    unit_block: np.ndarray
    block_names: list[str]
    counts: list[tuple[tuple[int, float], ...]]

    @classmethod
    def from_data(
        cls, data: pd.DataFrame, declaration: Declaration | None = None, *, arm: str | None = "arm"
    ) -> RandomisationProcedure:
        """Bind ``declaration`` (default: blocked by ``stratum``, observed counts) to ``data``.

        ``arm=None`` binds a design that has not been randomised yet (design diagnosis): there
        is no observed assignment to check, and every block needs a declared probability.

        Raises
        ------
        InputError
            A column is missing or has missing values, or the observed assignment is not one
            the declared procedure can produce (see :func:`check_consistency`).
        """
        declaration = declaration or Declaration()
        blocks = _codes(data, declaration.block_column, "block")
        if declaration.cluster_column is None:
            unit = np.arange(len(data))
        else:
            unit = _codes(data, declaration.cluster_column, "cluster")
        names = _names(data, declaration.block_column)
        if arm is not None:
            z = treatment_indicator(data, arm)
        elif any(declared_probability(declaration, name) is None for name in names):
            raise InputError(
                "randomisation: a design without an observed assignment (arm=None) needs the "
                "share treated; fix: give probability (or block_probabilities for every block)"
            )
        else:
            z = np.zeros(len(data))
        unit_z, unit_block = check_consistency(data, declaration, z, unit, blocks, names, arm)
        counts = [
            _block_counts(declaration, names[b], unit_z[unit_block == b]) for b in range(len(names))
        ]
        return cls(declaration, z, unit, unit_block, names, counts)

    @property
    def n_units(self) -> int:
        """Number of randomisation units (clusters, or people)."""
        return self.unit_block.size

    def count_assignments(self) -> int:
        """Number of distinct assignments the procedure can produce."""
        total = 1
        for b, options in enumerate(self.counts):
            size = int(np.sum(self.unit_block == b))
            total *= sum(math.comb(size, m) for m, _ in options)
        return total

    def draw(self, rng: np.random.Generator, n_draws: int) -> np.ndarray:
        """``n_draws`` × n matrix (int8 0/1) of assignments re-drawn as declared."""
        units = np.zeros((n_draws, self.n_units), dtype=np.int8)
        for b, options in enumerate(self.counts):
            idx = np.flatnonzero(self.unit_block == b)
            if len(options) == 1:
                units[:, idx] = _subsets(idx.size, options[0][0], n_draws, rng)
                continue
            ms = np.array([m for m, _ in options])
            chosen = rng.choice(ms, size=n_draws, p=[p for _, p in options])
            for m in ms:
                rows = np.flatnonzero(chosen == m)
                if rows.size:
                    units[np.ix_(rows, idx)] = _subsets(idx.size, int(m), rows.size, rng)
        return units[:, self.unit]

    def enumerate(self) -> tuple[np.ndarray, np.ndarray]:
        """Every possible assignment (N × n int8) and its probability (N,)."""
        per_block = []
        for b, options in enumerate(self.counts):
            idx = np.flatnonzero(self.unit_block == b)
            choices = []
            for m, prob in options:
                subsets = list(itertools.combinations(range(idx.size), m))
                choices += [(idx[list(c)], prob / len(subsets)) for c in subsets]
            per_block.append(choices)
        combos = list(itertools.product(*per_block))
        units = np.zeros((len(combos), self.n_units), dtype=np.int8)
        weights = np.ones(len(combos))
        for i, combo in enumerate(combos):
            for treated, prob in combo:
                units[i, treated] = 1
                weights[i] *= prob
        return units[:, self.unit], weights


def _subsets(size: int, m: int, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """``n_draws`` uniformly random subsets of ``m`` of ``size`` units, as 0/1 rows.

    The ``m`` units with the smallest of i.i.d. uniform keys are treated (found with
    :func:`numpy.partition`, O(size) per draw); drawn in memory-bounded chunks.
    """
    out = np.zeros((n_draws, size), dtype=np.int8)
    if m in (0, size):
        out[:] = m > 0
        return out
    chunk = max(1, _CHUNK_ELEMENTS // size)
    for start in range(0, n_draws, chunk):
        keys = rng.random((min(chunk, n_draws - start), size))
        kth = np.partition(keys, m - 1, axis=1)[:, m - 1 : m]
        block = (keys <= kth).astype(np.int8)
        for row in np.flatnonzero(block.sum(axis=1) != m):  # equal keys: practically never
            block[row] = 0
            block[row, rng.permutation(size)[:m]] = 1
        out[start : start + block.shape[0]] = block
    return out


def _codes(data: pd.DataFrame, column: str | None, role: str) -> np.ndarray:
    """Integer codes of ``column`` in sorted order (zeros without a column)."""
    if column is None:
        return np.zeros(len(data), dtype=np.int64)
    require_columns(data, [column], role)
    col = data[column]
    if col.isna().any():
        rows = np.flatnonzero(col.isna().to_numpy())[:20]
        raise InputError(
            f"{SOURCE}: {role} column {column!r} has missing values",
            [Problem(SOURCE, row=int(i) + 1, column=column, expected=f"a {role}") for i in rows],
        )
    return pd.factorize(col.astype("string"), sort=True)[0].astype(np.int64)


def _names(data: pd.DataFrame, column: str | None) -> list[str]:
    if column is None:
        return ["(all)"]
    return sorted(data[column].astype("string").unique().tolist())


def _block_counts(
    declaration: Declaration, block: str, unit_z: np.ndarray
) -> tuple[tuple[int, float], ...]:
    """The possible numbers treated in one block and their probabilities (complete_ra)."""
    prob = declared_probability(declaration, block)
    if prob is None:
        return ((int(unit_z.sum()), 1.0),)
    expected = unit_z.size * prob
    low = math.floor(expected + 1e-9)
    fix_up = expected - low
    if fix_up <= 1e-9:
        return ((low, 1.0),)
    return ((low, 1.0 - fix_up), (low + 1, fix_up))


def declared_probability(declaration: Declaration, block: str) -> float | None:
    """The share treated declared for ``block`` (None: observed counts are kept)."""
    if block in declaration.block_probabilities:
        return float(declaration.block_probabilities[block])
    if declaration.probability is None and declaration.block_probabilities:
        return 0.5
    return declaration.probability


def check_consistency(
    data: pd.DataFrame,
    declaration: Declaration,
    z: np.ndarray,
    unit: np.ndarray,
    blocks: np.ndarray,
    names: list[str],
    arm: str | None = "arm",
) -> tuple[np.ndarray, np.ndarray]:
    """Check the observed assignment against the declaration; return each unit's arm and block.

    Raises
    ------
    InputError
        A cluster split across arms or blocks, a block probability naming an unknown block,
        or a block whose number treated is not one ``complete_ra`` can give (naming the block,
        the counts, the expected count and the fix).
    """
    n_units = int(unit.max()) + 1
    problems: list[Problem] = []
    cluster = declaration.cluster_column
    for u in range(n_units):
        rows = unit == u
        if np.unique(z[rows]).size > 1:
            problems.append(_split(data, cluster, rows, arm, "arms"))
        if np.unique(blocks[rows]).size > 1:
            problems.append(_split(data, cluster, rows, declaration.block_column, "blocks"))
    if problems:
        raise InputError(
            f"{SOURCE}: the assignment is not a {declaration.procedure.replace('_', ' ')} "
            f"randomisation: {len(problems)} cluster(s) are split; {_FIX}",
            problems[:20],
        )
    first = np.unique(unit, return_index=True)[1]
    unit_z, unit_block = z[first].astype(int), blocks[first]
    unknown = sorted(set(declaration.block_probabilities) - set(names))
    if unknown:
        raise InputError(
            f"randomisation.block_probabilities names block(s) {unknown} that are not in "
            f"column {declaration.block_column!r} (blocks: {names}); {_FIX}"
        )
    if arm is not None:  # a design not yet randomised has no counts to check
        _check_counts(declaration, unit_z, unit_block, names)
    return unit_z, unit_block


def _split(data: pd.DataFrame, cluster: str | None, rows: np.ndarray, column, what) -> Problem:
    values = sorted(data.loc[rows, column].astype("string").unique().tolist())
    name = data.loc[rows, cluster].astype("string").iloc[0]
    return Problem(
        SOURCE,
        column=cluster,
        value=f"cluster {name}",
        expected=f"one of the {what} for every person in a cluster; found {values}",
    )


def _check_counts(
    declaration: Declaration, unit_z: np.ndarray, unit_block: np.ndarray, names: list[str]
) -> None:
    """Every block's number of treated units must be one the declared probability can give."""
    what = "clusters" if declaration.cluster_column else "people"
    problems = []
    for b, name in enumerate(names):
        in_block = unit_z[unit_block == b]
        prob = declared_probability(declaration, name)
        if prob is None:
            continue
        possible = [m for m, _ in _block_counts(declaration, name, in_block)]
        treated = int(in_block.sum())
        if treated not in possible:
            expected = " or ".join(str(m) for m in possible)
            problems.append(
                Problem(
                    SOURCE,
                    column=declaration.block_column,
                    value=f"block {name}: {treated} of {in_block.size} {what} treated",
                    expected=f"{expected} treated (probability {prob:g})",
                )
            )
    if problems:
        raise InputError(
            f"{SOURCE}: the numbers treated do not match the declared randomisation "
            f"({declaration.describe()}) in {len(problems)} block(s); {_FIX}",
            problems[:20],
        )
