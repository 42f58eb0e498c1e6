"""The study file's ``power:`` section: the randomised design the study was planned with.

The power report and the power section of the RCT report use this declared design; without
it they say that no design was declared and show only the study as run (see
``docs/power.md``). The method names repeat :data:`impact.analysis.power.design.Method`
(this layer cannot import the analysis layer; a test checks that they agree).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["ClusterDesign", "PowerConfig"]

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ClusterDesign(_Strict):
    """Cluster randomisation: ``power.clusters:`` (intra-cluster correlation, mean size)."""

    icc: Annotated[float, Field(ge=0.0, lt=1.0)]
    size: Annotated[float, Field(ge=1.0)]


class PowerConfig(_Strict):
    """The planned design: ``power:``.

    Attributes
    ----------
    n_per_arm, n_total : int, optional
        Participants randomised: per arm (control arm when ``ratio`` ≠ 1) or in total; exactly
        one of the two.
    ratio : float
        Treatment : control allocation ratio (default 1).
    control_rates : "observed" or mapping of outcome → rate
        Expected control-group rates, or ``observed`` (default) for the rates the study's
        control group shows, for every outcome the study analyses.
    alpha, power : float
        Significance level (default 0.05, two-sided) and power target (default 0.8).
    r2 : list of float
        Share of outcome variance explained by the covariates, one plan per value (default 0).
    attrition : float
        Expected share without a result answer (default 0).
    clusters : ClusterDesign, optional
        ``icc`` and mean cluster ``size`` when whole groups are randomised.
    method : {"unpooled", "pooled", "arcsine"}
        Normal approximation (default unpooled, the package's ITT test).
    effect_pp : float or mapping of outcome → float, optional
        Expected effect of taking part, for compliers, in percentage points (one for every
        outcome, or per outcome); read by the design diagnosis (``impact power diagnose
        --study``), which otherwise needs ``--effect``.
    take_up, crossover : float
        Expected share of those offered a place who start (default 1) and of the control
        group who start anyway (default 0); read by the design diagnosis.
    blocks : int, optional
        Number of equal randomisation blocks the design diagnosis simulates when
        ``randomisation.procedure`` is ``blocked`` (the study file names the block column, not
        how many blocks the planned study will have).
    """

    n_per_arm: Annotated[int, Field(ge=2)] | None = None
    n_total: Annotated[int, Field(ge=4)] | None = None
    ratio: Annotated[float, Field(gt=0.0)] = 1.0
    control_rates: Literal["observed"] | dict[str, Rate] = "observed"
    alpha: Annotated[float, Field(gt=0.0, lt=0.5)] = 0.05
    power: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.8
    r2: list[Annotated[float, Field(ge=0.0, lt=1.0)]] = Field(
        default_factory=lambda: [0.0], min_length=1
    )
    attrition: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    clusters: ClusterDesign | None = None
    method: Literal["unpooled", "pooled", "arcsine"] = "unpooled"
    effect_pp: (
        Annotated[float, Field(allow_inf_nan=False)]
        | dict[str, Annotated[float, Field(allow_inf_nan=False)]]
        | None
    ) = None
    take_up: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    crossover: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    blocks: Annotated[int, Field(ge=1)] | None = None

    @field_validator("r2", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _one_size(self) -> PowerConfig:
        if (self.n_per_arm is None) == (self.n_total is None):
            raise ValueError(
                "n_total: exactly one of n_total and n_per_arm (participants randomised)"
                "; fix: e.g. `n_total: 500`"
            )
        if self.crossover >= self.take_up:
            raise ValueError(
                f"crossover: a share below take_up ({self.take_up:g}) — got {self.crossover:g}"
                ", so nobody would be a complier; fix: lower power.crossover (the share of "
                "controls who start) or raise power.take_up"
            )
        return self

    @property
    def participants(self) -> float:
        """Participants randomised in both arms."""
        if self.n_total is not None:
            return float(self.n_total)
        return float(self.n_per_arm) * (1.0 + self.ratio)
