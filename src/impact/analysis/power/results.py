"""Result objects of the analytic power calculations.

Each states its assumptions and answer in one sentence (``sentence(lang="en" | "sv")``), gives
a tidy table (``tidy()``), a JSON-ready dictionary (``to_dict()``) and an HTML view for
notebooks that shows the sentence above the table.
"""

from __future__ import annotations

import html
import math
from abc import abstractmethod
from dataclasses import dataclass

import pandas as pd

from impact.analysis.power import text
from impact.analysis.power.design import Arms, Assumptions, PowerRequestError
from impact.i18n import Lang, check_lang, message
from impact.results import Result


class PowerAnswer(Result):
    """Base of power results: a sentence, a tidy table, a dictionary and HTML."""

    assumptions: Assumptions

    @abstractmethod
    def sentence(self, lang: Lang = "en") -> str:
        """The assumptions and the answer in one sentence, in English or Swedish."""

    @abstractmethod
    def to_dict(self) -> dict:
        """The result as JSON-ready values (numbers, strings, lists, dictionaries)."""

    def summary(self) -> str:
        """The sentence followed by the tidy table."""
        with pd.option_context("display.width", 120, "display.max_columns", 30):
            table = self.tidy().to_string(index=False)
        return f"{self.title}\n{self.sentence()}\n{table}"

    def _repr_html_(self) -> str:
        table = self.tidy().to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="")
        return f"<h4>{html.escape(self.title)}</h4>\n<p>{html.escape(self.sentence())}</p>\n{table}"

    def _one_row_dict(self, solve_for: str) -> dict:
        """The one-row tidy table as JSON-ready values, the assumptions nested, both sentences."""
        out = {"solve_for": solve_for, **self.tidy().iloc[0].to_dict()}
        out = {k: v for k, v in out.items() if k not in _design_columns(self.assumptions)}
        out["assumptions"] = self.assumptions.to_dict()
        out["sentence"] = {"en": self.sentence("en"), "sv": self.sentence("sv")}
        return _plain(out)


def _design_columns(assumptions: Assumptions) -> dict:
    return {
        "alpha": assumptions.alpha,
        "sides": assumptions.sides,
        "method": assumptions.method,
        "r2": assumptions.r2,
        "icc": assumptions.icc,
        "cluster_size": assumptions.cluster_size,
        "cluster_cv": assumptions.cluster_cv,
        "design_effect": assumptions.design_effect,
        "attrition": assumptions.attrition,
    }


def _effect_columns(result: PowerResult | SampleSizeResult) -> dict:
    """The effect a result is about: effect_pp, control and treatment rates, Cohen's h."""
    return {
        "effect_pp": result.effect_pp,
        "control_rate": result.control_rate,
        "treatment_rate": result.treatment_rate,
        "cohens_h": result.cohens_h,
    }


def _arm_columns(arms: Arms, assumptions: Assumptions) -> dict:
    a1, a0 = arms.analysed(assumptions)
    return {
        "n_treatment": arms.n_treatment,
        "n_control": arms.n_control,
        "n_treatment_analysed": a1,
        "n_control_analysed": a0,
    }


@dataclass(frozen=True)
class MinimumDetectable:
    """The MDE in one direction.

    Attributes
    ----------
    direction : {"increase", "decrease"}
    mde_pp : float
        Smallest detectable change, in percentage points (positive).
    treatment_rate : float
        The treatment rate at that change.
    cohens_h : float
        Cohen's h of that change (signed).
    """

    direction: str
    mde_pp: float
    treatment_rate: float
    cohens_h: float


