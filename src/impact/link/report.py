"""The link report: counts per wave and stage, selectivity of linking, probabilities, review.

:class:`LinkReport` carries

* ``waves`` — per wave: records, invalid codes, duplicates dropped, linked by each stage,
  unmatched, ambiguous candidates, prior match probability of the Splink stage;
* ``balance`` — linked vs unmatched baseline respondents compared on baseline answers
  (gender, age, employment, education) with standardised differences, so selective linking
  shows;
* ``duplicates`` — dropped duplicate answers (pseudonymised);
* ``candidates`` — every pair Splink scored (pseudonymised, no codes), for the probability
  figure and ``borderline`` — the pairs to review by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impact.escaping import write_csv
from impact.figures import new_figure
from impact.outputs import atomic_file
from impact.results import Result

#: Standardised differences above this (in absolute value) are flagged as notable (Austin 2009).
NOTABLE_STD_DIFF = 0.1
WAVE_COLUMNS = [
    "wave",
    "role",
    "records",
    "invalid_codes",
    "duplicates",
    "linked_study_id",
    "linked_exact",
    "linked_splink",
    "linked",
    "unmatched",
    "ambiguous",
    "share_linked",
    "prior_match_probability",
]
BALANCE_COLUMNS = [
    "wave",
    "variable",
    "level",
    "n_linked",
    "n_unmatched",
    "mean_linked",
    "mean_unmatched",
    "std_diff",
    "notable",
]


def standardised_difference(linked: pd.Series, unmatched: pd.Series, binary: bool) -> float:
    """Standardised difference of means (Austin 2009), linked minus unmatched.

    Parameters
    ----------
    linked, unmatched : pandas.Series
        Values (missing values dropped) of the two groups; 0/1 for a binary variable.
    binary : bool
        Use the pooled Bernoulli variance ``p(1-p)`` instead of sample variances.

    Returns
    -------
    float
        ``(mean_l - mean_u) / sqrt((var_l + var_u) / 2)``; 0 when both groups are constant and
        equal, ±inf when constant and different, NaN when a group is empty.
    """
    a = pd.to_numeric(linked, errors="coerce").dropna().astype(float)
    b = pd.to_numeric(unmatched, errors="coerce").dropna().astype(float)
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    diff = a.mean() - b.mean()
    if binary:
        va, vb = a.mean() * (1 - a.mean()), b.mean() * (1 - b.mean())
    else:
        va = a.var(ddof=1) if len(a) > 1 else 0.0
        vb = b.var(ddof=1) if len(b) > 1 else 0.0
    pooled = math.sqrt((va + vb) / 2)
    if pooled == 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return float(diff / pooled)


def balance_table(panel: pd.DataFrame, later_waves: list[str]) -> pd.DataFrame:
    """Compare baseline respondents linked to each later wave with those not linked.

    Categorical variables (``gender``, ``b_employment``) are compared level by level as
    shares; ``age`` and ``education_level`` as means.
    """
    rows = []
    if "responded_b" not in panel:
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    base = panel[panel["responded_b"]]
    specs = [
        ("gender", "gender", True),
        ("employment", "b_employment", True),
        ("age", "age", False),
        ("education_level", "education_level", False),
    ]
    for wave in later_waves:
        linked_mask = base[f"responded_{wave}"]
        for name, column, categorical in specs:
            if column not in base:
                continue
            values = base[column]
            if categorical:
                levels = sorted(values.dropna().astype(str).unique())
                items = [
                    (lvl, values.astype("string").eq(lvl).astype("Float64").where(values.notna()))
                    for lvl in levels
                ]
            else:
                items = [("mean", pd.to_numeric(values, errors="coerce").astype("Float64"))]
            for level, series in items:
                li, un = series[linked_mask].dropna(), series[~linked_mask].dropna()
                d = standardised_difference(li, un, binary=categorical)
                rows.append(
                    {
                        "wave": wave,
                        "variable": name,
                        "level": level,
                        "n_linked": len(li),
                        "n_unmatched": len(un),
                        "mean_linked": float(li.mean()) if len(li) else float("nan"),
                        "mean_unmatched": float(un.mean()) if len(un) else float("nan"),
                        "std_diff": d,
                        "notable": bool(abs(d) > NOTABLE_STD_DIFF) if not math.isnan(d) else False,
                    }
                )
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


@dataclass
class LinkReport(Result):
    """What linking did, wave by wave (see module docstring).

    Attributes
    ----------
    waves, balance, duplicates, candidates : pandas.DataFrame
        See module docstring.
    threshold : float
        The Splink match probability threshold used.
    review_band : tuple of float
        Probabilities (low, high) of the pairs listed for clerical review.
    notes : list of str
        Method notes (duplicate rule, m priors, threshold choice).
    splink_settings : dict of str to dict
        Per linked wave, the trained Splink settings (m, u and prior filled in; no data) —
        ``splink.Linker(tables, settings)`` reproduces the probabilities.
    """

    waves: pd.DataFrame
    balance: pd.DataFrame
    duplicates: pd.DataFrame
    candidates: pd.DataFrame
    threshold: float
    review_band: tuple[float, float]
    notes: list[str] = field(default_factory=list)
    splink_settings: dict[str, dict] = field(default_factory=dict)
    title: str = "Link report"

    def tidy(self) -> pd.DataFrame:
        """Per-wave counts (columns: :data:`WAVE_COLUMNS`)."""
        return self.waves.copy()

    @property
    def borderline(self) -> pd.DataFrame:
        """Scored pairs whose probability lies in ``review_band``: for clerical review.

        Pseudonymised record ids, the per-element agreement pattern, the probability and
        whether the pair was linked; no codes.
        """
        low, high = self.review_band
        p = self.candidates["match_probability"]
        out = self.candidates[(p >= low) & (p <= high)]
        return out.sort_values("match_probability", ascending=False).reset_index(drop=True)

    def write_borderline_csv(self, path) -> None:
        """Write :attr:`borderline` to ``path`` (atomically)."""
        with atomic_file(path, "w", newline="", encoding="utf-8") as handle:
            write_csv(self.borderline, handle, index=False)

    def summary(self) -> str:
        """Short text: linked shares per wave and notable selectivity."""
        lines = [f"{self.title} (Splink threshold {self.threshold:g})"]
        for row in self.waves.itertuples(index=False):
            if row.role == "spine":
                lines.append(f"  {row.wave}: {row.records} records, {row.duplicates} duplicates")
            else:
                lines.append(
                    f"  {row.wave}: {row.linked} of {row.records - row.duplicates} linked "
                    f"({row.linked_study_id} study id, {row.linked_exact} exact, "
                    f"{row.linked_splink} Splink); {row.unmatched} unmatched, "
                    f"{row.ambiguous} ambiguous, {row.duplicates} duplicates"
                )
        notable = self.balance[self.balance["notable"]]
        if len(notable):
            lines.append(
                "  Linked and unmatched baseline respondents differ (|std. diff.| > "
                f"{NOTABLE_STD_DIFF}) on: "
                + ", ".join(sorted({f"{r.variable} ({r.wave})" for r in notable.itertuples()}))
            )
        lines.append(f"  {len(self.borderline)} borderline pairs for clerical review")
        return "\n".join(lines)

    def figure(self):
        """Histogram of Splink match probabilities (linked vs not), threshold marked."""

        fig = new_figure(6.5, 3.6)
        ax = fig.add_subplot()
        bins = np.linspace(0, 1, 21)
        cand = self.candidates
        if len(cand):
            linked = cand["linked"].to_numpy(dtype=bool)
            p = cand["match_probability"].to_numpy(dtype=float)
            ax.hist(
                [p[~linked], p[linked]],
                bins=bins,
                stacked=True,
                label=["not linked", "linked"],
                color=["#bbbbbb", "#1f77b4"],
            )
            ax.legend(frameon=False, loc="upper center")
        else:
            ax.text(
                0.5,
                0.5,
                "no pairs needed the probabilistic stage",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
        ax.axvline(self.threshold, color="black", linestyle="--", linewidth=1)
        ax.set_yscale("symlog", linthresh=10)
        ax.set_xlabel("match probability (Splink)")
        ax.set_ylabel("candidate pairs")
        ax.set_title("Match probabilities of the probabilistic stage")
        return fig
