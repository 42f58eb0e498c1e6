"""Power, minimum detectable effect (percentage points) and sample size for binary outcomes.

See ``docs/power.md``. Modules: :mod:`.design` (assumptions and checks), :mod:`.methods` (the
three normal approximations), :mod:`.analytic` (solvers), :mod:`.hc2` and :mod:`.simulate`
(simulation with the ITT/HC2 estimator), :mod:`.curves` (figures), :mod:`.rise` (RISE's
pre-study calculation), :mod:`.planning` (the 500-participant plan), :mod:`.results`
(result objects).
"""

from impact.analysis.power.analytic import mde, power, sample_size
from impact.analysis.power.curves import MDECurve, PowerCurve, mde_curve, power_curve
from impact.analysis.power.design import (
    DEFAULT_METHOD,
    Assumptions,
    PowerRequestError,
)
from impact.analysis.power.hc2 import ITTDraws, itt_hc2
from impact.analysis.power.planning import StudyPlan, plan_study
from impact.analysis.power.results import MDEResult, PowerResult, SampleSizeResult
from impact.analysis.power.rise import RiseReproduction, rise_reproduction
from impact.analysis.power.simulate import DEFAULT_SEED, SimulationResult, simulate_power

__all__ = [
    "DEFAULT_METHOD",
    "DEFAULT_SEED",
    "Assumptions",
    "ITTDraws",
    "MDECurve",
    "MDEResult",
    "PowerCurve",
    "PowerRequestError",
    "PowerResult",
    "RiseReproduction",
    "SampleSizeResult",
    "SimulationResult",
    "StudyPlan",
    "itt_hc2",
    "mde",
    "mde_curve",
    "plan_study",
    "power",
    "power_curve",
    "rise_reproduction",
    "sample_size",
    "simulate_power",
]