@dataclass(frozen=True, repr=False)
class MDEResult(PowerAnswer):
    """Minimum detectable effect(s) in percentage points; see :func:`~.analytic.mde`."""

    arms: Arms
    assumptions: Assumptions
    control_rate: float
    power: float
    detectable: tuple[MinimumDetectable, ...]
    outcome: str | None = None
    title = "Minimum detectable effect"

    def get(self, direction: str) -> MinimumDetectable:
        """The MDE in ``direction`` ("increase" or "decrease")."""
        for found in self.detectable:
            if found.direction == direction:
                return found
        raise KeyError(f"this result has no MDE for direction {direction!r}")

    @property
    def mde_pp(self) -> float:
        """The first MDE computed (the rise when both directions were asked)."""
        return self.detectable[0].mde_pp

    def sentence(self, lang: Lang = "en") -> str:
        """E.g. 'With 73 and 78 participants, α = 0.05 and 80 % power, the smallest …'."""
        lang = check_lang(lang, error=PowerRequestError)
        who = text.participants(self.arms.n_treatment, self.arms.n_control, self.assumptions, lang)
        ap = text.alpha_power(self.assumptions.alpha, self.power, lang)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        first, *rest = self.detectable
        smallest = message("labels.power.sentences.smallest", lang)
        head = f"{smallest} {text.WORDS[first.direction + '_def'][lang]}"
        out = message("labels.power.sentences.mde", lang, who=who, ap=ap, head=head,
                      pp=text.pp(first.mde_pp, lang), where=where)  # fmt: skip
        for other in rest:
            word = text.WORDS[other.direction + "_def"][lang]
            out += f" {text.WORDS['and'][lang]} {smallest} {word} {text.pp(other.mde_pp, lang)}"
        return f"{out} {text.test_note(self.assumptions, lang, first.cohens_h)}."

    def tidy(self) -> pd.DataFrame:
        """One row per direction: direction, mde_pp, rates, h, power and all assumptions."""
        rows = [
            {
                "direction": found.direction,
                "mde_pp": found.mde_pp,
                "control_rate": self.control_rate,
                "treatment_rate": found.treatment_rate,
                "cohens_h": found.cohens_h,
                "power": self.power,
                **_arm_columns(self.arms, self.assumptions),
                **_design_columns(self.assumptions),
                "outcome": self.outcome,
            }
            for found in self.detectable
        ]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """JSON-ready: the question, the assumptions, the answers and both sentences."""
        a1, a0 = self.arms.analysed(self.assumptions)
        return {
            "solve_for": "mde",
            "outcome": self.outcome,
            "n_treatment": self.arms.n_treatment,
            "n_control": self.arms.n_control,
            "n_treatment_analysed": a1,
            "n_control_analysed": a0,
            "control_rate": self.control_rate,
            "power": self.power,
            "assumptions": self.assumptions.to_dict(),
            "mde": [
                {
                    "direction": f.direction,
                    "mde_pp": f.mde_pp,
                    "treatment_rate": f.treatment_rate,
                    "cohens_h": f.cohens_h,
                }
                for f in self.detectable
            ],
            "sentence": {"en": self.sentence("en"), "sv": self.sentence("sv")},
        }


@dataclass(frozen=True, repr=False)
class PowerResult(PowerAnswer):
    """Power of a design against one effect; see :func:`~.analytic.power`."""

    arms: Arms
    assumptions: Assumptions
    control_rate: float
    effect_pp: float
    treatment_rate: float
    cohens_h: float
    power: float
    outcome: str | None = None
    title = "Power"

    def _change(self, lang: Lang) -> str:
        direction = "increase" if self.effect_pp >= 0 else "decrease"
        word = text.WORDS[direction][lang]
        size = text.pp(abs(self.effect_pp), lang, decimals=None)
        return message("labels.power.sentences.change", lang, direction=word, size=size)

    def sentence(self, lang: Lang = "en") -> str:
        """E.g. 'With 73 and 78 participants and α = 0.05, a rise of 10 percentage points …'."""
        lang = check_lang(lang, error=PowerRequestError)
        who = text.participants(self.arms.n_treatment, self.arms.n_control, self.assumptions, lang)
        ap = text.alpha_power(self.assumptions.alpha, None, lang)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        achieved = text.percent(self.power, lang, decimals=1)
        note = text.test_note(self.assumptions, lang, self.cohens_h)
        return message("labels.power.sentences.power", lang, who=who, ap=ap,
                       change=self._change(lang), where=where, achieved=achieved,
                       note=note)  # fmt: skip

    def tidy(self) -> pd.DataFrame:
        """One row: power, effect_pp, rates, h and all assumptions."""
        row = {
            "power": self.power,
            **_effect_columns(self),
            **_arm_columns(self.arms, self.assumptions),
            **_design_columns(self.assumptions),
            "outcome": self.outcome,
        }
        return pd.DataFrame([row])

    def to_dict(self) -> dict:
        """JSON-ready: the question, the assumptions, the power and both sentences."""
        return self._one_row_dict("power")


