"""The study file's ``costs:`` section: what the programme cost, for cost-effectiveness.

Give the programme's cost as a ``total``, ``per_participant`` or ``per_round`` (any of them;
when several are given they must agree with the numbers of participants and rounds in the
data, which :mod:`impact.analysis.cost.basis` checks), with its ``currency`` and the
``price_year`` the amounts are expressed in. See ``docs/ingest.md`` and ``docs/cost.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["DEFAULT_COST_OUTCOMES", "CostsConfig"]

Amount = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]

#: The outcomes a cost per additional person is computed for unless the study file names others.
DEFAULT_COST_OUTCOMES = ["got_job", "job_or_steps"]


class CostsConfig(BaseModel):
    """Programme costs: ``costs:``.

    Attributes
    ----------
    total, per_participant, per_round : float, optional
        The programme's cost, in ``currency``; at least one. When several are given they must
        agree (within ``tolerance``) once the numbers of participants and rounds are known.
    currency : str
        Three-letter currency code (default ``SEK``).
    price_year : int
        The year whose prices the amounts are in.
    outcomes : list of str
        Outcomes to compute the cost per additional person for (default got_job,
        job_or_steps).
    per_amount : float
        The budget of "impact per …" (J-PAL style; default 100,000).
    bootstrap_draws : int
        Bootstrap resamples for the percentile intervals (default 2,000).
    tolerance : float
        Largest relative disagreement allowed between the amounts given (default 0.01).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    total: Amount | None = None
    per_participant: Amount | None = None
    per_round: Amount | None = None
    currency: str = Field("SEK", pattern=r"^[A-Z]{3}$")
    price_year: int = Field(ge=1900, le=2200)
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_COST_OUTCOMES), min_length=1)
    per_amount: Amount = 100_000.0
    bootstrap_draws: int = Field(2000, ge=200)
    tolerance: float = Field(0.01, ge=0.0, lt=1.0)

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _some_amount(self) -> CostsConfig:
        if self.total is None and self.per_participant is None and self.per_round is None:
            raise ValueError(
                "total: an amount — at least one of total, per_participant, per_round; "
                "fix: add e.g. `per_participant: 18000`"
            )
        return self

    def given(self) -> dict[str, float]:
        """The amounts the study file gives: ``{name: amount}``."""
        names = ("total", "per_participant", "per_round")
        return {n: float(getattr(self, n)) for n in names if getattr(self, n) is not None}