@dataclass(frozen=True, repr=False)
class SampleSizeResult(PowerAnswer):
    """Sample size needed for a target power; see :func:`~.analytic.sample_size`.

    ``exact_*`` are the continuous solutions for the numbers analysed; ``analysed_*`` round
    them up; ``enrolled_*`` divide by the expected retention and round up.
    """

    assumptions: Assumptions
    control_rate: float
    effect_pp: float
    treatment_rate: float
    cohens_h: float
    power: float
    ratio: float
    exact_treatment: float
    exact_control: float
    analysed_treatment: int
    analysed_control: int
    enrolled_treatment: int
    enrolled_control: int
    achieved_power: float
    outcome: str | None = None
    title = "Sample size"

    @property
    def enrolled_total(self) -> int:
        """Participants to enrol in both arms."""
        return self.enrolled_treatment + self.enrolled_control

    @property
    def clusters(self) -> tuple[int, int] | None:
        """Clusters to enrol per arm (treatment, control) when ``cluster_size > 1``."""
        size = self.assumptions.cluster_size
        if size <= 1:
            return None
        return (
            math.ceil(self.enrolled_treatment / size - 1e-9),
            math.ceil(self.enrolled_control / size - 1e-9),
        )

    def sentence(self, lang: Lang = "en") -> str:
        """E.g. 'To detect a rise of 10 percentage points from a 30 % job rate with …'."""
        lang = check_lang(lang, error=PowerRequestError)
        direction = "increase" if self.effect_pp > 0 else "decrease"
        word = text.WORDS[direction][lang]
        size = text.pp(abs(self.effect_pp), lang, decimals=None)
        where = text.from_rate(self.control_rate, self.outcome, lang)
        ap = text.alpha_power(self.assumptions.alpha, self.power, lang)
        a1, a0 = self.analysed_treatment, self.analysed_control
        e1, e0 = self.enrolled_treatment, self.enrolled_control
        extra = []
        if self.assumptions.attrition > 0:
            loss = text.percent(self.assumptions.attrition, lang)
            extra.append(message("labels.power.sentences.enrol", lang, e1=e1, e0=e0, loss=loss))
        if self.clusters is not None:
            c1, c0 = (int(c) for c in self.clusters)
            m = text.count(self.assumptions.cluster_size, lang)
            extra.append(message("labels.power.sentences.in_clusters", lang, c1=c1, c0=c0, m=m))
        if self.assumptions.r2 > 0:
            extra.append(f"R² = {text.general(self.assumptions.r2, lang)}")
        extra.append(text.test_words(self.assumptions, lang, self.cohens_h))
        tail = "; ".join(extra)
        return message("labels.power.sentences.sample_size", lang, direction=word, size=size,
                       where=where, ap=ap, a1=a1, a0=a0, tail=tail)  # fmt: skip

    def tidy(self) -> pd.DataFrame:
        """One row: exact, analysed and enrolled numbers per arm, achieved power, assumptions."""
        clusters = self.clusters or (None, None)
        row = {
            "n_treatment_exact": self.exact_treatment,
            "n_control_exact": self.exact_control,
            "n_treatment_analysed": self.analysed_treatment,
            "n_control_analysed": self.analysed_control,
            "n_treatment_enrolled": self.enrolled_treatment,
            "n_control_enrolled": self.enrolled_control,
            "n_total_enrolled": self.enrolled_total,
            "clusters_treatment": clusters[0],
            "clusters_control": clusters[1],
            "power": self.power,
            "achieved_power": self.achieved_power,
            **_effect_columns(self),
            "ratio": self.ratio,
            **_design_columns(self.assumptions),
            "outcome": self.outcome,
        }
        return pd.DataFrame([row])

    def to_dict(self) -> dict:
        """JSON-ready: the question, the assumptions, the numbers and both sentences."""
        return self._one_row_dict("n")


def _plain(values: dict) -> dict:
    """Turn numpy scalars and pandas missing values into plain Python for JSON."""
    out = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out[key] = _plain(value)
        elif value is None or (isinstance(value, float) and value != value):
            out[key] = None
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out
